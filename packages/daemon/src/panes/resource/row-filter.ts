import type { Style } from '@kubetile/rpc-schema';
import type { KubeObject } from '../../kube/types.js';
import { matches, parseSelectorText } from '../../kube/label-selector.js';
import { compileRegex } from '../../util/linear-regex.js';

/**
 * What a list's `/` filter means, as k9s reads it:
 * - `-l SELECTOR`: rows whose labels the selector selects (`-l app=web,tier in (fe,be)`);
 * - `re:PATTERN`: rows a regular expression matches (k9s's filters are regular expressions:
 *   `re:api|web`), case-insensitive, in JavaScript's syntax, run in linear time (the logs pane's
 *   engine and limits: a pattern that would backtrack for minutes is refused, saying why); `^` and
 *   `$` match at the start and end of each cell (`re:-1$`: a name ending in -1), `.` across cells too;
 * - `-f TEXT`: rows whose name has TEXT's letters in order (k9s's fuzzy find: `-f ngx1` finds nginx-1);
 * - `A|B`: rows containing A or B (k9s's filters are regular expressions, and alternation is the
 *   one users type; anything more needs `re:`);
 * - `!TEXT`, `!A|B`, `!re:PATTERN`: the rows the filter without `!` leaves out;
 * - anything else: rows containing it (case-insensitive, across the row's cells).
 */
export interface RowFilter {
  /** What identifies the filter's result: equal keys, equal rows. */
  key: string;
  /** For a plain filter: the lower-cased text rows must contain (the fast path, which narrows as it grows). */
  text: string | null;
  /** For the other kinds: whether a row is in (its search text is made only when asked for). */
  match: ((obj: KubeObject, search: () => string, styles: () => ReadonlyArray<Style | undefined>) => boolean) | null;
  /** Why the filter selects nothing (a label selector that does not parse, said in the footer). */
  error: string | null;
}

const LABELS = /^-l(?:\s|$)/;
const FUZZY = /^-f(?:\s|$)/;

