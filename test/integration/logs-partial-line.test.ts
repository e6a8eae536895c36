// A container that draws a progress bar with carriage returns and no newline (a download, a
// migration): `kubectl logs -f` shows it as it is drawn; the logs pane showed nothing until the
// newline came (minutes later, or never). The API server here is a raw HTTP server
// (test/helpers/hostile-api-server.ts): kube-sim's logs are made of whole lines.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { json, pod, podList, startHostileApiServer, writeHostileKubeconfig, type HostileApiServer } from '../helpers/hostile-api-server.js';
import { openLogs, received, shown, waitPane } from '../../packages/daemon/test/logs/harness.js';

let env: TestEnv;
let api: HostileApiServer | null = null;
let daemon: DaemonProcess | null = null;
let client: RawClient | null = null;

beforeEach(() => {
  env = makeTestEnv();
});
afterEach(async () => {
  client?.close();
  client = null;
  await daemon?.stop();
  daemon = null;
  await api?.close();
  api = null;
  env.cleanup();
});

const PODS = '/api/v1/namespaces/default/pods';
const TS = '2026-01-01T00:00:00.100000000Z ';
const TS2 = '2026-01-01T00:00:09.100000000Z ';

describe('logs: a line drawn with \\r and no newline yet', () => {
  it('shows as it is drawn (its last redraw), and is replaced by the complete line once the newline comes', async () => {
    api = await startHostileApiServer();
    api.route(PODS, (_req, res, q) => {
      if (!q.get('watch')) return json(res, 200, podList([pod('puller')]));
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
    });
    api.route(`${PODS}/puller`, (_req, res) => json(res, 200, pod('puller')));
    const logs: ServerResponse[] = [];
    api.route(`${PODS}/puller/log`, (_req, res, q) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      if (q.get('follow') === 'true') logs.push(res);
      else res.end();
    });
    env.env.KUBECONFIG = writeHostileKubeconfig(join(env.dir, 'kubeconfig'), api);
    daemon = await startDaemon(env);
    client = await RawClient.connect(env.socket);
    await client.attach({ cols: 160, rows: 40 });
    const { paneId } = await openLogs(client, client.activeTab().focusedPaneId, 'puller', 'default');
    const stream = await waitFor('the log followed', () => logs[0], 30_000);

    stream.write(`${TS}pulling layer 1/3`);
    let v = await waitPane(client, paneId, 'the first draw shown', (x) => shown(x).includes('pulling layer 1/3'), 20_000);
    expect(shown(v)).toEqual(['pulling layer 1/3']);
    expect(received(v)).toBe(0);

    // Redrawn: the last redraw shows in its place (the pane follows it at the bottom).
    stream.write('\r\x1b[2Kpulling layer 2/3 [#####     ]');
    v = await waitPane(client, paneId, 'the redraw shown', (x) => shown(x).includes('pulling layer 2/3 [#####     ]'), 20_000);
    expect(shown(v)).toEqual(['pulling layer 2/3 [#####     ]']);

    // The line completes: it is a line like any other, once; the next one follows it.
    stream.write(`\rpulled: 100%\n${TS2}starting\n`);
    v = await waitPane(client, paneId, 'the complete lines', (x) => received(x) === 2, 20_000);
    expect(shown(v)).toEqual(['pulled: 100%', 'starting']);

    // A half line a chunk ends with shows too, once it has waited for its rest a moment.
    stream.write(`${TS2}half a li`);
    v = await waitPane(client, paneId, 'the half line', (x) => shown(x).includes('half a li'), 20_000);
    expect(shown(v)).toEqual(['pulled: 100%', 'starting', 'half a li']);
    stream.write('ne\n');
    v = await waitPane(client, paneId, 'the line complete', (x) => received(x) === 3, 20_000);
    expect(shown(v)).toEqual(['pulled: 100%', 'starting', 'half a line']);
  });
});
