/** The config's problems at the daemon's start shown to a terminal at most (the rest are counted; all are in the log). */
const MAX_NOTICES = 5;

/**
 * What the first terminal to attach is told of the config read at the start: its problems, and when
 * it was refused, that the built-in defaults are in use until it is fixed (it is read again when saved).
 */
export function configStartNotices(file: string, r: { ok: boolean; errors: readonly string[] }): string[] {
  if (r.errors.length === 0) return [];
  const head = r.ok ? [] : [`${file} has errors: kubetile runs on the built-in defaults (your keys, plugins and views are not applied) until it is fixed; it is read again when saved`];
  const shown = r.errors.slice(0, MAX_NOTICES);
  const more = r.errors.length - shown.length;
  return [...head, ...shown, ...(more > 0 ? [`… and ${more} more problems in ${file} (kubetile rpc config/reload lists them all)`] : [])];
}
