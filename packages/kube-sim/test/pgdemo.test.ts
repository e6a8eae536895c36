/**
 * The demo's postgres pods answer a port-forward to 5432 with a real PostgreSQL engine (PGlite):
 * the real `pg` driver talks to it through a real port-forward stream (client-node's PortForward,
 * as `kubectl port-forward` does: one stream per TCP connection).
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeSim } from '../src/index.js';
import { startSim, stopAll, waitFor } from './helpers.js';
import { PgPortForwards } from '../../../test/helpers/pg-port-forward.js';

/** The engine's first start is an initdb in WASM: tens of seconds on a loaded 2-core machine. */
const SLOW = 240_000;
let sim: KubeSim;
let kc: KubeConfig;
beforeAll(async () => {
  ({ sim, kc } = await startSim({ seed: 'demo' }));
});
afterAll(stopAll);

const pgf = new PgPortForwards();
afterEach(async () => {
  await pgf.endClients();
  await pgf.closeServers();
});
const forward = (kc: KubeConfig, namespace: string, pod: string): Promise<number> => pgf.forward(kc, namespace, pod);

async function connect(port: number, password = 's3cr3t-demo-password', database = 'shop'): Promise<pg.Client> {
  return pgf.connect(new pg.Client({ host: '127.0.0.1', port, user: 'shop', password, database, connectionTimeoutMillis: 120_000 }));
}

describe('demo postgres pods: a real PostgreSQL engine behind port-forward', () => {
  it('serves the seeded shop schema to the pg driver with the Secret\'s credentials; NULLs, jsonb and bytea come back typed', async () => {
    await waitFor(() => sim.listObjects('v1', 'Pod', 'shop').some((p) => (p as { metadata: { name: string } }).metadata.name === 'postgres-0'), 'postgres-0');
    const port = await forward(kc, 'shop', 'postgres-0');
    const c = await connect(port);
    const v = await c.query<{ version: string }>('SELECT version()');
    expect(v.rows[0]!.version).toMatch(/^PostgreSQL 1\d/);
    const r = await c.query<{ name: string; country: string | null; preferences: unknown }>('SELECT name, country, preferences FROM customers ORDER BY id');
    expect(r.rows.length).toBe(8);
    expect(r.rows[0]).toEqual({ name: 'Ada Lovelace', country: 'GB', preferences: { newsletter: true, theme: 'dark' } });
    expect(r.rows.find((x) => x.name === 'Barbara Liskov')!.country).toBeNull();
    const b = await c.query<{ thumbnail: Buffer }>("SELECT thumbnail FROM products WHERE sku = 'MUG-001'");
    expect(b.rows[0]!.thumbnail.subarray(0, 4).toString('hex')).toBe('89504e47');
    const s = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM order_summary');
    expect(s.rows[0]!.n).toBe(7);
  }, SLOW);

  it('refuses a wrong password and an unknown database as PostgreSQL does; a syntax error leaves the connection usable', async () => {
    const port = await forward(kc, 'shop', 'postgres-1');
    await expect(connect(port, 'wrong')).rejects.toThrow('password authentication failed for user "shop"');
    await expect(connect(port, 's3cr3t-demo-password', 'nope')).rejects.toThrow('database "nope" does not exist');
    const c = await connect(port);
    const err = await c.query('SELEC 1').then(() => null, (e: unknown) => e as { code?: string; message: string; position?: string });
    expect(err?.code).toBe('42601');
    expect(err?.message).toContain('syntax error at or near "SELEC"');
    expect((await c.query<{ x: number }>('SELECT 41 + 1 AS x')).rows[0]!.x).toBe(42);
  }, SLOW);

  it('cancels SELECT pg_sleep(30) on a CancelRequest (57014), the connection and committed data stay', async () => {
    const port = await forward(kc, 'shop', 'postgres-0');
    const c = await connect(port);
    await c.query("INSERT INTO products (sku, name, price) VALUES ('NEW-007', 'cancel test', 1.00)");
    const started = Date.now();
    const sleeping = c.query('SELECT pg_sleep(30)').then(() => null, (e: unknown) => e as { code?: string; message: string });
    // Cancel as a client does (a second connection with the backend's key), again until the statement
    // ends: a cancel that arrives before the statement runs does nothing, as on a real server.
    const k = c as unknown as { processID: number; secretKey: number };
    let settled = false;
    void sleeping.then(() => (settled = true));
    const cancelOnce = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => {
          const m = Buffer.alloc(16);
          m.writeInt32BE(16, 0);
          m.writeInt32BE(80877102, 4);
          m.writeInt32BE(k.processID, 8);
          m.writeInt32BE(k.secretKey, 12);
          s.end(m);
        });
        s.on('close', () => resolve());
        s.on('error', reject);
      });
    await waitFor(async () => {
      if (!settled) await cancelOnce();
      return waitFor(() => settled, 'the statement to end', 3_000).then(() => true, () => false);
    }, 'the cancel to end the statement', 25_000);
    const err = await sleeping;
    expect(err?.code).toBe('57014');
    expect(err?.message).toBe('canceling statement due to user request');
    expect(Date.now() - started).toBeLessThan(29_000);
    const after = await c.query<{ name: string }>("SELECT name FROM products WHERE sku = 'NEW-007'");
    expect(after.rows).toEqual([{ name: 'cancel test' }]);
  }, SLOW);

  it('a hostile client (a huge startup length, then a message with an impossible length where the password goes) gets a FATAL error and is cut off; the database keeps serving', async () => {
    const port = await forward(kc, 'shop', 'postgres-1');
    const exchange = (bytes: Buffer[]): Promise<string> =>
      new Promise((resolve) => {
        const got: Buffer[] = [];
        const s = net.connect(port, '127.0.0.1', () => bytes.forEach((b) => s.write(b)));
        s.on('data', (d: Buffer) => got.push(d));
        s.on('error', () => undefined);
        s.on('close', () => resolve(Buffer.concat(got).toString('latin1')));
      });
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(0x7fffffff, 0);
    huge.writeInt32BE(196608, 4);
    expect(await exchange([huge])).toContain('invalid frontend message: bad startup packet length 2147483647');
    // A proper startup, then a message whose length cannot be right.
    const startup = Buffer.from('\0\0\0\0\0\x03\0\0user\0shop\0database\0shop\0\0', 'latin1');
    startup.writeInt32BE(startup.length, 0);
    const bad = Buffer.from([0x70, 0xff, 0xff, 0xff, 0xff]);
    expect(await exchange([startup, bad])).toMatch(/FATAL.*08P01.*invalid frontend message: bad message length -1/s);
    const c = await connect(port);
    expect((await c.query<{ n: number }>('SELECT count(*)::int AS n FROM products')).rows[0]!.n).toBeGreaterThanOrEqual(6);
  }, SLOW);
});
