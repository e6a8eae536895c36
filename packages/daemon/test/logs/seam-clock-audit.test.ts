import { describe, expect, it } from 'vitest';
import { SeamFilter, SeamTracker } from '../../src/kube/logs/seam-filter.js';

/**
 * A resume re-reads from the last line's second. In a log whose timestamps went back (a node's
 * clock stepped back), that re-read starts with the lines from before the step, newer than the
 * last line: they were taken as new, and every one of them was delivered again.
 */
describe('the seam of a log whose timestamps went back', () => {
  it('drops what was seen (before the step and after it), then takes what follows the last line seen', () => {
    const t = new SeamTracker();
    const seen: Array<[number, number]> = [
      [5000, 1],
      [5000, 2],
      [5001, 0],
      // The clock steps back an hour.
      [1400, 0],
      [1401, 7],
    ];
    t.seeAll(seen.slice(0, 3).map(([sec, nano]) => ({ sec, nano })));
    for (const [s, n] of seen.slice(3)) t.see(s, n);
    expect(t.mark).toEqual({ sec: 1401, nano: 7, count: 1 });
    expect(t.newest).toEqual({ sec: 5001, nano: 0 });
    const f = new SeamFilter(t.mark!, t.newest!);
    // The server re-reads everything from second 1401 on, in the log's order: the old lines, then the mark, then new ones.
    const again = [...seen.slice(0, 3), [1401, 7], [1402, 0], [1402, 0], [5000, 1]] as const;
    expect(again.map(([s, n]) => f.accept(s, n))).toEqual([false, false, false, false, true, true, true]);
  });

  it('a line newer than all seen is new even when the last line never comes again (a rotated log)', () => {
    const f = new SeamFilter({ sec: 1401, nano: 7, count: 1 }, { sec: 5001, nano: 0 });
    expect([f.accept(5000, 1), f.accept(5001, 0), f.accept(5002, 0), f.accept(1, 0)]).toEqual([false, false, true, true]);
  });

  it('a log in order: as before (the lines before the mark and the mark itself dropped, then all)', () => {
    const f = new SeamFilter({ sec: 10, nano: 5, count: 2 }, { sec: 10, nano: 5 });
    expect([f.accept(9, 0), f.accept(10, 5), f.accept(10, 5), f.accept(10, 5), f.accept(10, 1)]).toEqual([false, false, false, true, true]);
  });
});
