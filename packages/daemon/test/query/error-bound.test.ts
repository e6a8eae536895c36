import { describe, expect, it } from 'vitest';
import { boundedError, describeError, MAX_ERROR_CHARS, MAX_ERROR_LINES } from '../../src/panes/query/query-pane.js';

describe("the query pane's error text, cut once when it is taken", () => {
  it('keeps an error of up to 200 lines whole', () => {
    const text = Array.from({ length: MAX_ERROR_LINES }, (_, i) => `line ${i}`).join('\n');
    expect(boundedError(text)).toEqual({ text });
    expect(boundedError('ERROR: x')).toEqual({ text: 'ERROR: x' });
  });

  it('keeps the first 200 lines of a longer one and says how long it was', () => {
    const text = 'a\n'.repeat(1_000_000);
    const b = boundedError(text);
    expect(b.text.split('\n')).toEqual(Array.from({ length: MAX_ERROR_LINES }, () => 'a'));
    expect(b.cut).toBe('… (the error was cut: it had 1,000,001 lines, 1.9 MiB; the first 200 are kept)');
  });

  it('keeps at most 64 KiB of one long line, never half a surrogate pair', () => {
    const text = `${'x'.repeat(MAX_ERROR_CHARS - 1)}😀${'y'.repeat(100_000)}`;
    const b = boundedError(text);
    expect(b.text).toBe('x'.repeat(MAX_ERROR_CHARS - 1));
    expect(b.cut).toMatch(/^… \(the error was cut: it had 1 line, 161\.7 KiB; the first 1 are kept\)$/);
  });

  it("bounds a server error's message with its SQLSTATE", () => {
    const err = Object.assign(new Error('b\n'.repeat(500)), { code: 'P0001', severity: 'ERROR' });
    const d = describeError(err);
    expect(d.code).toBe('P0001');
    expect(d.text.split('\n')).toHaveLength(MAX_ERROR_LINES);
    expect(d.text.startsWith('ERROR: b\nb\n')).toBe(true);
    // 'ERROR: ' + 500 × 'b\n' + ' (SQLSTATE P0001)' = 1,024 bytes.
    expect(d.cut).toBe('… (the error was cut: it had 501 lines, 1 KiB; the first 200 are kept)');
  });
});
