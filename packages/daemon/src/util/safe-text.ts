/**
 * Text that came from elsewhere (an API server, a plugin, a script) made safe to put in a message a
 * terminal will show: C0 and C1 control characters, DEL, and the bidirectional controls (which can
 * make text read in another order than it is written) never reach it as they are.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_RUNS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_ONE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One line of a message: each run of unsafe characters becomes a space, trimmed, cut to `max` characters with '…'. */
export function oneLine(text: string, max: number): string {
  const clean = text.replace(UNSAFE_RUNS, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** The text exactly, each unsafe character written as `\uXXXX` (a name or a patch a user must read as it is). */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE_ONE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
