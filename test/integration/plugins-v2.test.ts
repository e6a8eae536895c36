// ABI v2 on a real daemon: the v2-probe plugin (AssemblyScript, built from source with the SDK's
// Table and StyledLine builders) renders a typed table; the user's sort, filter and list keys
// work on it in the daemon without a plugin call; enter tells the plugin the row; hostile v2
// renders are refused with the reason in the pane; a v1 plugin is unchanged.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaneView, TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { pluginWasm } from '../../packages/sdk/test/helpers/paths.js';

const ECHO = join(REPO_ROOT, 'test/fixtures/plugins/build/echo.wasm');
const CALL_TIMEOUT_MS = 20_000;

let env: TestEnv;
let daemon: DaemonProcess;
let client: RawClient;

const caption = (v: PaneView): string => (v.type === 'table' ? (v.caption ?? []).map((l) => l.text).join('\n') : '');
const names = (v: PaneView): string[] => (v.type === 'table' ? v.rows.map((r) => r.cells.c0!) : []);
const isTable = (v: PaneView): v is TableView => v.type === 'table';

async function keys(...ks: string[]): Promise<void> {
  for (const key of ks) await client.request('client/key', { key });
}

async function openProbe(): Promise<number> {
  const { paneId } = await client.request<{ paneId: number }>('pane/open', { view: { key: 'v2-probe' }, newTab: true });
  await client.waitView('v2 table', paneId, (v) => isTable(v) && v.rows.length === 4);
  return paneId;
}

/** The pane's view as the daemon has it now. */
async function snapshot(paneId: number): Promise<PaneView> {
  return (await client.request<{ view: PaneView }>('pane/snapshot', { paneId, cols: 100, rows: 20 })).view;
}

beforeAll(async () => {
  const probe = pluginWasm('v2-probe');
  env = makeTestEnv();
  mkdirSync(dirname(env.configFile), { recursive: true });
  writeFileSync(
    env.configFile,
    [
      '[[plugins]]', 'key = "v2-probe"', `path = "${probe}"`, `timeout_ms = ${CALL_TIMEOUT_MS}`, '',
      '[[plugins]]', 'key = "echo"', `path = "${ECHO}"`, `timeout_ms = ${CALL_TIMEOUT_MS}`, '',
    ].join('\n'),
  );
  daemon = await startDaemon(env);
  client = await RawClient.connect(env.socket);
  await client.attach({ cols: 100, rows: 30 });
}, 120_000);

afterAll(async () => {
  client?.close();
  await daemon?.stop();
  env?.cleanup();
});

