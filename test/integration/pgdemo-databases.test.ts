import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { MAX_ENGINES } from '../../packages/kube-sim/src/pgdemo/demo-databases.js';
import { waitFor } from '../helpers/daemon-process.js';
import { PgPortForwards } from '../helpers/pg-port-forward.js';

/**
 * Which pods of kube-sim share a demo PostgreSQL engine: the replicas of one StatefulSet do (a
 * replica shows the primary's data); the same workload copied into another namespace, or a bare
 * pod with the same annotation, is a database of its own. At most MAX_ENGINES databases exist at
 * once: one more is refused with a message saying why, and takes the place of one whose pods are
 * all gone. Through real port-forward streams and the real `pg` driver.
 */

/** The engine's first start is an initdb in WASM: tens of seconds on a loaded 2-core machine. */
const SLOW = 240_000;
const PASSWORD = 'pgdemo-pw-1';
let sim: KubeSim;
let kc: KubeConfig;

const pgf = new PgPortForwards();

function dbPod(namespace: string, name: string, owner: string | null, annotation = 'db') {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'db' },
      annotations: { 'kube-sim.kubetile.dev/postgres': annotation },
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: owner, uid: `uid-${namespace}-${owner}`, controller: true }] } : {}),
    },
    spec: {
      nodeName: 'node-1',
      containers: [{
        name: 'postgres',
        image: 'postgres:16.4',
        ports: [{ containerPort: 5432, protocol: 'TCP' }],
        env: [{ name: 'POSTGRES_USER', value: 'app' }, { name: 'POSTGRES_DB', value: 'app' }, { name: 'POSTGRES_PASSWORD', value: PASSWORD }],
      }],
    },
    status: { phase: 'Running', podIP: '10.244.0.9', containerStatuses: [{ name: 'postgres', ready: true, restartCount: 0, image: 'postgres:16.4', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
  };
}

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, seed: 'empty' });
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml);
  for (const ns of ['team-a', 'team-b', 'many']) sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  sim.createObject(dbPod('team-a', 'db-0', 'db'));
  sim.createObject(dbPod('team-a', 'db-1', 'db'));
  // The same StatefulSet, copied into another namespace: another database.
  sim.createObject(dbPod('team-b', 'db-0', 'db'));
  // A bare pod with the same annotation in team-a: another database too.
  sim.createObject(dbPod('team-a', 'scratch', null));
}, 60_000);
afterAll(async () => {
  await pgf.endClients();
  await pgf.closeServers();
  await sim?.stop();
});
afterEach(() => pgf.endClients());

async function connect(namespace: string, pod: string, password = PASSWORD): Promise<pg.Client> {
  const port = await pgf.forward(kc, namespace, pod);
  return pgf.connect(new pg.Client({ host: '127.0.0.1', port, user: 'app', password, database: 'app', connectionTimeoutMillis: 200_000 }));
}

const notes = async (c: pg.Client): Promise<string[]> => (await c.query<{ body: string }>('SELECT body FROM notes ORDER BY body')).rows.map((r) => r.body);

describe('demo databases: one engine per database', () => {
  it("a StatefulSet's replicas share their database; its copy in another namespace and a bare pod have their own", async () => {
    const primary = await connect('team-a', 'db-0');
    await primary.query('CREATE TABLE notes (body text)');
    await primary.query("INSERT INTO notes VALUES ('written through team-a/db-0')");
    // The other replica of the same StatefulSet shows the primary's data.
    expect(await notes(await connect('team-a', 'db-1'))).toEqual(['written through team-a/db-0']);
    // Unrelated databases do not: the copy in team-b and the bare pod have no such table.
    for (const [ns, pod] of [['team-b', 'db-0'], ['team-a', 'scratch']] as const) {
      const other = await connect(ns, pod);
      const err = await other.query('SELECT body FROM notes').then(() => null, (e: unknown) => e as { code?: string; message: string });
      expect(err?.code).toBe('42P01');
      await other.query('CREATE TABLE notes (body text)');
      await other.query(`INSERT INTO notes VALUES ('written through ${ns}/${pod}')`);
      expect(await notes(other)).toEqual([`written through ${ns}/${pod}`]);
    }
    expect(await notes(primary)).toEqual(['written through team-a/db-0']);
  }, SLOW * 2);

  it(`at most ${MAX_ENGINES} databases: one more is refused saying why, and takes the place of one whose pods are gone`, async () => {
    // team-a/db, team-b/db and team-a/scratch exist; fill the rest of the bound with databases that never start (a wrong password is refused before the engine starts).
    const extra = Math.max(0, MAX_ENGINES - 3);
    for (let i = 0; i < extra + 1; i++) sim.createObject(dbPod('many', `solo-${i}`, null));
    for (let i = 0; i < extra; i++) await expect(connect('many', `solo-${i}`, 'wrong')).rejects.toThrow('password authentication failed for user "app"');
    const last = `solo-${extra}`;
    await expect(connect('many', last)).rejects.toThrow(new RegExp(`kube-sim runs at most ${MAX_ENGINES} demo databases at once .*delete the pods of one to free its place`));
    // The databases already there keep serving.
    expect(await notes(await connect('team-a', 'db-1'))).toEqual(['written through team-a/db-0']);
    // The bare pod goes (its database with it): the refused one gets its place.
    sim.deleteObject('v1', 'Pod', 'scratch', 'team-a');
    await waitFor('the scratch pod gone', () => !sim.getObject('v1', 'Pod', 'scratch', 'team-a'));
    const c = await waitFor('the refused database served', () => connect('many', last).catch(() => null), 200_000, 500);
    expect((await c.query<{ n: number }>('SELECT 41 + 1 AS n')).rows[0]!.n).toBe(42);
  }, SLOW * 2);
});
