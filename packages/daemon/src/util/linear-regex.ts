import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

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
 * A filter's regular expression (`re:PATTERN`), in JavaScript's syntax, compiled for re2js: RE2's automata run in time linear in
 * the line whatever the pattern, where JavaScript's backtracking engine can take exponential time
 * (`(.*a){12}x`, `(a|a)*x`, `.*.*.*.*.*x` on one log line held the daemon's only thread for
 * minutes). RE2 also takes its own inline flags (`(?i)`). A pattern neither takes gets JavaScript's
 * message for it (the familiar one for a typo). `caseInsensitive`: as if it began with `(?i)`;
 * `multiLine`: `^` and `$` match at each line's start and end too (`(?m)`); `dotAll`: `.` matches a newline (`(?s)`).
 */
export function compileRegex(
  src: string,
  opts: { caseInsensitive?: boolean; multiLine?: boolean; dotAll?: boolean } = {},
): { ok: true; test: (text: string) => boolean } | { ok: false; error: string } {
  const bad = (why: string): { ok: false; error: string } => ({ ok: false, error: `bad regular expression /${src}/: ${why}` });
  if (NAMED_BACKREFERENCE.test(src)) return bad(LINEAR_ONLY);
  const RE2 = re2();
  try {
    const re = RE2.compile(RE2.translateRegExp(src), RE2.LOOKBEHINDS | (opts.caseInsensitive ? RE2.CASE_INSENSITIVE : 0) | (opts.multiLine ? RE2.MULTILINE : 0) | (opts.dotAll ? RE2.DOTALL : 0));
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
