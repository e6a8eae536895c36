import { isRecord } from '../../util/is-record.js';
/**
 * The JSONPath subset CRD `additionalPrinterColumns` use (the API server accepts only "simple" paths):
 * `.a.b`, `.a[0]`, `.a[*].b`, `.a['dotted.key']`, and filters `.a[?(@.type=="Ready")].status`.
 * Evaluation never throws: an unparseable path selects nothing.
 */

type Step = { key: string } | { index: number } | { all: true } | { filter: { path: string[]; value: string } };

const STEP = /\.([A-Za-z0-9_-]+)|\[(-?\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.-]+)\s*==\s*(?:"([^"]*)"|'([^']*)')\)\]|\['([^']+)'\]|\["([^"]+)"\]/y;
const MAX_PATH = 512;
const cache = new Map<string, Step[] | null>();

export function parseJsonPath(expr: string): Step[] | null {
  const hit = cache.get(expr);
  if (hit !== undefined) return hit;
  let s = expr.trim();
  let steps: Step[] | null = [];
  if (s.length > MAX_PATH) steps = null;
  else {
    if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
    if (s.startsWith('$')) s = s.slice(1);
    let pos = 0;
    while (pos < s.length) {
      STEP.lastIndex = pos;
      const m = STEP.exec(s);
      if (!m) {
        steps = null;
        break;
      }
      if (m[1] !== undefined) steps.push({ key: m[1] });
      else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
      else if (m[3] !== undefined) steps.push({ filter: { path: m[3].split('.'), value: m[4] ?? m[5] ?? '' } });
      else if (m[6] !== undefined || m[7] !== undefined) steps.push({ key: (m[6] ?? m[7])! });
      else steps.push({ all: true });
      pos = STEP.lastIndex;
    }
  }
  if (cache.size > 1000) cache.clear();
  cache.set(expr, steps);
  return steps;
}

function get(v: unknown, path: string[]): unknown {
  let cur = v;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}

/** Every value the path selects in `obj` (at most 1,000). */
export function evaluateJsonPath(obj: unknown, expr: string): unknown[] {
  const steps = parseJsonPath(expr);
  if (!steps) return [];
  let cur: unknown[] = [obj];
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ('key' in st) {
        if (isRecord(v) && Object.hasOwn(v, st.key) && v[st.key] !== undefined) next.push(v[st.key]);
      } else if ('index' in st) {
        if (Array.isArray(v)) {
          const i = st.index < 0 ? v.length + st.index : st.index;
          if (v[i] !== undefined) next.push(v[i]);
        }
      } else if ('all' in st) {
        if (Array.isArray(v)) next.push(...v);
        else if (isRecord(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          const x = get(item, st.filter.path);
          if ((typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') && String(x) === st.filter.value) next.push(item);
        }
      }
      if (next.length > 1000) break;
    }
    cur = next;
  }
  return cur;
}
