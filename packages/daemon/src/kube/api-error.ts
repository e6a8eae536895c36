import { oneLine } from '../util/safe-text.js';

/** An error from the API server or the way to it, with what a user needs to read. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the server was not reached. */
    readonly status: number,
    readonly reason?: string,
    /** The Status's `details.causes` messages (why a budget refused an eviction, which fields were invalid). */
    readonly causes: readonly string[] = [],
  ) {
    super(message);
  }

  /** How long the API server asked to be left alone before the next request (429/503 `Retry-After`), or null. */
  retryAfterMs: number | null = null;

  get expired(): boolean {
    return this.status === 410;
  }
}

/** A kubeconfig credential (an exec plugin) could not be had: no request was sent. */
export class CredentialError extends KubeApiError {
  constructor(message: string) {
    super(message, 0, 'CredentialUnavailable');
  }
}

/** The API server took longer than this to start answering a request (connect, TLS, headers). */
export const ANSWER_DEADLINE_MS = 10_000;

/** No answer before the deadline: the server accepted the connection (or not) and said nothing. */
export function noAnswerError(server: string, ms = ANSWER_DEADLINE_MS): KubeApiError {
  return new KubeApiError(`the API server at ${server} did not answer within ${Math.round(ms / 1000)} s`, 0, 'ETIMEDOUT');
}

/**
 * The longest Status message kept (a webhook's denial or a validation error listing fields is a few
 * hundred characters; a server's message of megabytes would be shown whole in a pane and a toast).
 */
export const MAX_STATUS_MESSAGE = 2_000;
/** A Status `reason` is a CamelCase word of the API (`NotFound`, `Conflict`): anything else is dropped. */
const REASON = /^[A-Za-z]{1,64}$/;

/** `text` cut to `max` characters, saying how much was left out. */
const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`);

/** The longest wait a `Retry-After` is taken for (a server asking for a day is asked again sooner). */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** A `Retry-After` of whole seconds (the header, or the Status's `details.retryAfterSeconds`) as milliseconds, or null. */
function retryAfter(header: string | string[] | undefined, details: unknown): number | null {
  const h = Array.isArray(header) ? header[0] : header;
  const d = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  const seconds = typeof h === 'string' && /^\s*\d{1,9}\s*$/.test(h) ? Number(h) : typeof d === 'number' && Number.isInteger(d) && d >= 0 ? d : null;
  return seconds === null ? null : Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
}

/** A Status message from the API server as shown: cut to MAX_STATUS_MESSAGE characters, saying how much was left out. */
export const statusMessage = (message: string): string => cut(message, MAX_STATUS_MESSAGE);

/**
 * Reads a Status object body into a KubeApiError; `retryAfterHeader` is the answer's `Retry-After`
 * (a 429 of API Priority and Fairness says when to come back).
 */
export function statusError(status: number, body: string, what: string, retryAfterHeader?: string | string[]): KubeApiError {
  let err: KubeApiError | null = null;
  let details: unknown;
  try {
    const s = JSON.parse(body) as { message?: unknown; reason?: unknown; code?: unknown; details?: { causes?: unknown } };
    details = s?.details;
    if (typeof s.message === 'string') {
      const causes = Array.isArray(s.details?.causes) ? s.details.causes.slice(0, 20).flatMap((c: unknown) => (typeof c === 'object' && c !== null && typeof (c as { message?: unknown }).message === 'string' ? [cut((c as { message: string }).message, 500)] : [])) : [];
      err = new KubeApiError(cut(s.message, MAX_STATUS_MESSAGE), status, typeof s.reason === 'string' && REASON.test(s.reason) ? s.reason : undefined, causes);
    }
  } catch {
    /* not a Status */
  }
  if (!err) {
    const text = body.trim().slice(0, 200);
    err = status === 401 ? new KubeApiError(`unauthorized: the credentials for ${what} were refused (expired token?)`, 401, 'Unauthorized') : new KubeApiError(`${what}: HTTP ${status}${text ? `: ${text}` : ''}`, status);
  }
  if (status === 429 || status === 503) err.retryAfterMs = retryAfter(retryAfterHeader, details);
  return err;
}

/**
 * An https:// server that answered in plain text (an HTTP port, an insecure API port): OpenSSL's
 * `write EPROTO …:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…` said
 * nothing a user could act on.
 */
const notTls = (code: string, message: string | undefined): boolean =>
  (code === 'EPROTO' || code.startsWith('ERR_SSL')) && /wrong version number|packet length too long|http request/i.test(message ?? '');

/** Turns a socket-level failure into a readable message. */
export function transportError(err: unknown, server: string): KubeApiError {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const msg =
    code === 'ECONNREFUSED'
      ? `cannot reach the API server at ${server}: connection refused`
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `cannot resolve the API server host of ${server}`
        : code === 'ETIMEDOUT'
          ? `the API server at ${server} timed out`
          : notTls(code, e?.message)
            ? `TLS error talking to ${server}: it does not answer in TLS (a plain http:// endpoint, or the wrong port?)`
            : code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
              ? `TLS error talking to ${server}: ${e.message}`
              : code.startsWith('HPE_')
                ? // Node's HTTP parser refused the answer: something else listens there (an SSH server, a database), or a proxy's headers are huge.
                  `the API server at ${server} did not answer in HTTP (${code === 'HPE_HEADER_OVERFLOW' ? 'its headers are longer than 16 KiB' : oneLine(e.message, 120)}): is the server URL in the kubeconfig (scheme, host and port) an API server's?`
                : `API server ${server}: ${e?.message ?? String(err)}`;
  return new KubeApiError(msg, 0, code || undefined);
}
