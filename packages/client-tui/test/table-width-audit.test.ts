import type { TableView } from '@kubetile/rpc-schema';
import { describe, expect, it } from 'vitest';
import { tableLines } from '../src/tui/table-lines.js';
import { stringWidth } from '../src/util/text.js';

/**
 * A column's `width` has no upper bound in the schema: a daemon of another version (or a broken one)
 * that sends a huge one must not hang the client. The widths shrank one cell per step down to the
 * pane's width, so `width: 2^53` never finished drawing the frame (the client deaf to ctrl+q).
 */
describe('a table column wider than anything a terminal shows', () => {
  it('is drawn cut to the pane, at once', () => {
    const view: TableView = {
      type: 'table',
      title: 'T',
      columns: [
        { id: 'wide', title: 'WIDE', width: Number.MAX_SAFE_INTEGER },
        { id: 'name', title: 'NAME' },
        { id: 'other', title: 'OTHER', width: 2_000_000_000 },
      ],
      rows: [{ id: 'r', cells: { wide: 'w', name: 'web-1', other: 'o' } }],
      offset: 0,
      total: 1,
      unfiltered: 1,
      selected: 0,
    };
    const lines = tableLines(view, 80, 5);
    expect(lines).toHaveLength(5);
    const text = lines.map((l) => l.map((s) => s.text).join(''));
    for (const t of text) expect(stringWidth(t)).toBe(80);
    expect(text[0]).toContain('WIDE');
  });
});
