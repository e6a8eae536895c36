import { describe, expect, it } from 'vitest';
import { answerHostCall, type HostBridge } from '../../src/plugins/host-functions.js';
import { plainText, readRenderV2, type RichRender } from '../../src/plugins/render-v2.js';
import { formatBytes, formatCell } from '../../src/plugins/cell-format.js';

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const read = (v: unknown) => readRenderV2(enc(v), 'plugin_on_command');
const ok = (v: unknown): RichRender => {
  const r = read(v);
  if (!r.ok || !r.render) throw new Error(r.ok ? 'no render' : r.reason);
  return r.render;
};
const reason = (v: unknown): string => {
  const r = read(v);
  if (r.ok) throw new Error('accepted');
  return r.reason;
};

describe('ABI v2 renders', () => {
  it('a v1 render is a valid v2 render; empty output is no render', () => {
    expect(ok({ lines: ['a', 'b'] }).lines).toEqual([[{ text: 'a' }], [{ text: 'b' }]]);
    expect(read('')).toEqual({ ok: true, render: null });
  });

  it('maps named colours to the palette (0–15) and keeps #rrggbb (lower case); a tab is a space', () => {
    const r = ok({ lines: [[{ text: 'a\tb', fg: 'bright_red', bg: '#AABBCC', underline: true, bold: false }, { text: 'c', fg: 'gray' }]] });
    expect(r.lines[0]).toEqual([{ text: 'a b', fg: 9, bg: '#aabbcc', underline: true }, { text: 'c', fg: 8 }]);
  });

  it('refuses bidi overrides, a caption over 16 lines, duplicate keys, unknown fields and a bad sort', () => {
    expect(reason({ lines: ['abc\u202edef'] })).toMatch(/lines\[0\]: contains the control character U\+202E/);
    const table = { columns: [{ title: 'A' }], rows: [] };
    expect(reason({ lines: Array(17).fill('x'), table })).toMatch(/lines: 17 lines, over the limit of 16 above a table/);
    expect(reason({ table: { columns: [{ title: 'A' }], rows: [{ key: 'k', cells: ['a'] }, { key: 'k', cells: ['b'] }] } })).toMatch(
      /table\.rows\[1\]\.key: "k" is already the key of row 0/,
    );
    expect(reason({ lines: [[{ text: 'a', colour: 'red' }]] })).toMatch(/lines\[0\]\[0\]: unknown field "colour"/);
    expect(reason({ table: { ...table, sort: { column: 3 } } })).toMatch(/table\.sort\.column: expected a column index 0\.\.0, got the number 3/);
    expect(reason({ table: { columns: [{ title: 'B', type: 'bytes' }], rows: [{ cells: [-1] }] } })).toMatch(/needs a number ≥ 0, got -1/);
    expect(reason({ table: { columns: [{ title: 'T', type: 'date' }], rows: [] } })).toMatch(/table\.columns\[0\]\.type: expected one of string, number, duration, bytes, timestamp/);
    expect(reason([1])).toMatch(/expected an object/);
    expect(reason({})).toMatch(/has neither "lines" nor "table"/);
  });

  it('refuses past 512 KiB of text in all, and over 1 MiB of JSON ends the call (oversize)', () => {
    const rows = Array.from({ length: 600 }, () => ({ cells: ['x'.repeat(1000)] }));
    expect(reason({ table: { columns: [{ title: 'A' }], rows } })).toMatch(/the render's text passes 512 KiB, its limit/);
    const r = readRenderV2(enc({ lines: ['x'.repeat(1024 * 1024 + 1)] }), 'plugin_on_tick');
    expect(r).toMatchObject({ ok: false, kind: 'oversize' });
  });

  it('formats typed cells: durations like kubectl ages, bytes as quantities, timestamps in UTC; null is blank', () => {
    expect([formatCell(150, 'duration'), formatCell(3 * 86400 + 3600 * 4, 'duration')]).toEqual(['2m30s', '3d4h']);
    expect([formatBytes(512), formatBytes(1536), formatBytes(20 * 1024 * 1024), formatBytes(3.25 * 1024 ** 3)]).toEqual(['512', '1.5Ki', '20Mi', '3.3Gi']);
    expect(formatCell(1796269141, 'timestamp')).toBe('2026-12-03T03:39:01Z');
    expect([formatCell(0.1 + 0.2, 'number'), formatCell(null, 'number')]).toEqual(['0.3', '']);
    const r = ok({ table: { columns: [{ title: 'N', type: 'number' }], rows: [{ cells: [{ value: 12, text: '12 (3m ago)' }] }] } });
    expect(r.table!.rows[0]!.cells[0]).toEqual({ value: 12, text: '12 (3m ago)' });
  });

  it('the plain-text rendition keeps the plugin\'s sort (numbers by value)', () => {
    const r = ok({ lines: ['head'], table: { columns: [{ title: 'N' }, { title: 'R', type: 'number' }], rows: [{ cells: ['a', 9] }, { cells: ['b', 10] }, { cells: ['c', null] }], sort: { column: 1, order: 'desc' } } });
    expect(plainText(r)).toEqual(['head', 'N  R', 'b  10', 'a  9', 'c  ']);
  });

  it('host_send_render takes a v2 render from a v2 plugin (checked, the reason returned) and v1 lines from a v1 one', async () => {
    const got: Array<[string[], RichRender | undefined]> = [];
    const bridge = (abi: 1 | 2): HostBridge =>
      ({ abi, paneId: 1, render: (lines: string[], rich?: RichRender) => got.push([lines, rich]), violation: () => undefined }) as unknown as HostBridge;
    const v2 = { lines: [[{ text: 'x', fg: 'red' }]] };
    expect(JSON.parse(await answerHostCall('host_send_render', enc(v2), bridge(2)))).toEqual({ ok: true, value: null });
    expect(got.pop()![1]!.lines).toEqual([[{ text: 'x', fg: 1 }]]);
    expect(JSON.parse(await answerHostCall('host_send_render', enc({ lines: [[{ text: '\u001b[31m' }]] }), bridge(2)))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^host_send_render sent an invalid v2 render: lines\[0\]\[0\]\.text: contains the control character U\+001B/),
    });
    // A v1 plugin's spans are not a render (v1 unchanged).
    expect(JSON.parse(await answerHostCall('host_send_render', enc(v2), bridge(1)))).toMatchObject({ ok: false });
    expect(JSON.parse(await answerHostCall('host_send_render', enc({ lines: ['a'] }), bridge(1)))).toEqual({ ok: true, value: null });
    expect(got.pop()).toEqual([['a'], undefined]);
  });
});
