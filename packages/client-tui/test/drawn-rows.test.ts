import { afterEach, describe, expect, it } from 'vitest';
import type { PaneView, TableView } from '@kubetile/rpc-schema';
import { lineToAnsi } from '../src/tui/ansi.js';
import { paneAnsiRows, paneLines } from '../src/tui/pane-lines.js';
import { lineText } from '../src/tui/segments.js';
import { tableLines } from '../src/tui/table-lines.js';
import { colorLevel, setColorLevel, type ColorLevel } from '../src/tui/theme.js';
import { RecentCache } from '../src/util/recent-cache.js';
import { errorView, podsTable } from './fixtures.js';

const initial: ColorLevel = colorLevel;
afterEach(() => setColorLevel(initial));

const table = (rows: Array<Record<string, string>>, selected: number | null = null, over: Partial<TableView> = {}): TableView => ({
  type: 'table',
  title: 't',
  columns: [
    { id: 'a', title: 'A' },
    { id: 'b', title: 'B' },
  ],
  rows: rows.map((cells, i) => ({ id: `r${i}`, cells })),
  offset: 0,
  total: rows.length,
  unfiltered: rows.length,
  selected,
  ...over,
});

/** The text of each data row (the header is line 0). */
const shown = (v: TableView, cols = 30): string[] => tableLines(v, cols, v.rows.length + 1).slice(1).map((l) => lineText(l).trimEnd());

describe('RecentCache', () => {
  it('keeps what was set or read in the last `size` insertions and never more than twice that', () => {
    const c = new RecentCache<string, number>(3);
    for (let i = 0; i < 3; i++) c.set(`k${i}`, i);
    c.set('k3', 3); // k0..k2 move to the older generation
    expect(c.get('k0')).toBe(0); // read: back in the newer one
    for (let i = 4; i < 6; i++) c.set(`k${i}`, i); // the newer one fills: k1, k2 are dropped
    expect(c.get('k1')).toBeUndefined();
    expect(c.get('k2')).toBeUndefined();
    expect(c.get('k0')).toBe(0);
    expect(c.get('k5')).toBe(5);
    for (let i = 0; i < 100; i++) c.set(`n${i}`, i);
    expect(c.held).toBeLessThanOrEqual(6);
    c.clear();
    expect(c.held).toBe(0);
    expect(() => new RecentCache(0)).toThrow(/at least 1/);
  });
});

describe('table rows drawn again', () => {
  it('a row drawn before shows its new text, selection and width as soon as they change', () => {
    const v = table([{ a: 'web-1', b: 'Running' }, { a: 'web-2', b: 'Pending' }], 0);
    expect(shown(v)).toEqual(['web-1  Running', 'web-2  Pending']);
    // the same rows again (a cache hit), then one cell changed
    expect(shown(v)).toEqual(['web-1  Running', 'web-2  Pending']);
    expect(shown(table([{ a: 'web-1', b: 'Failed' }, { a: 'web-2', b: 'Pending' }], 0))).toEqual(['web-1  Failed', 'web-2  Pending']);
    // the selection moves: the highlight goes with it
    const sel = (s: number | null): boolean[] =>
      tableLines(table([{ a: 'web-1', b: 'Running' }, { a: 'web-2', b: 'Pending' }], s), 30, 3).slice(1).map((l) => l.some((x) => x.style?.backgroundColor !== undefined));
    expect(sel(0)).toEqual([true, false]);
    expect(sel(1)).toEqual([false, true]);
    expect(sel(null)).toEqual([false, false]);
    // a narrower screen: the row is cut to it, not drawn at its old width
    const narrow = tableLines(v, 8, 3).slice(1).map((l) => lineText(l));
    expect(narrow.every((l) => l.length === 8)).toBe(true);
    expect(narrow[0]).toMatch(/^we.*…/);
  });

  it('a row keeps its column widths of this frame: a longer row elsewhere widens the column', () => {
    expect(shown(table([{ a: 'web-1', b: 'Running' }]))).toEqual(['web-1  Running']);
    expect(shown(table([{ a: 'web-1', b: 'Running' }, { a: 'a-much-longer-name', b: 'x' }]))).toEqual([
      'web-1               Running',
      'a-much-longer-name  x',
    ]);
  });

  it('rows whose cells would run together in a naive key are each drawn from their own cells', () => {
    // Joined with a separator, "x|y" + "" and "x" + "y|" make the same text; so do a cell's text and
    // style run together ("Runningok" unstyled and "Running" styled "ok").
    const v = table([{ a: 'x|y', b: '' }, { a: 'x', b: 'y|' }]);
    expect(shown(v)).toEqual(['x|y', 'x    y|']);
    expect(shown(table([{ a: 'x', b: 'y|' }, { a: 'x|y', b: '' }]))).toEqual(['x    y|', 'x|y']);
    const styled: TableView = { ...table([]), rows: [{ id: 'p', cells: { a: 'Running', b: '' }, styles: { a: 'ok' } }] };
    const plain: TableView = { ...table([]), rows: [{ id: 'q', cells: { a: 'Runningok', b: '' } }] };
    setColorLevel(3);
    const first = tableLines(styled, 30, 2).map((l) => lineToAnsi(l))[1]!;
    expect(tableLines(plain, 30, 2).map((l) => lineToAnsi(l))[1]).toContain('Runningok');
    expect(tableLines(styled, 30, 2).map((l) => lineToAnsi(l))[1]).toBe(first);
  });

  it('a change of colour level draws the rows in the new colours', () => {
    const v = (name: string): TableView => ({ ...table([]), rows: [{ id: name, cells: { a: name, b: 'Running' }, styles: { b: 'ok' } }] });
    const drawn = (name: string): string => tableLines(v(name), 30, 2).map((l) => lineToAnsi(l)).join('\n');
    // web-1 first drawn at level 1; web-9 drawn at level 3 first, then at level 1: the same colours as web-1's.
    setColorLevel(1);
    const basic = drawn('web-1');
    setColorLevel(3);
    expect(drawn('web-9')).toContain('38;2;');
    setColorLevel(1);
    expect(drawn('web-9')).toBe(basic.replace('web-1', 'web-9'));
    setColorLevel(0);
    expect(drawn('web-9')).not.toContain('\x1b[');
  });
});

