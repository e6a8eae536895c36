import type { Line, Span, Style } from '@kubetile/rpc-schema';
import { formatTimeMs, type LogLine, type LogOrigin } from '../../kube/logs/log-line.js';

/** Prefix colours, in order of first appearance (the client maps them to its theme). */
const PALETTE: readonly Style[] = ['accent', 'ok', 'warn', 'match', 'header'];

export interface RenderOptions {
  /** Show `[pod/container]` (several containers or pods in one pane). */
  prefix: boolean;
  /** The prefix names the pod too (workload logs), not only the container. */
  podInPrefix: boolean;
  timestamps: boolean;
}

/** Labels and colours per (pod, container), stable for the pane's life. */
export class OriginLabels {
  private readonly byKey = new Map<string, { label: string; style: Style }>();

  of(o: LogOrigin, podInPrefix: boolean): { label: string; style: Style } {
    const key = `${o.pod}/${o.container}`;
    let e = this.byKey.get(key);
    if (!e) {
      e = { label: '', style: PALETTE[this.byKey.size % PALETTE.length]! };
      this.byKey.set(key, e);
    }
    e.label = podInPrefix ? (o.container ? `${o.pod}/${o.container}` : o.pod) : o.container || o.pod;
    return e;
  }
}

const cutNote = (cut: number): string => ` …[+${cut} bytes cut]`;

/** A line as spans: prefix, timestamp, text, a note on a cut line. */
export function lineSpans(l: LogLine, labels: OriginLabels, o: RenderOptions): Span[] {
  const spans: Span[] = [];
  if (o.prefix) {
    const { label, style } = labels.of(l.origin, o.podInPrefix);
    spans.push({ text: `[${label}] `, style });
  }
  if (o.timestamps) spans.push({ text: `${formatTimeMs(l.sec, l.nano)} `, style: 'dim' });
  spans.push(l.marker ? { text: l.text, style: l.marker === 'info' ? 'dim' : l.marker } : { text: l.text });
  if (l.cut > 0) spans.push({ text: cutNote(l.cut), style: 'dim' });
  return spans;
}

/** The same line as plain text (saving, filtering on the prefix). */
export function lineText(l: LogLine, labels: OriginLabels, o: RenderOptions): string {
  let s = '';
  if (o.prefix) s += `[${labels.of(l.origin, o.podInPrefix).label}] `;
  if (o.timestamps) s += `${formatTimeMs(l.sec, l.nano)} `;
  s += l.text;
  if (l.cut > 0) s += cutNote(l.cut);
  return s;
}

export const spansLength = (spans: readonly Span[]): number => spans.reduce((n, s) => n + s.text.length, 0);

/** The columns `[from, from+width)` of a line made of spans. */
export function sliceSpans(spans: readonly Span[], from: number, width: number): Line {
  const out: Span[] = [];
  let pos = 0;
  for (const s of spans) {
    const start = pos;
    const end = pos + s.text.length;
    pos = end;
    const a = Math.max(start, from);
    const b = Math.min(end, from + width);
    if (b > a) out.push(s.style ? { text: s.text.slice(a - start, b - start), style: s.style } : { text: s.text.slice(a - start, b - start) });
  }
  return { text: out.map((s) => s.text).join(''), spans: out };
}
