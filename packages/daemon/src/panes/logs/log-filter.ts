import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

/** A compiled `/` filter: a test on a line's text, or the reason the query is unusable. */
export type LogFilter = { ok: true; test: (text: string) => boolean; describe: string } | { ok: false; error: string };

const MAX_QUERY = 1000;

let engine: typeof RE2JS | null = null;
/**
 * re2js, loaded the first time a `re:` filter is compiled (most daemons never need it: ~1 MB of
 * code kept out of the idle daemon). Its CommonJS build, so loading stays synchronous.
 */
const re2 = (): typeof RE2JS => (engine ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS);

/** `\k<name>`, not itself escaped: a named backreference (re2js's translation would make it the text `k<name>`). */
const NAMED_BACKREFERENCE = /(?:^|[^\\])(?:\\\\)*\\k</;
/**
 * The largest automaton a filter may compile to. Linear time has a factor: the states a line keeps
 * alive, up to the program's size — `[a-z]{1000}[a-z]{1000}!` took a minute per MiB of letters, a
 * full buffer a quarter of an hour of the daemon's only thread. Everyday filters take well under 150.
 */
const MAX_PROGRAM = 256;
/** Why a pattern that JavaScript takes may not be one re2js runs. */
const LINEAR_ONLY = 'lookaheads and backreferences are not supported: a filter runs in time linear in the line';

/**
 * A `re:` pattern, in JavaScript's syntax, compiled for re2js: RE2's automata run in time linear in
 * the line whatever the pattern, where JavaScript's backtracking engine can take exponential time
 * (`(.*a){12}x`, `(a|a)*x`, `.*.*.*.*.*x` on one log line held the daemon's only thread for
 * minutes). RE2 also takes its own inline flags (`(?i)`). A pattern neither takes gets JavaScript's
 * message for it (the familiar one for a typo).
 */
function compileRegex(src: string): { ok: true; test: (text: string) => boolean } | { ok: false; error: string } {
  const bad = (why: string): { ok: false; error: string } => ({ ok: false, error: `bad regular expression /${src}/: ${why}` });
  if (NAMED_BACKREFERENCE.test(src)) return bad(LINEAR_ONLY);
  const RE2 = re2();
  try {
    const re = RE2.compile(RE2.translateRegExp(src), RE2.LOOKBEHINDS);
    const size = re.programSize();
    if (size > MAX_PROGRAM) return bad(`too large for a filter (${size} instructions, at most ${MAX_PROGRAM}): write fewer or smaller repetitions`);
    return { ok: true, test: (t) => re.test(t) };
  } catch (err) {
    try {
      new RegExp(src);
    } catch (jsErr) {
      return bad((jsErr as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, ''));
    }
    const why = (err as Error).message.replace(/^error parsing regexp: /, '');
    return bad(/invalid escape sequence: `\\[1-9]|unsupported Perl syntax: `\(\?[=!]/.test(why) ? `${why} (${LINEAR_ONLY})` : why);
  }
}

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
