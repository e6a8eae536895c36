import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { pod, podsPane, rowsText, startWorld, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * The psql fallback (port-forward forbidden) needs psql 13 or newer in the container (`--csv`,
 * `\warn`). A container with an older psql (a fake psql 12 here, answering `--csv` as psql 12 does,
 * through KubeSim.mapPsql), or none at all, gets a message in the pane naming the version found and
 * the one needed — not psql's usage text, not "exited with code 127". Needs no PostgreSQL.
 */

let w: ExecWorld;
let ns: string;

/** psql 12's answers: its version, and getopt's refusal of `--csv` (exit 1). */
const FAKE_PSQL_12 = `#!/bin/sh
case "$1" in --version|-V) echo "psql (PostgreSQL) 12.17 (Debian 12.17-1.pgdg110+1)"; exit 0;; esac
for a in "$@"; do
  if [ "$a" = "--csv" ]; then echo "psql: unrecognized option '--csv'" >&2; echo 'Try "psql --help" for more information.' >&2; exit 1; fi
done
echo "fake psql 12 ran without --csv" >&2
exit 3
`;

function dbPod(name: string) {
  const p = pod(name, ns, ['postgres']) as ReturnType<typeof pod> & { spec: { containers: Array<Record<string, unknown>> } };
  Object.assign(p.spec.containers[0]!, {
    image: 'postgres:12.17',
    ports: [{ containerPort: 5432, protocol: 'TCP' }],
    env: [
      { name: 'POSTGRES_USER', value: 'shop' },
      { name: 'POSTGRES_DB', value: 'shop' },
      { name: 'POSTGRES_PASSWORD', value: 'old-pw-1' },
    ],
  });
  return p;
}

beforeAll(async () => {
  w = await startWorld();
  ns = `qpsqlv-${process.pid}`;
  w.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  w.sim.createObject(dbPod('old-0'));
  w.sim.createObject(dbPod('bare-0'));
  w.sim.forbid('pods/portforward');
  const fake = join(w.env.dir, 'psql-12');
  writeFileSync(fake, FAKE_PSQL_12);
  chmodSync(fake, 0o755);
  w.sim.mapPsql(ns, 'old-0', { bin: fake, host: '127.0.0.1', port: 5432 });
}, 120_000);
afterAll(async () => {
  await w?.stop();
});

const text = (v: TerminalView): string => rowsText(v).join('\n');

async function connectTo(c: RawClient, name: string): Promise<{ paneId: number; screen: string }> {
  await podsPane(c, ns, ['bare-0', 'old-0']);
  // The pod list is sorted by name: bare-0 first, old-0 second.
  if (name === 'old-0') await c.request('client/key', { key: 'j' });
  await c.request('client/key', { key: 'shift+q' });
  const l = await c.waitLayout(`a query pane on ${name}`, (x) => {
    const t = x.tabs.find((tab) => tab.id === x.activeTabId);
    return !!t && (x.paneTitles[String(t.focusedPaneId)] ?? '') === `query ${ns}/${name}`;
  });
  const paneId = l.tabs.find((t) => t.id === l.activeTabId)!.focusedPaneId;
  await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL'));
  await c.request('client/key', { key: 'enter' });
  const screen = text(await waitScreen(c, paneId, 'the connection failing', (rows) => rows.join('\n').includes('Connection failed'), 60_000));
  return { paneId, screen };
}

describe('query pane psql fallback: psql too old or missing', () => {
  it('psql 12 in the container: the pane names the version found and the one needed', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 200, rows: 44 });
      const { paneId, screen } = await connectTo(c, 'old-0');
      expect(screen).toMatch(/Connection failed: psql 12\.17 in the container is too old: the fallback over exec \(port-forwarding is forbidden\) needs psql 13 or newer/);
      expect(screen).not.toContain('unrecognized option');
      expect(screen).not.toContain('psql --help');
      // The dialog stays, to try again (nothing else disturbed).
      expect(screen).toContain('Connect to PostgreSQL');
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  });

  it('no psql in the container: the pane says so and what is needed', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 200, rows: 44 });
      const { paneId, screen } = await connectTo(c, 'bare-0');
      expect(screen).toMatch(/Connection failed: no psql in the container: the fallback over exec \(port-forwarding is forbidden\) needs psql 13 or newer/);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  });
});
