import type { IncomingHttpHeaders } from 'node:http';
import { KubeApiError, statusError } from './api-error.js';
import { formatBytes } from '../util/bytes.js';
import { oneLine } from '../util/safe-text.js';

/** The longest piece of a body or header quoted in a message. */
const QUOTED = 80;

/** Text from the server quoted in a message: one line, control characters gone, cut to QUOTED characters. */
const quoted = (text: string): string => `"${oneLine(text, QUOTED)}"`;

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * A 2xx answer that is not JSON, said with what it was: a proxy's login page (`text/html`), a body
 * compressed though no compression was asked for. "the API server sent invalid JSON" alone left a
 * user guessing between a broken cluster, a proxy and a wrong URL.
 */
export function notJsonError(what: string, status: number, headers: IncomingHttpHeaders, body: string): KubeApiError {
  const encoding = header(headers, 'content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') {
    return new KubeApiError(`${what}: the API server sent a compressed answer (content-encoding: ${quoted(encoding)}), which was not asked for`, status);
  }
  const type = header(headers, 'content-type');
  return new KubeApiError(`${what}: the API server sent invalid JSON (${type ? `${quoted(type)}, ` : ''}${formatBytes(Buffer.byteLength(body))}: ${quoted(body.trim())})`, status);
}

/** A 3xx (requests are not followed: a proxy sending to its login page, a wrong server URL): where it pointed. */
export function withRedirect(err: KubeApiError, status: number, headers: IncomingHttpHeaders): KubeApiError {
  const location = header(headers, 'location');
  if (status >= 300 && status < 400 && location) err.message += ` (redirected to ${quoted(location)}; redirects are not followed: is the server URL in the kubeconfig right?)`;
  return err;
}

/** The connection ended before the whole answer was in: said as that, with how much had come. */
export function cutShortError(what: string, server: string, received: number, headers: IncomingHttpHeaders, code: string | undefined): KubeApiError {
  const length = Number(header(headers, 'content-length'));
  const of = Number.isSafeInteger(length) && length > 0 ? ` of ${formatBytes(length)}` : '';
  return new KubeApiError(`${what}: the connection to the API server at ${server} was cut before the whole answer came (${formatBytes(received)}${of} received)`, 0, code || 'ECONNRESET');
}

/**
 * A GET answered 2xx with no object (an empty body, `null`, an array, a bare value): every object and
 * list the API serves is a JSON object. Taken as the answer, callers read it as one and failed with
 * "Cannot read properties of null (reading 'items')", naming neither the request nor the server.
 */
export function notAnObjectError(what: string, status: number, value: unknown): KubeApiError {
  const got = value === undefined ? 'an empty body' : value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return new KubeApiError(`${what}: the API server answered ${status} with ${got} instead of an object`, status, 'NotAnObject');
}

/**
 * A 2xx answer whose body is a meta/v1 Status saying "Failure" (a proxy or a broken server: the API
 * itself sends a failure with its 4xx/5xx code): the failure it says, with the Status's own code when
 * that is an error code (a NotFound stays a 404 for callers), else 500. Taken as the answer, a DELETE
 * said "deleted" and a GET showed the Status as the object. Null for anything else: only `kind: Status`
 * of `apiVersion: v1` with the string `status: "Failure"` (a custom resource named Status has its own
 * group's apiVersion, and its `status` is an object).
 */
export function failureStatusError(what: string, httpStatus: number, value: unknown, body: string): KubeApiError | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as { kind?: unknown; apiVersion?: unknown; status?: unknown; code?: unknown };
  if (v.kind !== 'Status' || v.apiVersion !== 'v1' || v.status !== 'Failure') return null;
  const code = typeof v.code === 'number' && Number.isInteger(v.code) && v.code >= 400 && v.code <= 599 ? v.code : 500;
  const err = statusError(code, body, what);
  return new KubeApiError(`${err.message} (a failure sent with HTTP ${httpStatus})`, code, err.reason, err.causes);
}
