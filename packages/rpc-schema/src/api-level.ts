/**
 * The RPC API level this build speaks (the newest). Bumped only for incompatible contract changes;
 * docs/rpc.md ("Evolving the API") says what may change within a level and what needs a new one.
 */
export const API_LEVEL = 1;
/** Oldest API level this build still speaks (as a daemon to its clients, as a client to a daemon). */
export const MIN_API_LEVEL = 1;
export const PRODUCT_NAME = 'kubetile';
export const PRODUCT_VERSION = '0.1.0';
/** Largest JSON-RPC message body accepted on the socket, in bytes. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/**
 * The longest text one `client/paste` carries, in UTF-16 units: 512 Ki, so even a paste of control
 * characters only (six bytes each as JSON, `\u001b`) fits in one message.
 */
export const MAX_PASTE_CHARS = 512 * 1024;
/**
 * The longest text `editor/open` and `editor/done` carry (an object's YAML), in UTF-16 units: 640 Ki,
 * so even text of control characters only (six bytes each as JSON) fits in one message. The API
 * server keeps objects under ~1.5 MB; a bigger YAML is refused before the editor opens.
 */
export const MAX_EDIT_CHARS = 640 * 1024;

/** The API levels one side speaks, oldest to newest. */
export interface ApiRange {
  min: number;
  max: number;
}

export type Negotiated =
  | { ok: true; level: number }
  /** No level in common: `clientNewer` when everything the client speaks is newer than the daemon. */
  | { ok: false; clientNewer: boolean };

/** The level a connection speaks: the newest both sides know, if they share one. */
export function negotiateApiLevel(client: ApiRange, daemon: ApiRange): Negotiated {
  const level = Math.min(client.max, daemon.max);
  if (level >= Math.max(client.min, daemon.min) && client.min <= client.max) return { ok: true, level };
  return { ok: false, clientNewer: client.min > daemon.max };
}

export const formatApiRange = (r: ApiRange): string => (r.min === r.max ? `API level ${r.max}` : `API levels ${r.min}..${r.max}`);

/** Versions and levels of both sides, for the message when they share no API level. */
export interface ApiMismatch {
  client: { name: string; version: string; range: ApiRange };
  daemon: { version: string; pid: number | null; range: ApiRange };
}

/**
 * One message, the same from the daemon and the client: both versions, and what to do. A client
 * newer than the daemon restarts the daemon (`kubetile daemon restart` runs this client's daemon;
 * sessions come back); an older one upgrades, or restarts the daemon at its own version.
 */
export function apiMismatchMessage(m: ApiMismatch): string {
  const clientNewer = m.client.range.min > m.daemon.range.max;
  const who = `${m.client.name} ${m.client.version} (${formatApiRange(m.client.range)})`;
  const daemon = `the daemon is kubetile ${m.daemon.version} (${formatApiRange(m.daemon.range)}${m.daemon.pid !== null ? `, pid ${m.daemon.pid}` : ''})`;
  const advice = clientNewer
    ? `the daemon is older: restart it with this version with 'kubetile daemon restart' (sessions and port-forwards come back)`
    : `this client is older: use kubetile ${m.daemon.version} (upgrade this install), or run this version's daemon with 'kubetile daemon restart'`;
  return `${who} and ${daemon} share no API level; ${advice}`;
}
