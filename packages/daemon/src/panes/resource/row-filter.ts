import type { KubeObject } from '../../kube/types.js';
import { matches, parseSelectorText } from '../../kube/label-selector.js';
import { compileRegex } from '../../util/linear-regex.js';

/**
 * What a list's `/` filter means, as k9s reads it:
 * - `-l SELECTOR`: rows whose labels the selector selects (`-l app=web,tier in (fe,be)`);
 * - `re:PATTERN`: rows a regular expression matches (k9s's filters are regular expressions:
 *   `re:api|web`), case-insensitive, in JavaScript's syntax, run in linear time (the logs pane's
 *   engine and limits: a pattern that would backtrack for minutes is refused, saying why);
 * - `!TEXT`, `!re:PATTERN`: rows that do not contain TEXT, or that it does not match;
 * - anything else: rows containing it (case-insensitive, across the row's cells).
 */
export interface RowFilter {
  /** What identifies the filter's result: equal keys, equal rows. */
  key: string;
  /** For a plain filter: the lower-cased text rows must contain (the fast path, which narrows as it grows). */
  text: string | null;
  /** For the other kinds: whether a row is in (its search text is made only when asked for). */
  match: ((obj: KubeObject, search: () => string) => boolean) | null;
  /** Why the filter selects nothing (a label selector that does not parse, said in the footer). */
  error: string | null;
}

const LABELS = /^-l(?:\s|$)/;

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
  const invert = raw.length > 1 && raw.startsWith('!');
  const body = invert ? raw.slice(1) : raw;
  if (body.startsWith('re:')) {
    const key = `\u0000${invert ? '!' : ''}re:${body.slice(3)}`;
    const re = body.length > 3 ? compileRegex(body.slice(3), { caseInsensitive: true }) : { ok: false as const, error: 're: needs a regular expression after it' };
    if (!re.ok) return { key, text: null, match: () => false, error: re.error };
    const test = re.test;
    return { key, text: null, match: invert ? (_obj, search) => !test(search()) : (_obj, search) => test(search()), error: null };
  }
  if (invert) {
    const t = body.toLowerCase();
    return { key: `\u0000!${t}`, text: null, match: (_obj, search) => !search().includes(t), error: null };
  }
  const t = raw.toLowerCase();
  return { key: t, text: t, match: null, error: null };
}
