import { describe, expect, it } from 'vitest';
import { stringWidth } from '@kubetile/rpc-schema';
import { sanitizeLogText } from '../../src/kube/logs/sanitize.js';
import { MAX_CELL_UNITS, sliceCells, wrappedRow, wrapStarts } from '../../src/panes/logs/line-render.js';

/** Runs of zero-width code points in a log line are cut to a few; every other character is kept. */

describe('zero-width runs in log lines', () => {
  it('cuts a run of combining marks (BMP and astral), format characters or jamo to 16, and nothing else', () => {
    const zalgo = `a${'\u0301'.repeat(5000)}b`;
    expect(sanitizeLogText(zalgo)).toBe(`a${'\u0301'.repeat(16)}b`);
    const astral = `x${'\u{1d167}'.repeat(100)}y`;
    expect(sanitizeLogText(astral)).toBe(`x${'\u{1d167}'.repeat(16)}y`);
    expect(sanitizeLogText(`z${'\u200b'.repeat(40)}!`)).toBe(`z${'\u200b'.repeat(16)}!`);
    expect(sanitizeLogText(`\u1100${'\u1161'.repeat(30)}`)).toBe(`\u1100${'\u1161'.repeat(16)}`);
    // Mixed with escapes and tabs: both cleanings apply.
    expect(sanitizeLogText(`\x1b[31ma${'\u0300'.repeat(20)}\tb`)).toBe(`a${'\u0300'.repeat(16)}       b`);
    // What real text uses is untouched: accents, Vietnamese stacks, emoji sequences, CJK, Hangul.
    for (const s of ['naïve café', 'Tiếng Việt ệ̂', '👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽', '日本語のログ', '한국어 로그', `e${'\u0301'.repeat(16)}`]) expect(sanitizeLogText(s)).toBe(s);
  });

  it('a row shows at most a few units per cell, wrapped or scrolled sideways', () => {
    const spans = [{ text: `a${'\u0301'.repeat(40)}` }, { text: `${'\u0302'.repeat(40)}bc`, style: 'warn' as const }];
    const flat = sliceCells(spans, 0, 80);
    expect(flat.text).toBe(`a${'\u0301'.repeat(MAX_CELL_UNITS - 1)}bc`);
    expect(flat.spans).toEqual([{ text: `a${'\u0301'.repeat(MAX_CELL_UNITS - 1)}` }, { text: 'bc', style: 'warn' }]);
    const starts = wrapStarts(spans, 2);
    const rows = starts.map((_, i) => wrappedRow(spans, starts, i).text);
    expect(rows).toEqual([`a${'\u0301'.repeat(MAX_CELL_UNITS - 1)}b`, 'c']);
    expect(rows.map((r) => stringWidth(r))).toEqual([2, 1]);
  });
});
