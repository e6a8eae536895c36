import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, KubeSim } from '@kubetile/kube-sim';
import { waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { openListIn, pressKeys, selectRow as selectRowIn } from '../helpers/list-pane.js';

/**
 * Debug mode's one confirmation answers only what it said: a workload that another user (or a script) put in or
 * out of debug mode while the dialog was open is left as it is, and the user is told why, rather than the key's
 * toggle doing the opposite of what the dialog said.
 */

let env: TestEnv;
let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;
const NS = 'dbg-race';

type Rec = Record<string, unknown>;
const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', command: ['/bin/app'] }] } },
  },
});

const toasts = (): string[] => c.notifications.filter((n) => n.method === 'toast').map((n) => (n.params as { text: string }).text);
const waitToast = (re: RegExp): Promise<string> => waitFor(`a toast matching ${re} (got ${JSON.stringify(toasts())})`, () => toasts().find((t) => re.test(t)));
const dep = (name: string): KubeObject => sim.getObject('apps/v1', 'Deployment', name, NS)!;
const command = (o: KubeObject): unknown => ((((o.spec as Rec).template as Rec).spec as Rec).containers as Rec[])[0]!.command;

const keys = (...ks: string[]): Promise<void> => pressKeys(c, ...ks);
const openList = (kind: string): Promise<number> => openListIn(c, kind, NS);
const selectRow = (paneId: number, name: string): Promise<void> => selectRowIn(c, paneId, name);

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s) => s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }),
    client: { cols: 160, rows: 40 },
  });
  ({ env, sim, client: c } = stack);
});
afterAll(() => stack?.stop());

describe('debug mode: the dialog answers only what it said', () => {
  it('a workload put in debug mode by someone else while "Debug mode on …?" was open stays in debug mode', async () => {
    sim.createObject(deployment('race'));
    const deps = await openList('deployments');
    await selectRow(deps, 'race');
    await keys('ctrl+alt+d');
    await c.waitLayout('the dialog', (x) => x.overlay?.type === 'confirm' && /^Debug mode on Deployment dbg-race\/race\?/.test(x.overlay.text));

    // Someone else (a script here) turns debug mode on meanwhile.
    const other = await RawClient.connect(env.socket);
    try {
      const r = await other.request<{ message: string }>('resource/action', { paneId: deps, action: 'debug', args: { mode: 'debug-mode' }, target: { name: 'race' } });
      expect(r.message).toBe('Deployment dbg-race/race is in debug mode (container app)');
    } finally {
      other.close();
    }

    await keys('y');
    await waitToast(/Deployment dbg-race\/race changed since you were asked: it is in debug mode now; nothing was changed/);
    // Still in debug mode: the y did not turn it off.
    expect(command(dep('race'))).toEqual(['sleep', 'infinity']);
    expect(toasts().some((t) => /left debug mode/.test(t))).toBe(false);
  });
});
