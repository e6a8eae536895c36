import { parseAge } from './age.js';
import type { SortKind } from './types.js';

/**
 * Made on first use: a Collator pages in ~2 MiB of ICU's collation data (the daemon's RSS), and the
 * lists sort by their own keys (panes/resource/sort-keys.ts); compareCells is the definition they
 * are tested against.
 */
let made: Intl.Collator | null = null;
const collator = (): Intl.Collator => (made ??= new Intl.Collator('en', { sensitivity: 'base', numeric: true }));

/** Cells that carry no value: they sort after every real value. */
export function isBlankCell(text: string): boolean {
  const t = text.trim();
  return t === '' || (t.startsWith('<') && t.endsWith('>'));
}

function leadingNumber(text: string): number | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function ratio(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function keyed<T>(a: string, b: string, parse: (s: string) => T | undefined, cmp: (x: T, y: T) => number): number {
  const x = parse(a);
  const y = parse(b);
  if (x === undefined && y === undefined) return collator().compare(a, b);
  if (x === undefined) return 1;
  if (y === undefined) return -1;
  return cmp(x, y);
}

function compareAsc(kind: SortKind, a: string, b: string): number {
  switch (kind) {
    case 'age':
      return keyed(a, b, parseAge, (x, y) => x - y);
    case 'number':
      return keyed(a, b, leadingNumber, (x, y) => x - y) || collator().compare(a, b);
    case 'ratio':
      return keyed(a, b, ratio, (x, y) => x[0] - y[0] || x[1] - y[1]) || collator().compare(a, b);
    case 'text':
    default:
      return collator().compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
  }
}

/**
 * Orders two cells of a column: ages as durations (`5m` < `2h` < `3d`), numbers numerically (`5 (3m ago)` reads 5),
 * ratios by numerator then denominator, text case-insensitively with natural numbers (`pod-2` < `pod-10`).
 * Blank cells (`''`, `<none>`, `<unknown>`…) sort last — in both orders when `order` is given.
 */
export function compareCells(kind: SortKind, a: string, b: string, order: 'asc' | 'desc' = 'asc'): number {
  const blankA = isBlankCell(a);
  const blankB = isBlankCell(b);
  if (blankA || blankB) {
    if (blankA && blankB) return collator().compare(a, b);
    return blankA ? 1 : -1;
  }
  const r = compareAsc(kind, a, b);
  return order === 'desc' ? -r : r;
}
