import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DemoDatabases } from '../../packages/kube-sim/src/pgdemo/demo-databases.js';
import { waitFor } from '../helpers/daemon-process.js';

/**
 * A demo database's engine process (280–380 MiB) does not stay for the daemon's lifetime once used:
 * with no connection for the idle time it is stopped, and the next connection starts it again with
 * its data. While a client stays connected it is never stopped. (Short idle times here; 10 minutes
 * in kube-sim.)
 */

const SLOW = 240_000;
const KEY = 'idle-ns/Pod/db-0/db';
const dbs = new DemoDatabases({ stopMs: 300, checkMs: 100 });
const creds = () => ({ user: 'app', password: 'idle-pw', database: 'app' });

afterAll(async () => {
  await dbs.closeAll();
});

async function connect(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'app', password: 'idle-pw', database: 'app', connectionTimeoutMillis: 200_000 });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

describe('demo database engines stop when idle', () => {
  it('kept while connected, stopped after the idle time with no connection, started again with its data', async () => {
    const port = await dbs.portFor('uid-idle-0', KEY, creds);
    const c = await connect(port);
    await c.query('CREATE TABLE kept (v int)');
    await c.query('INSERT INTO kept VALUES (7)');
    expect(dbs.running()).toEqual([KEY]);
    // Connected and quiet for many idle times: still running, and the connection still answers.
    await new Promise((r) => setTimeout(r, 1500));
    expect(dbs.running()).toEqual([KEY]);
    expect((await c.query<{ v: number }>('SELECT v FROM kept')).rows).toEqual([{ v: 7 }]);
    await c.end();
    // No connection: the engine process goes.
    await waitFor('the idle engine stopped', () => dbs.running().length === 0, 30_000);
    // The next connection starts it again, with the data.
    const again = await connect(port);
    try {
      expect((await again.query<{ v: number }>('SELECT v FROM kept')).rows).toEqual([{ v: 7 }]);
      expect(dbs.running()).toEqual([KEY]);
    } finally {
      await again.end();
    }
  }, SLOW);
});
