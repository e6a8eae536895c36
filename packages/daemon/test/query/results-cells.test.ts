import { describe, expect, it } from 'vitest';
import { stringWidth } from '@kubetile/rpc-schema';
import { ResultSet } from '../../src/query/result-set.js';
import { cut } from '../../src/panes/query/cell-format.js';
import { columnWidths, newCursor, renderTable } from '../../src/panes/query/results-view.js';

describe('a result table in terminal cells', () => {
  it('keeps its columns in line when values are CJK or emoji (code points put them 1 cell off per wide character)', () => {
    const r = new ResultSet([ResultSet.column('name', 25, 'text'), ResultSet.column('n', 23, 'int4')]);
    r.add([['東京', '1'], ['web', '22'], ['🚀🚀🚀', '333']], 1 << 20);
    const widths = columnWidths(r, 40);
    expect(widths[0]).toBe(6);
    const { rows } = renderTable(r, newCursor(), widths, 80, 10, false);
    const lineWidths = rows.map((runs) => stringWidth(runs.map((x) => x.text).join('')));
    expect(new Set(lineWidths).size).toBe(1);
  });

  it('cuts a value to cells, never past them', () => {
    expect(cut('日本語テキスト', 6)).toBe('日本…');
    expect(stringWidth(cut('日本語テキスト', 6))).toBeLessThanOrEqual(6);
    expect(cut('abcdefgh', 5)).toBe('abcd…');
    expect(cut('abc', 5)).toBe('abc');
  });
});
