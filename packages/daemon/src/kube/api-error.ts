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

/** Reads a Status object body into a KubeApiError. */
export function statusError(status: number, body: string, what: string): KubeApiError {
  try {
    const s = JSON.parse(body) as { message?: unknown; reason?: unknown; code?: unknown; details?: { causes?: unknown } };
    if (typeof s.message === 'string') {
      const causes = Array.isArray(s.details?.causes) ? s.details.causes.slice(0, 20).flatMap((c: unknown) => (typeof c === 'object' && c !== null && typeof (c as { message?: unknown }).message === 'string' ? [cut((c as { message: string }).message, 500)] : [])) : [];
      return new KubeApiError(cut(s.message, MAX_STATUS_MESSAGE), status, typeof s.reason === 'string' && REASON.test(s.reason) ? s.reason : undefined, causes);
    }
  } catch {
    /* not a Status */
  }
  const text = body.trim().slice(0, 200);
  if (status === 401) return new KubeApiError(`unauthorized: the credentials for ${what} were refused (expired token?)`, 401, 'Unauthorized');
  return new KubeApiError(`${what}: HTTP ${status}${text ? `: ${text}` : ''}`, status);
}

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
          : code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
            ? `TLS error talking to ${server}: ${e.message}`
            : `API server ${server}: ${e?.message ?? String(err)}`;
  return new KubeApiError(msg, 0, code || undefined);
}