export function compileFilter(raw: string): RowFilter {
  if (raw === '') return { key: '', text: null, match: null, error: null };
  if (LABELS.test(raw)) {
    const selector = raw.slice(2).trim();
    try {
      const sel = parseSelectorText(selector);
      return { key: `\u0000l${selector}`, text: null, match: (obj) => matches(sel, obj.metadata.labels), error: null };
    } catch (err) {
      return { key: `\u0000l${selector}`, text: null, match: () => false, error: `label selector: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  if (FUZZY.test(raw)) {
    const q = raw.slice(2).trim().toLowerCase();
    return { key: `\u0000f${q}`, text: null, match: (obj) => fuzzyMatches(obj.metadata.name, q), error: null };
  }
  const invert = raw.length > 1 && raw.startsWith('!');
  const body = invert ? raw.slice(1) : raw;
  if (body.startsWith('re:')) {
    const key = `\u0000${invert ? '!' : ''}re:${body.slice(3)}`;
    // The pattern sees the cells one a line: the search text's separators (NUL, after every cell,
    // which `$` never matched: `re:web-1$` kept no row) as newlines, the last one dropped.
    const re =
      body.length > 3 ? compileRegex(body.slice(3), { caseInsensitive: true, multiLine: true, dotAll: true }) : { ok: false as const, error: 're: needs a regular expression after it' };
    if (!re.ok) return { key, text: null, match: () => false, error: re.error };
    const test = (search: string): boolean => re.test(cellLines(search));
    return { key, text: null, match: invert ? (_obj, search) => !test(search()) : (_obj, search) => test(search()), error: null };
  }
  const t = body.toLowerCase();
  // `fred|blee`: either (k9s's everyday regex). Not the narrowing fast path: `fred` → `fred|b` shows more rows.
  const alternatives = t.includes('|') ? [...new Set(t.split('|').filter((a) => a !== ''))] : null;
  // `a|` is `a` and an empty alternative, which (as in a regex) matches every row.
  if (alternatives && t.split('|').includes('')) alternatives.push('');
  if (alternatives) {
    const any = (search: string): boolean => alternatives.some((a) => search.includes(a));
    return { key: `\u0000${invert ? '!' : ''}|${alternatives.join('|')}`, text: null, match: invert ? (_obj, search) => !any(search()) : (_obj, search) => any(search()), error: null };
  }
  if (invert) return { key: `\u0000!${t}`, text: null, match: (_obj, search) => !search().includes(t), error: null };
  // A text starting with NUL (only a script sends one) would share the key of a filter of another
  // kind (`\0lapp=web`: `-l app=web`'s), whose rows it would be shown: a key of its own.
  if (t.startsWith('\u0000')) return { key: `\u0000t${t}`, text: null, match: (_obj, search) => search().includes(t), error: null };
  return { key: t, text: t, match: null, error: null };
}

/** A row's search text (its cells, each followed by NUL) as lines, for `re:`'s `^` and `$`. */
function cellLines(search: string): string {
  const lines = search.replaceAll('\u0000', '\n');
  return lines.endsWith('\n') ? lines.slice(0, -1) : lines;
}

/** Whether `name` has the letters of `query` in order (k9s's `-f`: `ngx1` finds nginx-1), case-insensitive. */
export function fuzzyMatches(name: string, query: string): boolean {
  const n = name.toLowerCase();
  let at = 0;
  for (const ch of query) {
    at = n.indexOf(ch, at);
    if (at < 0) return false;
    at += ch.length;
  }
  return true;
}

/** A row in a faulty state: a cell styled as an error or a warning (not ready, Pending, CrashLoopBackOff, …). */
const faulty = (styles: ReadonlyArray<Style | undefined>): boolean => styles.some((st) => st === 'error' || st === 'warn');

/** Whether `uid` owns `obj` (an ownerReference to it); references that are not a list own nothing. */
function ownedByUid(obj: KubeObject, uid: string): boolean {
  const refs: unknown = obj.metadata.ownerReferences;
  return Array.isArray(refs) && refs.some((r: unknown) => typeof r === 'object' && r !== null && (r as { uid?: unknown }).uid === uid);
}

/** Of the rows `f` keeps, those `keep` also takes (`what` tells the filters apart in the key). */
function alsoKeeping(f: RowFilter, what: string, keep: (obj: KubeObject, styles: () => ReadonlyArray<Style | undefined>) => boolean): RowFilter {
  const inner = f.match;
  const text = f.text;
  return {
    // Two NULs: no typed filter's key starts so (a fuzzy one is `\0f…`: `-f aults\0x` was `\0faults\0x`, the key of ctrl+z with `x`).
    key: `\u0000\u0000${what}\u0000${f.key}`,
    text: null,
    match: (obj, search, styles) => keep(obj, styles) && (inner ? inner(obj, search, styles) : text === null || search().includes(text)),
    error: f.error,
  };
}

/**
 * k9s's fault filter (ctrl+z): of the rows `f` keeps, those in a faulty state — as their cells are
 * coloured, so what is shown red or yellow is what stays.
 */
export const faultsOnly = (f: RowFilter): RowFilter => alsoKeeping(f, 'faults', (_obj, styles) => faulty(styles()));

/**
 * Of the rows `f` keeps, those a drill-down's selector selects (`-l app=web`: enter on a Deployment),
 * whatever is typed after: `/` filters within a workload's pods, as in k9s. A selector that is not
 * one (pane/open's args are anyone's) keeps nothing and says why.
 */
export function selectedBy(f: RowFilter, drill: string): RowFilter {
  const s = LABELS.test(drill) ? compileFilter(drill) : null;
  const keep = s?.match ?? null;
  const g = alsoKeeping(f, `drill\u0000${drill}`, keep ? (obj, styles) => keep(obj, noSearch, styles) : () => false);
  const error = s === null ? 'args.drillFilter is not a label selector (-l …)' : s.error;
  return error ? { ...g, error } : g;
}

/** A label selector reads labels, never the row's text. */
const noSearch = (): string => '';

/** Of the rows `f` keeps, those `uid` owns (an ownerReference to it): a CronJob's Jobs. */
export const ownedBy = (f: RowFilter, uid: string): RowFilter => alsoKeeping(f, `owner\u0000${uid}`, (obj) => ownedByUid(obj, uid));
