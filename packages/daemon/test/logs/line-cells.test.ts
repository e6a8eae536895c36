import { describe, expect, it } from 'vitest';
import { stringWidth, type Span } from '@kubetile/rpc-schema';
import { sliceCells, wrappedRow, wrapStarts } from '../../src/panes/logs/line-render.js';

const rows = (spans: Span[], cols: number): string[] => {
  const starts = wrapStarts(spans, cols);
  return starts.map((_, i) => wrappedRow(spans, starts, i).text);
};

describe('log lines in terminal cells', () => {
  it('wraps ASCII at the width, as before', () => {
    expect(rows([{ text: 'abcdefghij' }], 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(rows([{ text: '' }], 4)).toEqual(['']);
  });

  it('wraps fullwidth text by cells, losing no character (rows of 62 characters were 124 cells and cut)', () => {
    const line = `CJK:${'０１２３４５６７８９'.repeat(20)}`;
    const out = rows([{ text: line }], 62);
    expect(out.join('')).toBe(line);
    for (const r of out) expect(stringWidth(r)).toBeLessThanOrEqual(62);
    expect(out.length).toBe(Math.ceil(stringWidth(line) / 62));
  });

  it('never splits an emoji between its surrogate halves, and a wide character that does not fit starts the next row', () => {
    const out = rows([{ text: '🚀'.repeat(7) }], 5);
    expect(out).toEqual(['🚀🚀', '🚀🚀', '🚀🚀', '🚀']);
    expect(out.join('')).not.toMatch(/[\ud800-\udfff](?![\udc00-\udfff])/u);
    expect(rows([{ text: 'a漢字' }], 2)).toEqual(['a', '漢', '字']);
  });

  it('keeps each span its style across a wrap', () => {
    const spans: Span[] = [{ text: '[日本] ', style: 'accent' }, { text: 'hello' }];
    const starts = wrapStarts(spans, 4);
    expect(wrappedRow(spans, starts, 0).spans).toEqual([{ text: '[日', style: 'accent' }]);
    expect(wrappedRow(spans, starts, 1).spans).toEqual([{ text: '本] ', style: 'accent' }]);
    expect(wrappedRow(spans, starts, 2).spans).toEqual([{ text: 'hell' }]);
  });

  it('scrolls sideways by cells: a wide character cut by the left edge shows as a space, one cut by the right edge is left out', () => {
    expect(sliceCells([{ text: 'abcdef' }], 2, 3).text).toBe('cde');
    expect(sliceCells([{ text: '日本語です' }], 2, 4).text).toBe('本語');
    expect(sliceCells([{ text: '日本語です' }], 1, 4).text).toBe(' 本');
    expect(sliceCells([{ text: 'x', style: 'dim' }, { text: '日本' }], 0, 3).spans).toEqual([{ text: 'x', style: 'dim' }, { text: '日' }]);
  });
});
