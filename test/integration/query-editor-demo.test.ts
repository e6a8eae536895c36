import { stringWidth } from '@kubetile/rpc-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon-process.js';
import { focusedQueryPane, keys, pod, podsPane, rowsText, startWorld, type, waitFor, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * The query pane's editor and connection on the demo's embedded PostgreSQL (PGlite behind kube-sim's
 * port-forward), through a real daemon: schema-aware completion (tables after FROM, an alias's
 * columns with their types, key words), `v` showing a row whole (JSON pretty-printed, NULL, text
 * with newlines), ctrl+c while the dialog connects, and a pane restored after a daemon restart that
 * reconnects on the one enter that enters insert mode. Everything is read from what the pane shows.
 */

/** The engine's first start is an initdb in WASM (tens of seconds on a loaded 2-core machine). */
const ENGINE = 240_000;
const SIZE = { cols: 140, rows: 44 };
let w: ExecWorld;
let ns: string;
let restarted: { daemon: DaemonProcess; script: RawClient } | null = null;

beforeAll(async () => {
  w = await startWorld();
  ns = `qed-${process.pid}`;
  w.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const p = pod('db-0', ns, ['postgres']) as ReturnType<typeof pod> & { metadata: { annotations?: Record<string, string> }; spec: { containers: Array<Record<string, unknown>> } };
  p.metadata.annotations = { 'kube-sim.kubetile.dev/postgres': `${ns}/db` };
  Object.assign(p.spec.containers[0]!, {
    image: 'postgres:16.4',
    ports: [{ containerPort: 5432, protocol: 'TCP' }],
    env: [
      { name: 'POSTGRES_USER', value: 'shop' },
      { name: 'POSTGRES_PASSWORD', value: 'pw-editor' },
      { name: 'POSTGRES_DB', value: 'shop' },
    ],
  });
  w.sim.createObject(p);
}, ENGINE);
afterAll(async () => {
  if (restarted) {
    restarted.script.close();
    await restarted.daemon.stop();
  }
  await w?.stop();
});

const text = (v: TerminalView): string => rowsText(v).join('\n');

/** shift+q on db-0: the dialog, prefilled from the pod's env. */
async function openDialog(c: RawClient): Promise<number> {
  await c.attach(SIZE);
  await podsPane(c, ns, ['db-0']);
  await keys(c, 'shift+q');
  const paneId = await focusedQueryPane(c);
  await c.waitLayout('insert mode for the dialog', (l) => l.mode === 'insert');
  await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL'));
  return paneId;
}

async function openAndConnect(c: RawClient): Promise<number> {
  const paneId = await openDialog(c);
  await keys(c, 'enter');
  await waitScreen(c, paneId, 'connected', (rows) => /Connected — PostgreSQL 1\d/.test(rows.join('\n')), ENGINE);
  return paneId;
}

async function run(c: RawClient, sql: string): Promise<void> {
  await keys(c, 'ctrl+u');
  await type(c, sql);
  await keys(c, 'ctrl+r');
}

/** The editor's first line (the pane's first row). */
const editorLine = (v: TerminalView): string => rowsText(v)[0] ?? '';

describe('query pane on the demo engine: completion, the row view, connecting, a restored pane', () => {
  it('ctrl+space completes table names after FROM, an alias\'s columns with their types, and key words; the list follows typing', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      await keys(c, 'ctrl+u');
      await type(c, 'SELECT name FROM cust');
      // The schema is read just after connecting: ask until the completion knows the tables.
      const tables = await waitFor('table completion', async () => {
        await keys(c, 'ctrl+space');
        const v = c.views.get(paneId)?.view;
        return v?.type === 'terminal' && text(v).includes("Complete 'cust'") && /› customers\s+table/.test(text(v)) ? v : null;
      }, 60_000, 250);
      // Only tables that start with the word: not orders, not a key word.
      expect(text(tables)).not.toMatch(/› orders|^\s+orders\s/m);
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'the table name put in', (_r, v) => editorLine(v).startsWith('SELECT name FROM customers'));

      // After `c.`: the columns of the table the alias names, with their types.
      await type(c, ' c WHERE c.');
      await keys(c, 'ctrl+space');
      const cols = text(await waitScreen(c, paneId, 'the alias\'s columns', (rows) => rows.join('\n').includes("Complete ''") && rows.join('\n').includes('email')));
      expect(cols).toMatch(/› id\s+integer/);
      expect(cols).toMatch(/email\s+text/);
      expect(cols).toMatch(/country\s+character/);
      expect(cols).toMatch(/preferences\s+jsonb/);
      expect(cols).toMatch(/created_at\s+timestamp with time zone/);
      // Typing goes on in the editor and the list follows it.
      await type(c, 'cou');
      const narrowed = text(await waitScreen(c, paneId, 'the list narrowed', (rows) => rows.join('\n').includes("Complete 'cou'")));
      expect(narrowed).toMatch(/› country\s+character/);
      expect(narrowed).not.toContain('email');
      await keys(c, 'tab');
      await waitScreen(c, paneId, 'the column put in', (_r, v) => editorLine(v).startsWith('SELECT name FROM customers c WHERE c.country'));

      // A key word, in the case it is typed in.
      await type(c, ' is nu');
      await keys(c, 'ctrl+space');
      const kw = text(await waitScreen(c, paneId, 'key words', (rows) => rows.join('\n').includes("Complete 'nu'")));
      expect(kw).toMatch(/› null\s+keyword/);
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'the key word put in', (_r, v) => editorLine(v) === 'SELECT name FROM customers c WHERE c.country is null');
      await keys(c, 'ctrl+r');
      const result = text(await waitScreen(c, paneId, 'the completed query ran', (rows) => rows.join('\n').includes('1 row in'), 60_000));
      expect(result).toContain('Barbara Liskov');
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, ENGINE * 2);

  it('a paste goes into the editor as it is, its lines kept and nothing run until ctrl+r; in normal mode it is refused', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      await keys(c, 'ctrl+u');
      const r = await c.request<{ handled: boolean; command?: string }>('client/paste', { text: 'SELECT name\r\nFROM customers\nORDER BY name LIMIT 1;\n' });
      expect(r).toEqual({ handled: true, command: 'paste:insert' });
      const pasted = await waitScreen(c, paneId, 'the pasted lines in the editor', (rows) => rows[2]?.startsWith('ORDER BY name LIMIT 1;') ?? false);
      expect(rowsText(pasted).slice(0, 2).map((l) => l.trimEnd())).toEqual(['SELECT name', 'FROM customers']);
      expect(text(pasted)).not.toContain('1 row in');
      await keys(c, 'ctrl+r');
      await waitScreen(c, paneId, 'the pasted query ran', (rows) => rows.join('\n').includes('1 row in'), 60_000);
      await keys(c, 'esc');
      await c.waitLayout('normal mode (browsing the results)', (l) => l.mode === 'normal');
      const refused = await c.request<{ handled: boolean; command?: string }>('client/paste', { text: 'ctrl' });
      expect(refused.command).toBe('paste:refused');
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, ENGINE * 2);

  it('the editor puts its cursor after wide characters by cells, and runs a query with them; the result\'s columns stay in line', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      await keys(c, 'ctrl+u');
      await c.request('client/paste', { text: "SELECT '東京' AS city, 1 AS n UNION ALL SELECT 'web', 22" });
      const typed = await waitScreen(c, paneId, 'the query in the editor', (rows) => rows[0]?.includes('東京') ?? false);
      // The cursor ends the line: its cell is the line's width, each CJK character two cells.
      expect(typed.cursor).toEqual({ row: 0, col: stringWidth(rowsText(typed)[0]!.trimEnd()) });
      await keys(c, 'ctrl+r');
      const ran = await waitScreen(c, paneId, 'the result', (rows) => rows.join('\n').includes('2 rows in'), 60_000);
      const rows = rowsText(ran);
      const header = rows.findIndex((r) => /^city\s+n\s*$/.test(r.trimEnd()) || /^city /.test(r));
      // n is right-aligned: both rows end in the same cell.
      expect(rows[header + 1]!.trimEnd()).toMatch(/^東京\s+1$/);
      expect(stringWidth(rows[header + 1]!.trimEnd())).toBe(stringWidth(rows[header + 2]!.trimEnd()));
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, ENGINE * 2);

  it('v shows the row under the cursor whole: each column with its type, JSON pretty-printed, NULL, text with newlines on lines of their own, a long value wrapped', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      await run(c, "SELECT id, name, country, preferences, E'first line\\nsecond line' AS note, repeat('0123456789', 40) AS long FROM customers WHERE id IN (4, 7) ORDER BY id");
      await waitScreen(c, paneId, 'two rows', (rows) => rows.join('\n').includes('2 rows in'), 60_000);
      await keys(c, 'esc');
      await c.waitLayout('browse (normal) mode', (l) => l.mode === 'normal');
      await keys(c, 'v');
      const first = rowsText(await waitScreen(c, paneId, 'the first row whole', (rows) => rows.some((r) => r.includes('Row 1 of 2'))));
      const at = (label: RegExp): number => first.findIndex((r) => label.test(r));
      expect(first[at(/^name \(text\)/) + 1]).toBe('  Linus Torvalds');
      expect(first[at(/^country \(/) + 1]).toBe('  FI');
      // jsonb pretty-printed over lines, two spaces per level under the column's indent.
      const pi = at(/^preferences \(jsonb\)/);
      expect(first.slice(pi + 1, pi + 9)).toEqual(['  {', '    "tags": [', '      "kernel",', '      "git"', '    ],', '    "newsletter": true', '  }', expect.stringMatching(/^note \(text\)/)]);
      const ni = at(/^note \(text\)/);
      expect(first.slice(ni + 1, ni + 3)).toEqual(['  first line', '  second line']);
      // 400 characters, wider than the pane: wrapped under the label, nothing cut at the edge.
      const li = at(/^long \(text\)/);
      const wrapped = first.slice(li + 1).filter((r) => /^ {2}\d/.test(r));
      expect(wrapped.length).toBeGreaterThan(1);
      expect(wrapped.map((r) => r.slice(2).trimEnd()).join('')).toBe('0123456789'.repeat(40));

      // Back to the table, the next row, and its record: a NULL is NULL.
      await keys(c, 'esc');
      await waitScreen(c, paneId, 'the table again', (rows) => !rows.some((r) => r.includes('Row 1 of 2')) && rows.some((r) => r.includes('Barbara Liskov')));
      await keys(c, 'j', 'v');
      const second = rowsText(await waitScreen(c, paneId, 'the second row whole', (rows) => rows.some((r) => r.includes('Row 2 of 2'))));
      expect(second[second.findIndex((r) => /^name \(text\)/.test(r)) + 1]).toBe('  Barbara Liskov');
      expect(second[second.findIndex((r) => /^country \(/.test(r)) + 1]).toBe('  NULL');
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, ENGINE * 2);

  it("psql's backslash commands are named as such, with the SQL to run instead, and nothing is sent", async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      await run(c, '\\dt');
      const said = text(await waitScreen(c, paneId, 'the hint', (rows) => rows.join('\n').includes("one of psql's own commands"), 60_000));
      expect(said).toContain("\\dt is one of psql's own commands, not SQL");
      expect(said).toContain('pg_tables');
      expect(said).not.toContain('syntax error');
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, ENGINE * 2);

  it('ctrl+c while the dialog connects drops the connection being opened and gives the dialog back; enter connects again', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      const paneId = await openDialog(c);
      // Port-forwards take 5 s to open: the pane says Connecting… that long.
      w.sim.setLatency({ ms: 5000, resource: 'pods/portforward' });
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'connecting', (rows) => rows.join('\n').includes('Connecting…'));
      await keys(c, 'ctrl+c');
      const back = text(await waitScreen(c, paneId, 'the dialog back', (rows) => rows.join('\n').includes('Connect to PostgreSQL')));
      expect(back).toContain('Connecting was cancelled');
      w.sim.setLatency(0);
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'connected', (rows) => /Connected — PostgreSQL 1\d/.test(rows.join('\n')), ENGINE);
      await c.request('pane/close', { paneId });
    } finally {
      w.sim.setLatency(0);
      c.close();
    }
  }, ENGINE * 2);

  it('a query pane restored after a daemon restart reconnects on the one enter that enters insert mode, its editor text kept', async () => {
    let c = await RawClient.connect(w.env.socket);
    try {
      await openAndConnect(c);
      await keys(c, 'ctrl+u');
      await type(c, "SELECT 'restored' AS probe");
    } finally {
      c.close();
    }
    await w.daemon.stop();
    restarted = { daemon: await startDaemon(w.env), script: await RawClient.connect(w.env.socket) };
    c = await RawClient.connect(w.env.socket);
    try {
      await c.attach(SIZE);
      const paneId = await focusedQueryPane(c);
      await c.waitLayout('normal mode after attaching', (l) => l.mode === 'normal');
      await waitScreen(c, paneId, 'the restored dialog', (rows) => rows.join('\n').includes('The daemon restarted'), 60_000);
      await keys(c, 'enter');
      await c.waitLayout('insert mode', (l) => l.mode === 'insert');
      const v = await waitScreen(c, paneId, 'connected on one enter', (rows) => /Connected — PostgreSQL 1\d/.test(rows.join('\n')), ENGINE);
      expect(editorLine(v)).toBe("SELECT 'restored' AS probe");
      await keys(c, 'ctrl+r');
      await waitScreen(c, paneId, 'the kept query ran', (rows) => rows.join('\n').includes('1 row in') && rows.slice(1).some((r) => /\brestored\b/.test(r) && !r.includes("'restored'")), 60_000);
    } finally {
      c.close();
    }
  }, ENGINE * 2);
});