describe('paneAnsiRows', () => {
  it('is paneLines drawn as text, for every size, focus and kind of view, first time and again', () => {
    const views: Array<PaneView | undefined> = [podsTable, podsTable, errorView as PaneView, undefined, { ...(podsTable as TableView), selected: null }];
    for (const level of [3, 1, 0] as ColorLevel[]) {
      setColorLevel(level);
      for (const [width, height] of [[40, 8], [40, 3], [2, 5], [3, 3], [1, 1], [10, 1], [5, 2], [120, 30]] as const) {
        for (const focused of [true, false]) {
          for (const view of views) {
            const rect = { x: 0, y: 1, width, height };
            expect(paneAnsiRows(rect, 'Pods', view, focused)).toEqual(paneLines(rect, 'Pods', view, focused).map((l) => lineToAnsi(l)));
          }
        }
      }
    }
  });
});

describe('a table drawn again from the rows it kept (a rowsOf view)', () => {
  it('draws the same lines as from fresh rows as the selection, width, sort, columns and colours change', () => {
    // Column B's cells are narrower than its header with the sort's arrow: the arrow widens it.
    const base = table([{ a: 'alpha', b: '1' }, { a: 'beta-long-name', b: '2' }, { a: 'gamma', b: '3' }], 0);
    // Each step a view that keeps `base`'s very rows (and columns, unless it says otherwise).
    const steps: Array<{ over: Partial<TableView>; cols: number; level?: ColorLevel }> = [
      { over: { selected: 1 }, cols: 30 },
      { over: { selected: 2 }, cols: 30 },
      { over: { selected: 2 }, cols: 12 },
      { over: { selected: 0 }, cols: 30 },
      { over: { selected: 0, sort: { column: 'b', order: 'desc' } }, cols: 30 },
      { over: { selected: 0, columns: [{ id: 'b', title: 'B' }, { id: 'a', title: 'A' }] }, cols: 30 },
      { over: { selected: 1 }, cols: 30, level: 0 },
      { over: { selected: null }, cols: 30, level: 3 },
    ];
    for (const { over, cols, level } of steps) {
      if (level !== undefined) setColorLevel(level);
      const kept: TableView = { ...base, ...over };
      const fresh: TableView = JSON.parse(JSON.stringify(kept)) as TableView;
      const draw = (v: TableView) => tableLines(v, cols, 5).map((l) => lineToAnsi(l));
      expect(draw(kept)).toEqual(draw(fresh));
      expect(draw(kept)).toEqual(draw(kept));
    }
  });
});