describe('ABI v2 tables and styled lines on a real daemon', () => {
  it('renders the typed table with its styled caption: typed cells formatted, colours carried', async () => {
    const paneId = await openProbe();
    const v = (await snapshot(paneId)) as TableView;
    expect(v.columns.map((c) => c.title)).toEqual(['NAME', 'RESTARTS', 'AGE', 'MEM', 'STATUS']);
    expect(v.columns.map((c) => c.align)).toEqual(['left', 'right', 'left', 'right', 'left']);
    expect(v.rows.map((r) => [r.cells.c1, r.cells.c2, r.cells.c3])).toEqual([
      ['9', '90s', '1.5Ki'],
      ['10', '120m', '512'],
      ['2', '5s', '3Mi'],
      ['', '3d', '0'],
    ]);
    expect(v.rows[1]!.looks?.c4).toEqual({ fg: 1, bold: true }); // "red" is the user's own red (palette 1)
    expect(v.rows[3]!.looks?.c0).toEqual({ dim: true }); // the row's style
    expect(v.caption![0]!.spans).toEqual([
      { text: 'Services: ' },
      { text: '1 failing', fg: 1, bold: true },
      { text: ' · calls: 0', fg: '#8888ff' },
    ]);
  });

  it('sorts on the user\'s sort keys by value (10 after 9, blanks last) without calling the plugin', async () => {
    const paneId = await openProbe();
    await keys('s'); // NAME
    await keys('s'); // RESTARTS
    const asc = await client.waitView('sorted by RESTARTS', paneId, (v) => isTable(v) && v.sort?.column === 'c1' && v.sort.order === 'asc');
    expect(names(asc)).toEqual(['charlie', 'alpha', 'bravo', 'delta']);
    expect((asc as TableView).rows.map((r) => r.cells.c1)).toEqual(['2', '9', '10', '']);
    await keys('shift+s');
    const desc = await client.waitView('descending', paneId, (v) => isTable(v) && v.sort?.order === 'desc');
    expect(names(desc)).toEqual(['bravo', 'alpha', 'charlie', 'delta']); // the blank stays last
    await keys('s'); // AGE: durations by length, not as text ("120m" < "3d" < "5s" as text)
    const age = await client.waitView('sorted by AGE', paneId, (v) => isTable(v) && v.sort?.column === 'c2');
    expect(names(age)).toEqual(['charlie', 'alpha', 'bravo', 'delta']);
    await keys('s'); // MEM: bytes by size
    const mem = await client.waitView('sorted by MEM', paneId, (v) => isTable(v) && v.sort?.column === 'c3');
    expect(names(mem)).toEqual(['delta', 'bravo', 'alpha', 'charlie']);
    // The plugin counts its calls in the caption: still none.
    expect(caption(await snapshot(paneId))).toContain('calls: 0');
  });

  it('filters with / and moves with the list keys in the daemon; enter tells the plugin the row and key', async () => {
    const paneId = await openProbe();
    await keys('/', 'r', 'u', 'n');
    const filtered = await client.waitView('filtered', paneId, (v) => isTable(v) && v.filter === 'run');
    expect(names(filtered)).toEqual(['alpha', 'charlie']);
    expect(filtered.badge).toBe('2/4');
    await keys('enter'); // keep the filter
    await keys('j');
    const moved = await client.waitView('second row selected', paneId, (v) => isTable(v) && v.selected === 1);
    expect(caption(moved)).toContain('calls: 0');
    await keys('enter');
    const told = await client.waitView('select reached the plugin', paneId, (v) => caption(v).includes('selected row'));
    // charlie is row 2 of the plugin's rows, whatever the filter shows.
    expect(caption(told)).toContain('selected row 2 key svc/charlie');
    expect(caption(told)).toContain('calls: 1');
    // The filter and the selection survive the new render.
    expect(names(told)).toEqual(['alpha', 'charlie']);
    expect((told as TableView).selected).toBe(1);
    await keys('g');
    await client.waitView('top', paneId, (v) => isTable(v) && v.selected === 0);
    await keys('shift+g');
    await client.waitView('bottom', paneId, (v) => isTable(v) && v.selected === 1);
  });

  it('a v2 render of styled lines shows its spans', async () => {
    const paneId = await openProbe();
    await client.request('pane/command', { paneId, command: { type: 'send_input', text: 'lines' } });
    const v = await client.waitView('styled lines', paneId, (x) => x.type === 'lines' && x.lines.some((l) => l.text.startsWith('alert')));
    expect(v.type === 'lines' && v.lines[0]!.spans).toEqual([{ text: 'alert ', fg: 1, bold: true }, { text: 'calm', fg: '#00ff00' }]);
    expect(v.type === 'lines' && v.lines[1]!.text).toBe('plain line');
  });

  const HOSTILE: Array<[string, string, RegExp]> = [
    ['too many rows', `{"table":{"columns":[{"title":"N","type":"number"}],"rows":[${Array(5001).fill('0').join(',')}]}}`, /table\.rows: 5001 rows, over the limit of 5000/],
    ['too many columns', `{"table":{"columns":[${Array(33).fill('{"title":"c"}').join(',')}],"rows":[]}}`, /table\.columns: 33 columns, over the limit of 32/],
    ['too many spans', `{"lines":[[${Array(257).fill('"x"').join(',')}]]}`, /lines\[0\]: 257 spans, over the limit of 256 per line/],
    ['an escape sequence', '{"lines":[[{"text":"<ESC>[2Jgone","fg":"red"}]]}', /lines\[0\]\[0\]\.text: contains the control character U\+001B \(ESC/],
    ['an escape in a cell', '{"table":{"columns":[{"title":"N"}],"rows":[{"cells":["a<CSI>31m"]}]}}', /table\.rows\[0\]\.cells\[0\]: contains the control character U\+009B/],
    ['a wrong type', '{"table":{"columns":[{"title":"RESTARTS","type":"number"}],"rows":[{"cells":["12"]}]}}', /table\.rows\[0\]\.cells\[0\]: the number column "RESTARTS" needs a finite number, got a string "12"/],
    ['NaN', '{"table":{"columns":[{"title":"N","type":"number"}],"rows":[{"cells":[NaN]}]}}', /not UTF-8 JSON/],
    ['an infinite number', '{"table":{"columns":[{"title":"N","type":"duration"}],"rows":[{"cells":[1e999]}]}}', /needs a finite number \(seconds\), got a number out of range/],
    ['a huge cell', `{"table":{"columns":[{"title":"N"}],"rows":[{"cells":["${'x'.repeat(5000)}"]}]}}`, /table\.rows\[0\]\.cells\[0\]: 5000 bytes of text, over the 1024-byte limit/],
    ['an unknown colour', '{"lines":[[{"text":"a","fg":"chartreuse"}]]}', /lines\[0\]\[0\]\.fg: a string "chartreuse" is not a colour/],
    ['a wrong cell count', '{"table":{"columns":[{"title":"A"},{"title":"B"}],"rows":[{"cells":["a"]}]}}', /table\.rows\[0\]\.cells: 1 cells for 2 columns/],
  ];

  it('refuses hostile v2 renders, naming what was wrong, in the pane; the last good render stays and the daemon lives', async () => {
    const paneId = await openProbe();
    for (const [what, payload, reason] of HOSTILE) {
      await client.request('pane/command', { paneId, command: { type: 'send_input', text: payload } });
      // The reason is wrapped under the caption (the client is 100 cells wide).
      const v = await client.waitView(what, paneId, (x) => reason.test(caption(x).replace(/\n/g, ''))).catch(async (err: unknown) => {
        throw new Error(`${String(err)}; the pane shows: ${caption(await snapshot(paneId))}`);
      });
      // The refused render changed nothing else: the previous table is still shown.
      expect(names(v), what).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
      expect(caption(v)).toMatch(/^Services:/);
      // A good command clears the notice.
      await client.request('pane/command', { paneId, command: { type: 'send_input', text: 'table' } });
      await client.waitView(`${what}: cleared`, paneId, (x) => isTable(x) && !caption(x).includes('invalid v2 render'));
    }
    const list = await client.request<{ plugins: Array<{ key: string; status: string }> }>('plugin/list');
    expect(list.plugins.find((p) => p.key === 'v2-probe')?.status).toBe('ready');
    expect(await client.request('daemon/status')).toMatchObject({ plugins: 2 });
  });

  it('the user\'s sort and filter of a v2 table come back with the session after a daemon restart', async () => {
    const paneId = await openProbe();
    await keys('s', 's', 'shift+s', '/', 'r', 'u', 'n', 'enter');
    await client.waitView('sorted and filtered', paneId, (v) => isTable(v) && v.sort?.column === 'c1' && v.sort.order === 'desc' && v.filter === 'run');
    client.close();
    await daemon.stop();
    daemon = await startDaemon(env);
    client = await RawClient.connect(env.socket);
    await client.attach({ cols: 100, rows: 30 });
    const panes = await client.request<{ panes: Array<{ paneId: number; key: string }> }>('pane/list');
    const restored = panes.panes.filter((p) => p.key === 'v2-probe').map((p) => p.paneId);
    expect(restored).toContain(paneId);
    const v = await waitFor('restored table', async () => {
      const view = await snapshot(paneId);
      return isTable(view) && view.rows.length > 0 ? view : null;
    });
    expect(v.sort).toEqual({ column: 'c1', order: 'desc' });
    expect(v.filter).toBe('run');
    expect(names(v)).toEqual(['alpha', 'charlie']);
  });

  it('a v1 plugin is unchanged: list keys and sort keys reach it as before, renders are lines', async () => {
    const { paneId } = await client.request<{ paneId: number }>('pane/open', { view: { key: 'echo' }, newTab: true });
    // echo renders the type of the last command it received (its open render is replaced by focus/resize).
    await client.waitView('echo rendered', paneId, (v) => v.type === 'lines' && v.lines.length === 1);
    await keys('j');
    await client.waitView('j reached the plugin', paneId, (v) => v.type === 'lines' && v.lines[0]?.text === 'select_next');
    await keys('s'); // no table: nothing sorts, nothing breaks
    await keys('/', 'x');
    await client.waitView('filter reached the plugin', paneId, (v) => v.type === 'lines' && v.lines[0]?.text === 'filter');
  });
});
