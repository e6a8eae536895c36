/** A compiled `/` filter: a test on a line's text, or the reason the query is unusable. */
export type LogFilter = { ok: true; test: (text: string) => boolean; describe: string } | { ok: false; error: string };

const MAX_QUERY = 1000;

/**
 * Nested quantifiers (`(a+)+`, `(\w*)*`, `(x+){2,}`) can take exponential time on a line that
 * almost matches, and the daemon runs filters on its one thread: such patterns are refused.
 */
function nestedQuantifier(src: string): boolean {
  const stack: boolean[] = [];
  let quantifiedInside = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // Skip a character class.
      i++;
      while (i < src.length && src[i] !== ']') {
        if (src[i] === '\\') i++;
        i++;
      }
      continue;
    }
    if (c === '(') {
      stack.push(quantifiedInside);
      quantifiedInside = false;
      continue;
    }
    const next = src[i + 1];
    const quantNext = next === '*' || next === '+' || (next === '{' && /^\{\d*,\d*\}/.test(src.slice(i + 1)));
    if (c === ')') {
      const inner = quantifiedInside;
      quantifiedInside = stack.pop() ?? false;
      if (inner && quantNext) return true;
      if (inner || quantNext) quantifiedInside = true;
      continue;
    }
    if (c === '*' || c === '+' || c === '{') quantifiedInside = true;
  }
  return false;
}

/**
 * The logs pane's filter language: a plain query matches as a case-insensitive substring;
 * `re:PATTERN` is a JavaScript regular expression (case-sensitive); a leading `!` keeps the lines
 * that do not match. An unusable query is a message, never an exception.
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
    if (nestedQuantifier(src)) return { ok: false, error: `bad regular expression /${src}/: nested quantifiers (like (a+)+) can take exponential time; write it without them` };
    let re: RegExp;
    try {
      re = new RegExp(src);
    } catch (err) {
      return { ok: false, error: `bad regular expression /${src}/: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}` };
    }
    test = (t) => re.test(t);
    describe = `/${src}/`;
  } else {
    if (q === '') return invert ? { ok: false, error: '! needs something after it' } : null;
    const needle = q.toLowerCase();
    test = (t) => t.toLowerCase().includes(needle);
    describe = JSON.stringify(q);
  }
  return invert ? { ok: true, test: (t) => !test(t), describe: `not ${describe}` } : { ok: true, test, describe };
}
