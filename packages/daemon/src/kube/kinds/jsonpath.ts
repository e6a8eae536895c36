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

/** The most values one step keeps: `[*]` over an object's 300,000-element array selects its first ones. */
const MAX_VALUES = 1000;

/** Every value the path selects in `obj` (at most 1,000, the first ones in order). */
export function evaluateJsonPath(obj: unknown, expr: string): unknown[] {
  const steps = parseJsonPath(expr);
  if (!steps) return [];
  let cur: unknown[] = [obj];
  for (const st of steps) {
    const next: unknown[] = [];
    // Values are taken one at a time up to the cap: `push(...array)` of a 300k-element array overflowed the
    // stack (the cell showed `?`), and copied the whole array for every cell of every row.
    const take = (x: unknown): boolean => {
      next.push(x);
      return next.length < MAX_VALUES;
    };
    for (const v of cur) {
      let more = true;
      if ('key' in st) {
        if (isRecord(v) && Object.hasOwn(v, st.key) && v[st.key] !== undefined) more = take(v[st.key]);
      } else if ('index' in st) {
        if (Array.isArray(v)) {
          const i = st.index < 0 ? v.length + st.index : st.index;
          if (v[i] !== undefined) more = take(v[i]);
        }
      } else if ('all' in st) {
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length && more; i++) more = take(v[i]);
        } else if (isRecord(v)) {
          for (const k in v) {
            if (!Object.hasOwn(v, k)) continue;
            more = take(v[k]);
            if (!more) break;
          }
        }
      } else if (Array.isArray(v)) {
        for (let i = 0; i < v.length && more; i++) {
          const item: unknown = v[i];
          const x = get(item, st.filter.path);
          if ((typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') && String(x) === st.filter.value) more = take(item);
        }
      }
      if (!more) break;
    }
    cur = next;
  }
  return cur;
}
