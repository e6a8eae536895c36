/**
 * The small JSONPath subset CRD additionalPrinterColumns use: `.a.b`, `.a[0].b`, `.a[*].b` and
 * `.a[?(@.type=="Ready")].status`.
 */
import { isRecord } from '../types.js';

type Step = { key: string } | { index: number } | { all: true } | { filter: { path: string[]; value: string } };

function parse(expr: string): Step[] | undefined {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_\-]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.\-]+)\s*==\s*["']([^"']*)["']\)\]|\['([^']+)'\]/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filter: { path: m[3].split('.'), value: m[4] ?? '' } });
    else if (m[5] !== undefined) steps.push({ key: m[5] });
    else steps.push({ all: true });
    pos = re.lastIndex;
  }
  return steps;
}

function get(v: unknown, path: string[]): unknown {
  let cur = v;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

/** All values the path selects. */
export function evaluateJsonPath(obj: unknown, expr: string): unknown[] {
  const steps = parse(expr);
  if (!steps) return [];
  let cur: unknown[] = [obj];
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('key' in st) {
        if (isRecord(v) && v[st.key] !== undefined) next.push(v[st.key]);
      } else if ('index' in st) {
        if (Array.isArray(v) && v[st.index] !== undefined) next.push(v[st.index]);
      } else if ('all' in st) {
        if (Array.isArray(v)) next.push(...v);
        else if (isRecord(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) if (String(get(item, st.filter.path)) === st.filter.value) next.push(item);
      }
    }
    cur = next;
  }
  return cur;
}
