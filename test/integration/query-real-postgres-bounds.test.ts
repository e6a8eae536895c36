import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '@kubetile/rpc-schema';
import { findPostgres, startRealPostgres, type RealPostgres } from '../helpers/real-postgres.js';
import { RawClient } from '../helpers/rpc-client.js';
import { focusedQueryPane, keys, podsPane, withConfig, rowsText, startWorld, waitFor, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';
import { postgresPodAt } from '../helpers/postgres-pod.js';

/**
 * What a real PostgreSQL server can make the query pane hold, and for how long: notices (each as long
 * as a message may be), an error of millions of lines, a result longer than row_cap whose cursor keeps
 * a transaction and the table's locks open, and a failed `m`. Real daemon (under --expose-gc, so
 * daemon/status tells what it retains), kube-sim's port-forward to a cluster of the test's own
 * (initdb + pg_ctl); everything read from what the pane shows, what the daemon reports and what the
 * server's pg_locks says. Skipped, saying why, where PostgreSQL is not installed.
 */
const found = findPostgres();
const SIZE = { cols: 140, rows: 44 };
const MiB = 1024 * 1024;

if ('missing' in found) {
  describe('query pane bounds on a real PostgreSQL', () => {
    it.skip(found.missing, () => undefined);
  });
  process.stderr.write(`query-real-postgres-bounds: ${found.missing}\n`);
} else {
  let server: RealPostgres;
  let w: ExecWorld;
  const ns = `qbounds-${process.pid}`;

  beforeAll(async () => {
    server = await startRealPostgres(found.bin, 'shop', 'pw');
    server.psql('postgres', 'CREATE DATABASE shop');
    w = await startWorld({}, '', '--expose-gc');
    postgresPodAt(w, ns, server.port);
  }, 180_000);

  afterAll(async () => {
    try {
      await w?.stop();
    } finally {
      server?.stop();
    }
  });

  const text = (v: TerminalView): string => rowsText(v).join('\n');
  /** The pane's last row: the status line. */
  const statusLine = (v: TerminalView): string => rowsText(v).at(-1) ?? '';


  /** Clears the editor, pastes `sql` and runs it (ctrl+r). */
  async function run(c: RawClient, sql: string): Promise<void> {
    await keys(c, 'ctrl+u');
    await c.request('client/paste', { text: sql });
    await keys(c, 'ctrl+r');
  }

  /** shift+q on db-0 and enter in the prefilled dialog: the pane connected, in insert mode. */
  async function openAndConnect(c: RawClient): Promise<number> {
    await c.attach(SIZE);
    await podsPane(c, ns, ['db-0']);
    await keys(c, 'shift+q');
    const paneId = await focusedQueryPane(c);
    await c.waitLayout('insert mode for the dialog', (x) => x.mode === 'insert');
    await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL'));
    await keys(c, 'enter');
    await waitScreen(c, paneId, 'connected', (rows) => /Connected — PostgreSQL/.test(rows.join('\n')), 60_000);
    return paneId;
  }



  /** The daemon's heap after a full collection: what it retains. */
  async function heapUsed(): Promise<number> {
    const s = await w.script.request<{ memory: { heapUsed: number } }>('daemon/status', { collect: true });
    return s.memory.heapUsed;
  }

  describe('query pane bounds on a real PostgreSQL', () => {
    it('notices: each is cut to 4 KiB (saying so) and they count against [query] max_result_bytes — 12 notices of 4 MB leave the daemon holding kilobytes, not 48 MB', async () => {
      const c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        const before = await heapUsed();
        await run(c, "DO $$ BEGIN FOR i IN 1..12 LOOP RAISE NOTICE '%', repeat('x', 4000000); END LOOP; END $$");
        const v = await waitScreen(c, paneId, 'the DO done', (rows) => /DO \(\d+ ms\)/.test(rows.join('\n')), 120_000);
        // The pane still shows the result; what the daemon retains for it is the cut notices (~100 KB).
        const grown = (await heapUsed()) - before;
        expect(grown).toBeLessThan(16 * MiB);
        const shown = rowsText(v).filter((r) => r.startsWith('NOTICE: '));
        expect(shown).toHaveLength(12);
        for (const n of shown) {
          // Compared in parts: a failure prints the part, not 8,000 x's.
          expect(n.length).toBe('NOTICE: '.length + 4096 + '… (cut: the notice had 4,000,000 characters; the first 4,096 are kept)'.length);
          expect(n.slice('NOTICE: '.length, 'NOTICE: '.length + 4096)).toBe('x'.repeat(4096));
          expect(n.slice('NOTICE: '.length + 4096)).toBe('… (cut: the notice had 4,000,000 characters; the first 4,096 are kept)');
        }

        // Against the byte budget: with 64 KiB, only the notices that fit are kept, and the rest counted.
        await withConfig(w, '[query]\nmax_result_bytes = 65536\n', async () => {
          await run(c, "DO $$ BEGIN FOR i IN 1..30 LOOP RAISE NOTICE '%', repeat('y', 10000); END LOOP; END $$");
          const b = await waitScreen(c, paneId, 'the second DO done', (rows) => /DO \(\d+ ms\)/.test(rows.join('\n')) && rows.join('\n').includes('y'.repeat(100)), 60_000);
          const kept = rowsText(b).filter((r) => r.startsWith('NOTICE: y'));
          const dropped = /… (\d+) more notices not kept \(at most 50, within \[query\] max_result_bytes\)/.exec(text(b));
          expect(dropped).not.toBeNull();
          expect(kept.length).toBeGreaterThan(0);
          expect(kept.length * 4096 * 2).toBeLessThanOrEqual(65536);
          expect(kept.length + Number(dropped![1])).toBe(30);
        });
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }
    }, 300_000);

    it('an error of 3,000,000 lines: the pane shows its first lines and says it was cut, after redraws (a resize, a key) too', async () => {
      const c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        await run(c, "DO $$ BEGIN RAISE EXCEPTION '%', repeat(E'a\\n', 3000000); END $$");
        const v = await waitScreen(c, paneId, 'the error', (rows) => rows.join('\n').includes('the query failed'), 120_000);
        const rows = rowsText(v);
        const first = rows.findIndex((r) => r.startsWith('ERROR: a'));
        expect(first).toBeGreaterThan(0);
        // As many lines as the body has room for, the last of them saying what was cut.
        const note = rows.findIndex((r) => r.includes('the error was cut'));
        expect(rows[note]).toBe('… (the error was cut: it had 3,000,001 lines, 5.7 MiB; the first 200 are kept)');
        expect(rows.slice(first + 1, note).every((r) => r === 'a')).toBe(true);
        expect(note - first).toBeGreaterThan(20);
        expect(statusLine(v)).toContain('the query failed (the connection is still open)');

        // Redraws (a resize, keys): each a new view of the pane, then another client's echo answered. Not
        // timed (tests never are): before the cut each took 2–5 s here, the whole message split on every view.
        const redraw = async (act: () => Promise<unknown>): Promise<void> => {
          const seq = c.views.get(paneId)!.seq;
          await act();
          await waitFor('the pane redrawn', () => c.views.get(paneId)!.seq > seq, 30_000);
          await w.script.request('rpc/echo', { value: 1 });
        };
        for (const cols of [139, 138, 137]) await redraw(() => c.request('client/resize', { cols, rows: SIZE.rows }));
        await redraw(() => keys(c, 'esc'));
        await redraw(() => keys(c, 'i'));
        expect(text(await waitScreen(c, paneId, 'the error after the redraws', (r) => r.some((l) => l.includes('the error was cut'))))).toContain('ERROR: a');
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }
    }, 300_000);

    it("a result longer than row_cap: its cursor holds the table's lock only until [query] cursor_idle_seconds pass; then an ALTER TABLE goes through, the rows stay, and m says to run the query again", async () => {
      server.psql('shop', 'CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 100000) g');
      /** Locks on `big` held by the pane's backend (application_name kubetile). */
      const paneLocks = (): string =>
        server.psql('shop', "SELECT coalesce(string_agg(l.mode, ','), '') FROM pg_locks l JOIN pg_class t ON t.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'kubetile' AND t.relname = 'big'").trim();
      // A value the config refuses: the idle time is bounded both ways.
      mkdirSync(dirname(w.env.configFile), { recursive: true });
      writeFileSync(w.env.configFile, '[query]\ncursor_idle_seconds = 0\n');
      const refused = await w.script.request<{ ok: boolean; errors: string[] }>('config/reload');
      expect(refused.ok).toBe(false);
      expect(refused.errors.join('\n')).toMatch(/cursor_idle_seconds/);

      await withConfig(w, '[query]\ncursor_idle_seconds = 4\n', async () => {
        const c = await RawClient.connect(w.env.socket);
        try {
          const paneId = await openAndConnect(c);
          await run(c, 'SELECT id, v FROM big ORDER BY id');
          await waitScreen(c, paneId, 'the first 500 rows', (rows) => rows.join('\n').includes('500 rows so far (m fetches more)'), 60_000);
          // While the rest can be fetched, the pane's backend holds the table (what the bound is for).
          expect(paneLocks()).toBe('AccessShareLock');
          await keys(c, 'esc');
          await c.waitLayout('browse mode', (l) => l.mode === 'normal');
          await keys(c, 'm');
          await waitScreen(c, paneId, '1,000 rows', (rows) => rows.join('\n').includes('1,000 rows so far (m fetches more)'), 60_000);

          // Idle for cursor_idle_seconds: the cursor is closed, the status line says so, the rows stay.
          const released = await waitScreen(c, paneId, 'the rest released', (rows) => (rows.at(-1) ?? '').includes('the rest is no longer fetchable'), 60_000);
          expect(statusLine(released)).toContain('1,000 rows; the rest is no longer fetchable: run the query again for more rows');
          expect(rowsText(released).some((r) => /^\s*1\s.*c4ca4238a0b923820dcc509a6f75849b/.test(r))).toBe(true);
          expect(paneLocks()).toBe('');
          // What an administrator does next is no longer blocked (it fails with a lock timeout otherwise).
          server.psql('shop', "SET lock_timeout = '3s'; ALTER TABLE big ADD COLUMN z int");

          // m now says what to do instead of fetching; running the query again works.
          await keys(c, 'm');
          const m = await waitScreen(c, paneId, 'm answered', (rows) => (rows.at(-1) ?? '').startsWith('the rest is no longer fetchable'));
          // (The line is cut at the pane's width; what to do comes first.)
          expect(statusLine(m)).toMatch(/^the rest is no longer fetchable: run the query again for more rows \(its cursor, holding the statement's locks on the server/);
          expect(rowsText(m).some((r) => r.includes('c4ca4238a0b923820dcc509a6f75849b'))).toBe(true);
          await keys(c, 'i');
          await run(c, 'SELECT id, v FROM big ORDER BY id');
          await waitScreen(c, paneId, 'the query again', (rows) => rows.join('\n').includes('500 rows so far (m fetches more)'), 60_000);
          await c.request('pane/close', { paneId });
          // The pane's connection is closed with it: nothing of it is left holding the table.
          await waitFor('no lock left', () => paneLocks() === '', 20_000);
        } finally {
          c.close();
        }
      });
    }, 300_000);

    it('a failed m (the backend terminated by an administrator) keeps the rows already fetched and says why in the status line; the next run reconnects', async () => {
      const c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        await run(c, "SELECT g AS n, 'row ' || g AS label FROM generate_series(1, 100000) g");
        await waitScreen(c, paneId, 'the first 500 rows', (rows) => rows.join('\n').includes('500 rows so far (m fetches more)'), 60_000);
        server.psql('shop', "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kubetile'");
        await waitFor('the backend gone', () => server.psql('shop', "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kubetile'").trim() === '0', 20_000);
        await keys(c, 'esc');
        await c.waitLayout('browse mode', (l) => l.mode === 'normal');
        await keys(c, 'm');
        const v = await waitScreen(c, paneId, 'the failed m said', (rows) => (rows.at(-1) ?? '').startsWith('m failed'), 60_000);
        expect(statusLine(v)).toMatch(/^m failed: FATAL: terminating connection due to administrator command \(SQLSTATE 57P01\) · the rows so far stay · the next run reconnects/);
        // The table is still there, not replaced by the error.
        const rows = rowsText(v);
        expect(rows.some((r) => /^\s*1\s.*row 1\b/.test(r))).toBe(true);
        expect(rows.some((r) => r.includes('500 rows · cols'))).toBe(true);
        expect(text(v)).not.toContain(' ERROR ');
        await keys(c, 'i');
        await run(c, "SELECT 'back again' AS probe");
        await waitScreen(c, paneId, 'the next run reconnected', (r) => r.some((l) => l.includes('back again')), 60_000);
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }
    }, 300_000);

    it("a database its DBA made read-only stays read-only in the pane (kubetile's own read-only is only ever reset to the server's default, never forced to read-write)", async () => {
      server.psql('postgres', 'CREATE DATABASE ro');
      server.psql('postgres', 'ALTER DATABASE ro SET default_transaction_read_only = on');
      const c = await RawClient.connect(w.env.socket);
      try {
        await c.attach(SIZE);
        await podsPane(c, ns, ['db-0']);
        await keys(c, 'shift+q');
        const paneId = await focusedQueryPane(c);
        await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL'), 60_000);
        // The first field is the database.
        await keys(c, 'ctrl+u', 'r', 'o', 'enter');
        await waitScreen(c, paneId, 'connected to ro', (rows) => /Connected — PostgreSQL/.test(rows.join('\n')), 60_000);
        await run(c, 'CREATE TABLE made_anyway (i int)');
        const refused = text(await waitScreen(c, paneId, 'the refusal', (rows) => rows.join('\n').includes('read-only transaction'), 60_000));
        expect(refused).toContain('cannot execute CREATE TABLE in a read-only transaction');
        expect(server.psql('ro', "SELECT count(*) FROM pg_tables WHERE tablename = 'made_anyway'").trim()).toMatch(/^\s*0\s*$/m);
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }
    }, 300_000);
  });
}
