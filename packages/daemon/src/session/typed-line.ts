/** The most a typed line holds (a filter, an input, a selector's narrowing text), in UTF-16 units. */
export const MAX_TYPED = 1000;

/**
 * `text` typed at the end of `line`, kept to MAX_TYPED (whole characters only). `full`: the line was
 * full already (nothing changes: a burst of keys past the limit costs nothing); `filled`: this text
 * filled it (the caller says so, once). Without a limit, a 5 MB paste in a terminal without bracketed
 * paste re-filtered the list five million times with an ever longer query.
 */
export function appendTyped(line: string, text: string): { line: string; full: boolean; filled: boolean } {
  if (line.length >= MAX_TYPED) return { line, full: true, filled: false };
  let out = line + text;
  if (out.length > MAX_TYPED) {
    out = line;
    for (const ch of text) {
      if (out.length + ch.length > MAX_TYPED) break;
      out += ch;
    }
  }
  const dropped = out.length < line.length + text.length;
  return { line: out, full: false, filled: dropped || out.length >= MAX_TYPED };
}

/** The toast when a line is full. */
export const typedLimitMessage = (what: string): string => `${what} is full (at most ${MAX_TYPED} characters): more is not taken`;
