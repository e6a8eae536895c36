import { describe, expect, it } from 'vitest';
import { arrivalSeq, StreamLine, type LogLine, type LogOrigin } from '../../src/kube/logs/log-line.js';
import { LogBuffer } from '../../src/panes/logs/log-buffer.js';
import { mergeStreams } from './stream-merge-model.js';

/**
 * Lines that sort before the newest ones (a pod on a node whose clock is behind, a lagging stream,
 * a new pod's history joining a workload's pane) are merged a batch at a time: the daemon keeps up
 * with them, and the buffer, its bounds and its filter are as if the streams had been merged line
 * by line (each stream in its own order, the earliest head line first).
 */

const A: LogOrigin = { pod: 'a', container: 'main' };
const B: LogOrigin = { pod: 'b', container: 'main' };

/** A line as a stream makes it (a range of a decoded chunk). */
function at(t: number, origin: LogOrigin, text = `${origin.pod} at ${t.toFixed(6)}`): LogLine {
  const sec = Math.floor(t);
  return new StreamLine(sec, Math.round((t - sec) * 1e9), arrivalSeq(), text, 0, text.length, origin, 0);
}

/** A small deterministic generator (the same cases every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('lines from a clock behind the others', () => {
  it('a full buffer takes a pod 10 s behind at thousands of lines a second (one by one it managed under 1,000)', () => {
    const b = new LogBuffer(50_000, 64 * 1024 * 1024);
    let t = 1_700_000_000;
    for (let i = 0; i < 50_000; i++) b.insert([at((t += 1e-4), A)]);
    // Both pods write 5,000 lines/s in batches of 50; b's timestamps are 10 s behind a's.
    const want = 20_000;
    const started = performance.now();
    let done = 0;
    while (done < want && performance.now() - started < 10_000) {
      const fromA: LogLine[] = [];
      const fromB: LogLine[] = [];
      for (let i = 0; i < 50; i++) {
        t += 2e-4;
        fromA.push(at(t, A));
        fromB.push(at(t - 10, B));
      }
      b.insert(fromA);
      b.insert(fromB);
      done += 100;
    }
    // Unfixed, 20,000 lines took ~50 s on a 2-core machine (each of b's moved 50,000 stored lines).
    expect(done).toBe(want);
    expect(b.size).toBe(50_000);
  }, 30_000);

  it('merged batches leave the buffer, its bound and the filtered lines as merging the streams line by line would', () => {
    const rand = rng(42);
    for (let round = 0; round < 40; round++) {
      const maxLines = 100 + Math.floor(rand() * 400);
      const b = new LogBuffer(maxLines, 1024 * 1024);
      const filterOn = round % 2 === 0;
      const test = (l: LogLine): boolean => l.text.endsWith('7') || l.text.endsWith('3');
      if (filterOn && round % 4 === 0) b.setFilter(test);
      const all: LogLine[] = [];
      // One stream per clock (a pod on its node).
      const clocks = [0, -3, -0.5, 2].map((skew, i) => ({ skew, t: 1_700_000_000, origin: { pod: `p${i}`, container: 'main' } as LogOrigin }));
      for (let step = 0; step < 60; step++) {
        // Now and then one batch holds two streams' lines (handed over together), the later stream's first.
        const streams = rand() < 0.2 ? [clocks[3]!, clocks[1]!] : [clocks[Math.floor(rand() * clocks.length)]!];
        const batch: LogLine[] = [];
        for (const c of streams) {
          // Now and then a node's clock steps back.
          if (rand() < 0.1) c.t -= rand() * 4;
          const n = 1 + Math.floor(rand() * 30);
          for (let i = 0; i < n; i++) {
            c.t += rand() * 0.05;
            batch.push(at(c.t + c.skew, c.origin, `line ${all.length + batch.length}`));
          }
        }
        b.insert(batch);
        all.push(...batch);
        if (filterOn && round % 4 === 2 && step === 30) b.setFilter(test);
      }
      const kept = mergeStreams(all).slice(-maxLines);
      const want = filterOn ? kept.filter(test) : kept;
      expect(b.size).toBe(kept.length);
      expect(b.dropped).toBe(all.length - kept.length);
      expect(b.matching().map((l) => l.text)).toEqual(want.map((l) => l.text));
      expect(b.matchEnd - b.matchBase).toBe(want.length);
    }
  });
});
