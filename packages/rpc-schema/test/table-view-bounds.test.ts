import { describe, expect, it } from 'vitest';
import { MAX_TABLE_COLUMNS, PaneViewSchema } from '../src/pane-view.js';

/** A table view a client is asked to draw: its columns and their widths are bounded (a client fits them in steps). */
const table = (columns: number, width?: number) => ({
  type: 'table',
  title: 'T',
  columns: Array.from({ length: columns }, (_, i) => ({ id: `c${i}`, title: `C${i}`, ...(width !== undefined ? { width } : {}) })),
  rows: [],
  offset: 0,
  total: 0,
  unfiltered: 0,
  selected: null,
});

describe('table view bounds', () => {
  it(`takes ${MAX_TABLE_COLUMNS} columns of up to 1000 cells, not one more of either`, () => {
    expect(PaneViewSchema.safeParse(table(MAX_TABLE_COLUMNS, 1000)).success).toBe(true);
    const many = PaneViewSchema.safeParse(table(MAX_TABLE_COLUMNS + 1));
    expect(many.success).toBe(false);
    expect(JSON.stringify(many.error?.issues[0]?.path)).toBe('["columns"]');
    const wide = PaneViewSchema.safeParse(table(1, 2 ** 53));
    expect(wide.success).toBe(false);
    expect(JSON.stringify(wide.error?.issues[0]?.path)).toBe('["columns",0,"width"]');
  });
});
