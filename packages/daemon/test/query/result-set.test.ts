import { describe, expect, it } from 'vitest';
import { cutNotice, MAX_NOTICE_CHARS, MAX_NOTICES, NoticeLog, ResultSet } from '../../src/query/result-set.js';

describe('NoticeLog: the notices of one run, bounded as they arrive', () => {
  it('keeps a short notice whole and cuts a long one to MAX_NOTICE_CHARS, saying how long it was', () => {
    expect(cutNotice('hello')).toBe('hello');
    const cut = cutNotice('x'.repeat(1_000_000));
    expect(cut).toBe(`${'x'.repeat(MAX_NOTICE_CHARS)}… (cut: the notice had 1,000,000 characters; the first 4,096 are kept)`);
  });

  it('never cuts between the halves of a surrogate pair', () => {
    const s = `${'a'.repeat(MAX_NOTICE_CHARS - 1)}😀${'b'.repeat(10)}`;
    expect(cutNotice(s).startsWith(`${'a'.repeat(MAX_NOTICE_CHARS - 1)}…`)).toBe(true);
  });

  it('keeps at most MAX_NOTICES and counts the others', () => {
    const log = new NoticeLog(32 * 1024 * 1024);
    for (let i = 0; i < MAX_NOTICES + 7; i++) log.add('NOTICE', `n${i}`);
    expect(log.kept).toHaveLength(MAX_NOTICES);
    expect(log.kept[0]).toBe('NOTICE: n0');
    expect(log.dropped).toBe(7);
  });

  it('counts notices against the byte budget, which the rows then share', () => {
    const log = new NoticeLog(64 * 1024);
    for (let i = 0; i < 30; i++) log.add('NOTICE', 'y'.repeat(10_000));
    expect(log.kept.length).toBe(7); // each ~4.2 K characters, 2 bytes each
    expect(log.bytes).toBeLessThanOrEqual(64 * 1024);
    const r = new ResultSet([ResultSet.column('v', 25, 'text')]);
    r.addNotices(log);
    expect(r.notices.at(-1)).toBe('… 23 more notices not kept (at most 50, within [query] max_result_bytes)');
    expect(r.bytes).toBeGreaterThan(log.bytes);
    // Rows fit only in what the notices left.
    const kept = r.add(Array.from({ length: 100 }, () => ['z'.repeat(100)]), 64 * 1024);
    expect(kept).toBeLessThan(100);
    expect(r.truncated).toMatch(/^stopped after \d+ rows/);
  });
});
