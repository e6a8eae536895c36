import { compileRegex } from '../../util/linear-regex.js';

/** A compiled `/` filter: a test on a line's text, or the reason the query is unusable. */
export type LogFilter = { ok: true; test: (text: string) => boolean; describe: string } | { ok: false; error: string };

const MAX_QUERY = 1000;

/**
 * The logs pane's filter language: a plain query matches as a case-insensitive substring;
 * `re:PATTERN` is a regular expression in JavaScript's syntax (case-sensitive; `(?i)` makes it not),
 * run by a linear-time engine; a leading `!` keeps the lines that do not match. An unusable query is
 * a message, never an exception.
 */
export function compileFilter(query: string): LogFilter | null {
  if (query === '') return null;
  if (query.length > MAX_QUERY) return { ok: false, error: `the filter is longer than ${MAX_QUERY} characters` };
  let q = query;
  const invert = q.startsWith('!');
  if (invert) q = q.slice(1);
  let test: (text: string) => boolean;
  let describe: string;
  if (q.startsWith('re:')) {
    const src = q.slice(3);
    if (src === '') return { ok: false, error: 're: needs a regular expression after it' };
    const re = compileRegex(src);
    if (!re.ok) return re;
    test = re.test;
    describe = `/${src}/`;
  } else {
    if (q === '') return invert ? { ok: false, error: '! needs something after it' } : null;
    const needle = q.toLowerCase();
    test = (t) => t.toLowerCase().includes(needle);
    describe = JSON.stringify(q);
  }
  return invert ? { ok: true, test: (t) => !test(t), describe: `not ${describe}` } : { ok: true, test, describe };
}
