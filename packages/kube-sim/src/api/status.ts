/**
 * The one place that builds metav1.Status objects (checklist F1).
 * Every error path in kube-sim throws or returns an ApiError made here.
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'ServerTimeout'
  | 'NonZeroExitCode';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string; resourceVersion?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

const REASON_CODES: Record<StatusReason, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Expired: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
  ServerTimeout: 500,
  NonZeroExitCode: 500,
};

export function codeForReason(reason: StatusReason): number {
  return REASON_CODES[reason];
}

/** A reason that fits an HTTP status code, for injected faults. */
export function reasonForCode(code: number): StatusReason {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 406: return 'NotAcceptable';
    case 409: return 'Conflict';
    case 410: return 'Expired';
    case 413: return 'RequestEntityTooLarge';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return 'InternalError';
  }
}

export function failureStatus(
  reason: StatusReason,
  message: string,
  details?: StatusDetails,
  code: number = codeForReason(reason),
  metadata: Status['metadata'] = {},
): Status {
  // Keys in the apiserver's order: …, reason, details, code.
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata, status: 'Failure', message, reason, code };
  if (details) {
    delete (s as Partial<Status>).code;
    s.details = details;
    s.code = code;
  }
  return s;
}

export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return s;
}

/** An error that carries the Status to send back. */
export class ApiError extends Error {
  readonly status: Status;
  readonly headers: Record<string, string>;
  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? 'error');
    this.status = status;
    this.headers = headers;
  }
  get code(): number {
    return this.status.code;
  }
}

export function apiError(reason: StatusReason, message: string, details?: StatusDetails): ApiError {
  return new ApiError(failureStatus(reason, message, details));
}

export function notFound(resource: string, name: string, group = ''): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return apiError('NotFound', `${qualified} "${name}" not found`, { name, ...detailsFor(resource, group) });
}

export function alreadyExists(resource: string, name: string, group = ''): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return apiError('AlreadyExists', `${qualified} "${name}" already exists`, { name, ...detailsFor(resource, group) });
}

export function conflict(resource: string, name: string, group = ''): ApiError {
  return conflictBecause(resource, name, group, 'the object has been modified; please apply your changes to the latest version and try again');
}

export function badRequest(message: string): ApiError {
  return apiError('BadRequest', message);
}

/**
 * 422 Invalid (errors.NewInvalid): `kind` is the Kind (e.g. "ConfigMap", "ListOptions"), the
 * name is left out of details when empty.
 */
export function invalid(kind: string, name: string, causes: StatusCause[], group = ''): ApiError {
  const qualified = group ? `${kind}.${group}` : kind;
  const list = causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`).join(', ');
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  details.kind = kind;
  details.causes = causes;
  return apiError('Invalid', `${qualified} "${name}" is invalid: ${causes.length > 1 ? `[${list}]` : list}`, details);
}

/** An invalid ListOptions query (group meta.k8s.io, as the apiserver names it). */
export function invalidListOptions(causes: StatusCause[]): ApiError {
  return invalid('ListOptions', '', causes, 'meta.k8s.io');
}

/** 403 as the authorizer words it; `name` when the request named an object. */
export function forbidden(user: string, verb: string, resource: string, group: string, namespace: string | undefined, name?: string): ApiError {
  const where = namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope';
  const details = detailsFor(resource, group, name);
  const qualified = `${resource}${group ? `.${group}` : ''}`;
  return apiError(
    'Forbidden',
    `${qualified}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}"${where}`,
    details,
  );
}

/** Forbidden for another reason than RBAC (errors.NewForbidden with the reason text). */
export function forbiddenBecause(resource: string, group: string, name: string, reason: string): ApiError {
  const qualified = `${resource}${group ? `.${group}` : ''}`;
  return apiError('Forbidden', `${qualified} "${name}" is forbidden: ${reason}`, detailsFor(resource, group, name));
}

/** A Conflict for a failed precondition (errors.NewConflict with the reason text). */
export function conflictBecause(resource: string, name: string, group: string, reason: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return apiError('Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": ${reason}`, detailsFor(resource, group, name));
}

/** 404 for a path nothing is served at: empty details, as NewGenericServerResponse gives. */
export function pathNotFound(): ApiError {
  return apiError('NotFound', 'the server could not find the requested resource', {});
}

/** 405, as the apiserver answers a verb a resource does not support: empty details. */
export function methodNotAllowed(): ApiError {
  return apiError('MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** {name, group, kind} in the apiserver's key order, leaving out what is empty. */
export function detailsFor(resource: string, group: string, name?: string): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (group) d.group = group;
  d.kind = resource;
  return d;
}

export function unauthorized(): ApiError {
  return apiError('Unauthorized', 'Unauthorized');
}

export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function continueExpired(inconsistentToken: string): ApiError {
  return new ApiError(failureStatus('Expired', CONTINUE_EXPIRED_MESSAGE, undefined, 410, { continue: inconsistentToken }));
}

export function tooOldResourceVersion(requested: number, oldest: number): Status {
  return failureStatus('Expired', `too old resource version: ${requested} (${oldest})`, undefined, 410);
}

export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(
    failureStatus('Timeout', `Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }, 504),
    { 'Retry-After': '1' },
  );
}
