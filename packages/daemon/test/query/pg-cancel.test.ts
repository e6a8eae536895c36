import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { openPortForward } from '../../src/kube/portforward/pf-stream.js';
import { QueryNotRun, type DbTarget } from '../../src/query/backend.js';
import { PgSession } from '../../src/query/pg-session.js';
import { simWithPod } from './sim-pod.js';

/**
 * ctrl+c in the query pane cancels a run before it reaches the server, in every state (PgSession
 * against the demo's embedded PostgreSQL behind kube-sim's real port-forward): queued behind the
 * session's own completion query, or waiting for the connection. Such a run never runs (its CREATE
 * TABLE is not there afterwards). A running statement's server-side cancel is in query-suite.ts.
 */

/** The engine's first start is an initdb in WASM (tens of seconds on a loaded 2-core machine). */
const ENGINE = 240_000;
const NS = 'pgcancel';
let sim: KubeSim;
let kc: KubeConfig;

const target: DbTarget = { context: 'sim', namespace: NS, pod: 'db-0', container: null, database: 'shop', user: 'shop', password: 'pw-cancel', port: 5432 };
const opts = { rows: 1000, maxBytes: 1024 * 1024 };
const session = (): PgSession => new PgSession(target, (signal) => openPortForward(kc, { namespace: NS, pod: 'db-0', port: 5432 }, { signal }));

async function tableExists(s: PgSession, name: string): Promise<boolean> {
  const r = await s.run(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = '${name}'`, opts);
  return r.rows[0]?.[0] === '1';
}

beforeAll(async () => {
  ({ sim, kc } = await simWithPod(NS, {
    name: 'db-0',
    annotations: { 'kube-sim.kubetile.dev/postgres': `${NS}/db` },
    container: { name: 'postgres', image: 'postgres:16.4', env: [{ name: 'POSTGRES_USER', value: 'shop' }, { name: 'POSTGRES_PASSWORD', value: 'pw-cancel' }, { name: 'POSTGRES_DB', value: 'shop' }] },
  }));
}, ENGINE);
afterAll(async () => {
  await sim?.stop();
});

describe('PgSession cancel in every state', () => {
  it('a run queued behind the completion query is cancelled before it is sent: it never runs, and the completion query is not the one cancelled', async () => {
    const s = session();
    try {
      await s.connect();
      const schema = s.schema();
      const run = s.run('CREATE TABLE cancelled_while_queued (id int)', opts);
      const said = await s.cancel();
      expect(said).toContain('did not run');
      await expect(run).rejects.toBeInstanceOf(QueryNotRun);
      // The completion query went on: it was not the statement the cancel hit.
      expect((await schema).some((c) => c.table === 'customers' && c.column === 'name')).toBe(true);
      expect(await tableExists(s, 'cancelled_while_queued')).toBe(false);
    } finally {
      s.close();
    }
  }, ENGINE);

  it('a run waiting for its connection is cancelled at once and never runs; the connection is used by the next run', async () => {
    const s = session();
    try {
      // Port-forwards take 3 s to open: the connection below is still being opened when the run is cancelled.
      sim.setLatency({ ms: 3000, resource: 'pods/portforward' });
      const connecting = s.connect();
      const run = s.run('CREATE TABLE cancelled_while_connecting (id int)', opts);
      expect(await s.cancel()).toContain('did not run');
      await expect(run).rejects.toBeInstanceOf(QueryNotRun);
      // It ended on the cancel, not once the connection came.
      expect(s.connected).toBe(false);
      sim.setLatency(0);
      await connecting;
      expect(await tableExists(s, 'cancelled_while_connecting')).toBe(false);
    } finally {
      sim.setLatency(0);
      s.close();
    }
  }, ENGINE);
});
