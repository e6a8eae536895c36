import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHostilePg, type HostilePg } from '../helpers/hostile-pg-server.js';
import { RawClient } from '../helpers/rpc-client.js';
import { keys, rowsText, startWorld, type, waitFor, waitScreen, withConfig, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';
import { openQueryConnected, postgresPodAt } from '../helpers/postgres-pod.js';

/**
 * The query pane's own files when they are not what it wrote: a saved-queries file with one entry
 * it cannot take (a name edited by hand past 200 characters), and a saved query holding a NUL. Real
 * daemon, kube-sim's port-forward to the scriptable server of hostile-pg-server.ts (which records
 * every statement it is sent), everything read from the pane and the files.
 */

const SIZE = { cols: 160, rows: 44 };
let w: ExecWorld;
let server: HostilePg;
const ns = `qfiles-${process.pid}`;
let savedFile: string;

beforeAll(async () => {
  server = await startHostilePg();
  w = await startWorld();
  const data = w.env.env.XDG_DATA_HOME?.startsWith('/') ? w.env.env.XDG_DATA_HOME : join(w.env.dir, '.local', 'share');
  savedFile = join(data, 'kubetile', 'saved-queries.json');
  postgresPodAt(w, ns, server.port);
}, 120_000);

afterAll(async () => {
  try {
    await w?.stop();
  } finally {
    await server?.stop();
  }
});

const openAndConnect = (c: RawClient): Promise<number> => openQueryConnected(c, ns, SIZE, /Connected — PostgreSQL 16\.4/);

const asides = (): string[] => readdirSync(dirname(savedFile)).filter((f) => f.startsWith('saved-queries.json.corrupt-'));

describe('query pane files that are not what it wrote', () => {
  beforeEach(() => {
    server.script = {};
    mkdirSync(dirname(savedFile), { recursive: true });
  });

  it('one saved query it cannot take (a name of 300 characters): the others are listed and kept through the next save, the file as it was set aside (a save kept only the new query)', async () => {
    const original = JSON.stringify([
      { name: 'orders today', sql: 'SELECT * FROM orders WHERE day = current_date', ts: 1 },
      { name: 'x'.repeat(300), sql: 'SELECT 2', ts: 2 },
      { name: 'top customers', sql: 'SELECT * FROM customers LIMIT 10', ts: 3 },
    ]);
    writeFileSync(savedFile, original);
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      await keys(c, 'ctrl+o');
      const list = rowsText(await waitScreen(c, paneId, 'the saved queries', (rows) => rows.join('\n').includes('Saved queries ('))).join('\n');
      expect(list).toContain('Saved queries (2)');
      expect(list).toContain('orders today');
      expect(list).toContain('top customers');
      await keys(c, 'esc');
      // Listed again: the same two (the file was not just moved away).
      await keys(c, 'ctrl+o');
      expect(rowsText(await waitScreen(c, paneId, 'the saved queries again', (rows) => rows.join('\n').includes('Saved queries ('))).join('\n')).toContain('Saved queries (2)');
      await keys(c, 'esc');

      await keys(c, 'ctrl+u');
      await c.request('client/paste', { text: 'SELECT 42' });
      await keys(c, 'ctrl+s');
      await waitScreen(c, paneId, 'the name prompt', (rows) => /save/i.test(rows.join('\n')));
      await type(c, 'answer');
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'saved', (rows) => rows.join('\n').includes('saved as "answer"'));
      const names = (JSON.parse(readFileSync(savedFile, 'utf8')) as Array<{ name: string }>).map((q) => q.name);
      expect(names).toEqual(['answer', 'orders today', 'top customers']);
      // What could not be read is not lost: the file as it was, beside it.
      await waitFor('the file set aside', () => asides().length === 1);
      expect(readFileSync(join(dirname(savedFile), asides()[0]!), 'utf8')).toBe(original);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);

  it('a history entry it cannot take (a time that is a string): the others stay listed and survive the next run, the file as it was set aside (the next run kept only itself)', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      await keys(c, 'ctrl+u');
      await c.request('client/paste', { text: 'SELECT 1' });
      await keys(c, 'ctrl+r');
      await waitScreen(c, paneId, 'the first run', (rows) => (rows.at(-1) ?? '').includes('1 row in'), 60_000);
      const dir = join(w.env.env.XDG_STATE_HOME!, 'kubetile', 'query-history');
      const file = await waitFor('the history file', () => readdirSync(dir).find((f) => f.endsWith('.json')) ?? null);
      const original = JSON.stringify([
        { sql: 'SELECT 1', ts: 3 },
        { sql: 'SELECT * FROM invoices', ts: '2026-01-01' },
        { sql: 'SELECT * FROM orders', ts: 1 },
      ]);
      writeFileSync(join(dir, file), original);
      await keys(c, 'ctrl+u');
      await c.request('client/paste', { text: 'SELECT 2' });
      await keys(c, 'ctrl+r');
      await waitScreen(c, paneId, 'the second run', (rows) => (rows.at(-1) ?? '').includes('1 row in') && rows.some((r) => r.includes('SELECT 2')), 60_000);
      await waitFor('the history written', () => readFileSync(join(dir, file), 'utf8').includes('SELECT 2'));
      expect((JSON.parse(readFileSync(join(dir, file), 'utf8')) as Array<{ sql: string }>).map((e) => e.sql)).toEqual(['SELECT 2', 'SELECT 1', 'SELECT * FROM orders']);
      const aside = readdirSync(dir).filter((f) => f.startsWith(`${file}.corrupt-`));
      expect(aside).toHaveLength(1);
      expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(original);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);

  it('a result cut at [query] max_result_bytes (64 KiB) says so in the status line, with the bound as set (it said "0 MiB"), and E says the file is not the whole result (both said "N rows" as if it were)', async () => {
    await withConfig(w, '[query]\nmax_result_bytes = 65536\nrow_cap = 5000\n', async () => {
      const out = join(w.env.dir, 'export', 'cut.csv');
      const c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        server.script = {
          statement: (s) => {
            s.result(['v'], Array.from({ length: 3000 }, (_, i) => [`${i} ${'x'.repeat(100)}`]));
            return true;
          },
        };
        await keys(c, 'ctrl+u');
        await c.request('client/paste', { text: 'SELECT big' });
        await keys(c, 'ctrl+r');
        const cut = await waitScreen(c, paneId, 'the cut result', (rows) => /^[\d,]+ rows in/.test(rows.at(-1) ?? ''), 60_000);
        // The table fills the body: the status line is where the cut is said.
        expect(rowsText(cut).at(-1)).toMatch(/^(\d+) rows in \d+ ms — stopped after \1 rows: the result passed 64 KiB \(\[query\] max_result_bytes\)/);
        await keys(c, 'esc');
        await c.waitLayout('browse (normal) mode', (l) => l.mode === 'normal');
        await keys(c, 'shift+e');
        const asked = await c.waitLayout('the export path asked', (l) => l.overlay?.type === 'input');
        for (let i = 0; i < [...(asked.overlay?.type === 'input' ? asked.overlay.value : '')].length; i++) await c.request('client/key', { key: 'backspace' });
        await type(c, out);
        await keys(c, 'enter');
        const said = await waitScreen(c, paneId, 'the export said', (rows) => (rows.at(-1) ?? '').startsWith('Exported'), 30_000);
        const kept = readFileSync(out, 'utf8').split('\r\n').length - 2;
        expect(kept).toBeGreaterThan(0);
        expect(kept).toBeLessThan(3000);
        expect(rowsText(said).at(-1)).toContain(`Exported ${kept} rows → ${out} — not the whole result: it stopped after ${kept.toLocaleString('en-US')} rows`);
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }
    });
  }, 180_000);

  it('a saved query holding a NUL: running it says so and sends nothing (the server ran the text before the NUL)', async () => {
    writeFileSync(savedFile, JSON.stringify([{ name: 'with a nul', sql: 'SELECT 1\u0000 AS hidden; DELETE FROM orders', ts: 1 }]));
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      await keys(c, 'ctrl+o');
      await waitScreen(c, paneId, 'the saved queries', (rows) => rows.join('\n').includes('with a nul'));
      await keys(c, 'enter');
      const sent = server.seen.length;
      await keys(c, 'ctrl+r');
      const v = await waitScreen(c, paneId, 'the refusal', (rows) => (rows.at(-1) ?? '').includes('NUL'));
      expect(rowsText(v).at(-1)).toContain('the query holds a NUL character (line 1, column 9), which PostgreSQL cannot take: remove it; nothing was sent');
      // A query after it still runs: nothing of the refused one reached the server.
      await keys(c, 'ctrl+u');
      await c.request('client/paste', { text: "SELECT 'after' AS probe" });
      await keys(c, 'ctrl+r');
      await waitScreen(c, paneId, 'the next query ran', (rows) => (rows.at(-1) ?? '').includes('1 row in'), 60_000);
      expect(server.seen.slice(sent)).toEqual(["SELECT 'after' AS probe"]);
      expect(existsSync(savedFile)).toBe(true);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);
});
