import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '@kubetile/rpc-schema';
import { SEED_SQL } from '../../packages/kube-sim/src/pgdemo/seed-sql.js';
import { findPostgres, startRealPostgres, type RealPostgres } from '../helpers/real-postgres.js';
import { RawClient } from '../helpers/rpc-client.js';
import { focusedQueryPane, keys, pod, podsPane, rowsText, startWorld, type, waitFor, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';
import { DB_PASSWORD, DB_USER } from './query-suite.js';

/**
 * The query pane's fallback where the API server forbids port-forwarding: `psql --csv` over exec in
 * the pod. kube-sim's shell has no psql of its own, so the pod is opted in (KubeSim.mapPsql) to run
 * the host's real psql (Debian's) against a real PostgreSQL on loopback; the daemon's script runs in
 * the simulated shell (`sh -c`, `read`, `export`, `exec psql`). Forbidden port-forward → psql →
 * rows in the pane; the password is on no process's command line (/proc/PID/cmdline while psql
 * runs) and not in the daemon's log; ctrl+c cancels a running statement, and a query cancelled
 * before psql got it never runs. Skipped, saying why, where PostgreSQL is not installed.
 */

const ENGINE = 240_000;
const SIZE = { cols: 140, rows: 44 };
const found = findPostgres();

if ('missing' in found) {
  describe('query pane psql fallback on a real PostgreSQL', () => {
    it.skip(found.missing, () => undefined);
  });
  process.stderr.write(`query-psql-fallback: ${found.missing}\n`);
} else {
  let w: ExecWorld;
  let server: RealPostgres;
  let ns: string;

  beforeAll(async () => {
    server = await startRealPostgres(found.bin, DB_USER, DB_PASSWORD);
    server.psql('postgres', 'CREATE DATABASE shop');
    server.psql('shop', SEED_SQL);
    w = await startWorld();
    ns = `qpsql-${process.pid}`;
    w.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    w.sim.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg-cred', namespace: ns }, type: 'Opaque', data: { password: Buffer.from(DB_PASSWORD).toString('base64') } });
    const p = pod('db-0', ns, ['postgres']) as ReturnType<typeof pod> & { spec: { containers: Array<Record<string, unknown>> } };
    Object.assign(p.spec.containers[0]!, {
      image: 'postgres:16.4',
      ports: [{ containerPort: 5432, protocol: 'TCP' }],
      env: [
        { name: 'POSTGRES_USER', value: DB_USER },
        { name: 'POSTGRES_DB', value: 'shop' },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg-cred', key: 'password' } } },
      ],
    });
    w.sim.createObject(p);
    // RBAC without pods/portforward; psql in the pod is the host's, against the real server.
    w.sim.forbid('pods/portforward');
    w.sim.mapPsql(ns, 'db-0', { bin: join(found.bin, 'psql'), host: '127.0.0.1', port: server.port });
  }, ENGINE);
  afterAll(async () => {
    try {
      await w?.stop();
    } finally {
      server?.stop();
    }
  });

  const text = (v: TerminalView): string => rowsText(v).join('\n');


  async function run(c: RawClient, sql: string): Promise<void> {
    await keys(c, 'ctrl+u');
    await type(c, sql);
    await keys(c, 'ctrl+r');
  }

  /** Every process's command line (the ones that can be read). */
  function commandLines(): Array<{ pid: number; argv: string[] }> {
    const out: Array<{ pid: number; argv: string[] }> = [];
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        out.push({ pid: Number(d), argv: readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter((a) => a !== '') });
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return out;
  }

  describe('query pane psql fallback on a real PostgreSQL', () => {
    it('port-forward forbidden: psql --csv over exec brings the rows; the password is on no command line and not in the log; ctrl+c cancels; a query cancelled before psql got it never runs', async () => {
      const c = await RawClient.connect(w.env.socket);
      try {
        await c.attach(SIZE);
        await podsPane(c, ns, ['db-0']);
        await keys(c, 'shift+q');
        const paneId = await focusedQueryPane(c);
        const form = text(await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL')));
        expect(form).toMatch(/Password\s+•{9}\s+\(POSTGRES_PASSWORD from secret pg-cred key password\)/);
        await keys(c, 'enter');
        const banner = new RegExp(`Connected — PostgreSQL ${server.version.split(' ')[0]!.replace(/\./g, '\\.')} .*\\(psql over exec\\)`);
        await waitScreen(c, paneId, 'connected through psql', (rows) => banner.test(rows.join('\n')), ENGINE);

        await run(c, 'SELECT id, name, country FROM customers ORDER BY id');
        const table = rowsText(await waitScreen(c, paneId, 'the rows', (rows) => rows.join('\n').includes('8 rows in'), 60_000));
        expect(table.find((r) => /\bid\b.*\bname\b.*\bcountry\b/.test(r))).toBeDefined();
        expect(table.find((r) => r.includes('Ada Lovelace'))).toMatch(/1\s+│?\s*Ada Lovelace\s+│?\s*GB/);
        expect(table.find((r) => r.includes('Ken Thompson'))).toMatch(/8\s+│?\s*Ken Thompson\s+│?\s*US/);

        // While psql runs a statement: its command line, and every other, is without the password.
        await run(c, 'SELECT pg_sleep(30)');
        await waitScreen(c, paneId, 'the statement running', (rows) => rows.some((r) => r.includes('Executing…')), 30_000);
        const active = (): boolean => /^\s*1\s*$/m.test(server.psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30);' AND state = 'active'"));
        await waitFor('the statement on the server', active, 30_000, 200);
        const psql = await waitFor('the psql process', () => commandLines().find((p) => p.argv[0]?.endsWith('/psql') && p.argv.includes('--csv') && p.argv.includes(String(server.port))) ?? null, 30_000);
        expect(psql.argv).toEqual(expect.arrayContaining(['-U', DB_USER, '-d', 'shop', '-f', '-']));
        const leaks = commandLines().filter((p) => p.argv.join(' ').includes(DB_PASSWORD));
        expect(leaks).toEqual([]);
        // It has the password from its environment (PGPASSWORD, read from stdin by the script).
        expect(readFileSync(`/proc/${psql.pid}/environ`, 'utf8').split('\0')).toContain(`PGPASSWORD=${DB_PASSWORD}`);
        await keys(c, 'ctrl+c');
        const cancelled = text(await waitScreen(c, paneId, 'the cancel', (rows) => rows.join('\n').includes('canceling statement'), 30_000));
        expect(cancelled).toContain('canceling statement due to user request');

        // Exec takes 4 s to open: ctrl+c before psql has the query; it never runs.
        w.sim.setLatency({ ms: 4000, resource: 'pods/exec' });
        await run(c, 'CREATE TABLE never_via_psql (id int)');
        await waitScreen(c, paneId, 'the run waiting for its exec', (rows) => rows.some((r) => r.includes('Starting…')), 30_000);
        await keys(c, 'ctrl+c');
        const notRun = text(await waitScreen(c, paneId, 'cancelled before', (rows) => rows.join('\n').includes('Cancelled before the query reached the server'), 30_000));
        expect(notRun).toContain('it did not run');
        w.sim.setLatency(0);
        expect(server.psql('shop', "SELECT count(*) FROM pg_tables WHERE tablename = 'never_via_psql'").trim()).toMatch(/^\s*0\s*$/m);
        await run(c, "SELECT 'after' AS probe, count(*) AS n FROM pg_tables WHERE tablename = 'never_via_psql'");
        await waitScreen(c, paneId, 'a query after the cancels', (rows) => rows.some((r) => /after\s+│?\s*0\b/.test(r)), 60_000);

        const log = readFileSync(join(w.env.dir, 'state', 'kubetile', 'kubetiled.log'), 'utf8');
        expect(log.length).toBeGreaterThan(0);
        expect(log).not.toContain(DB_PASSWORD);
        await c.request('pane/close', { paneId });
      } finally {
        w.sim.setLatency(0);
        c.close();
      }
    }, ENGINE * 2);

    it('read-only mode: the fallback is off (psql over exec can run shell commands in the pod); the pane says why and psql never starts', async () => {
      const c = await RawClient.connect(w.env.socket);
      mkdirSync(dirname(w.env.configFile), { recursive: true });
      writeFileSync(w.env.configFile, 'readonly = true\n');
      try {
        expect(await w.script.request('config/reload')).toEqual({ ok: true, errors: [] });
        await c.attach(SIZE);
        await podsPane(c, ns, ['db-0']);
        await keys(c, 'shift+q');
        const paneId = await focusedQueryPane(c);
        await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL'));
        const execs = w.sim.journalEntries().filter((e) => e.path.endsWith('/exec')).length;
        await keys(c, 'enter');
        const refused = text(await waitScreen(c, paneId, 'the refusal', (rows) => rows.join('\n').includes('Connection failed'), ENGINE));
        expect(refused).toContain('kubetile runs read-only');
        expect(refused).toContain('psql over exec');
        expect(w.sim.journalEntries().filter((e) => e.path.endsWith('/exec')).length).toBe(execs);
        await c.request('pane/close', { paneId });
      } finally {
        writeFileSync(w.env.configFile, '# the defaults\n');
        await w.script.request('config/reload');
        c.close();
      }
    }, ENGINE);
  });
}
