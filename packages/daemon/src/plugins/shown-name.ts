const NAME_MAX_CHARS = 80;

/**
 * A name from a plugin module (an import's, a manifest's permission) as an error shows it: control
 * characters, DEL, C1 and bidirectional controls escaped (the error reaches terminals: `kubetile
 * plugins`, panes, logs), cut to `max` characters with its length.
 */
export function shownName(name: string, max = NAME_MAX_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const safe = name.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length > max ? `${safe.slice(0, max)}…(${name.length} characters)` : safe;
}
