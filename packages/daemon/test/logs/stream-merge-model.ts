import type { LogLine, LogOrigin } from '../../src/kube/logs/log-line.js';

const before = (a: LogLine, b: LogLine): boolean => (a.sec - b.sec || a.nano - b.nano || a.seq - b.seq) < 0;

/**
 * The order a logs pane shows lines in, worked out the plain way (a model for the buffer's tests):
 * each stream (origin) keeps the order its lines came in, and the streams are merged by always
 * taking, of the lines at the head of each stream, the one with the earliest timestamp (then the
 * earliest arrival). `lines` are in the order they came.
 */
export function mergeStreams(lines: readonly LogLine[]): LogLine[] {
  const queues = new Map<LogOrigin, LogLine[]>();
  for (const l of lines) {
    const q = queues.get(l.origin);
    if (q) q.push(l);
    else queues.set(l.origin, [l]);
  }
  const heads = [...queues.values()].map((q) => ({ q, i: 0 }));
  const out: LogLine[] = [];
  while (out.length < lines.length) {
    let best: { q: LogLine[]; i: number } | null = null;
    for (const h of heads) if (h.i < h.q.length && (best === null || before(h.q[h.i]!, best.q[best.i]!))) best = h;
    out.push(best!.q[best!.i++]!);
  }
  return out;
}
