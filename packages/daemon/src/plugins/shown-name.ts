import { escapeUnsafe } from '../util/safe-text.js';

const NAME_MAX_CHARS = 80;

/**
 * A name from a plugin module (an import's, a manifest's permission) as an error shows it: control
 * characters, DEL, C1 and bidirectional controls escaped (the error reaches terminals: `kubetile
 * plugins`, panes, logs), cut to `max` characters with its length.
 */
export function shownName(name: string, max = NAME_MAX_CHARS): string {
  const safe = escapeUnsafe(name);
  return safe.length > max ? `${safe.slice(0, max)}…(${name.length} characters)` : safe;
}
