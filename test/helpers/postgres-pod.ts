import type { RawClient } from './rpc-client.js';
import { focusedQueryPane, keys, pod, podsPane, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * Namespace `ns` with a pod `db-0` whose postgres container (user shop, password pw, database shop)
 * kube-sim's port-forward takes to 127.0.0.1:`port` (a real server, or a scripted hostile one).
 */
export function postgresPodAt(w: ExecWorld, ns: string, port: number): void {
  w.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const p = pod('db-0', ns, ['postgres']) as ReturnType<typeof pod> & { spec: { containers: Array<Record<string, unknown>> } };
  Object.assign(p.spec.containers[0]!, {
    image: 'postgres:16.4',
    ports: [{ containerPort: 5432, protocol: 'TCP' }],
    env: [
      { name: 'POSTGRES_USER', value: 'shop' },
      { name: 'POSTGRES_PASSWORD', value: 'pw' },
      { name: 'POSTGRES_DB', value: 'shop' },
    ],
  });
  w.sim.setPortTarget(ns, 'db-0', 5432, { host: '127.0.0.1', port });
  w.sim.createObject(p);
}

/** Attaches `c`, shift+q on `ns`'s db-0: the query pane, in its connection dialog. */
export async function openQueryDialog(c: RawClient, ns: string, size: { cols: number; rows: number }): Promise<number> {
  await c.attach(size);
  await podsPane(c, ns, ['db-0']);
  await keys(c, 'shift+q');
  const paneId = await focusedQueryPane(c);
  await c.waitLayout('insert mode for the dialog', (x) => x.mode === 'insert');
  await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL'), 30_000);
  return paneId;
}

/** openQueryDialog, then enter: connected once the status shows `banner`. */
export async function openQueryConnected(c: RawClient, ns: string, size: { cols: number; rows: number }, banner: RegExp): Promise<number> {
  const paneId = await openQueryDialog(c, ns, size);
  await keys(c, 'enter');
  await waitScreen(c, paneId, 'connected', (rows) => banner.test(rows.join('\n')), 60_000);
  return paneId;
}
