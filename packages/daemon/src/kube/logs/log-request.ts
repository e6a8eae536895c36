import { KubeApiError } from '../api-error.js';
import { badObjectName } from '../object-ref.js';
import { badNamespace } from '../resource-ref.js';

/** How much of a log to read before following: the last n lines, the last s seconds, or all of it. */
export type LogHistory = { tail: number } | { sinceSeconds: number } | { all: true };

/** One container's log: the stream key (context, namespace, pod, container, previous). */
export interface LogTarget {
  context: string;
  namespace: string;
  pod: string;
  /** '' lets the API server choose (a pod with one container). */
  container: string;
  previous: boolean;
}

/** A DNS-1123 label: what container names are. */
const CONTAINER = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function badContainer(name: unknown, field = 'container'): string | null {
  return typeof name === 'string' && name.length <= 63 && CONTAINER.test(name) ? null : `${field} ${JSON.stringify(typeof name === 'string' ? name.slice(0, 80) : name)} is not a container name`;
}

/** Why a target cannot be put in a request path, or null. */
export function badTarget(t: LogTarget): string | null {
  return badNamespace(t.namespace) ?? badObjectName(t.pod, 'pod') ?? (t.container === '' ? null : badContainer(t.container));
}

export const targetKey = (t: LogTarget): string => `${t.context}\0${t.namespace}\0${t.pod}\0${t.container}\0${t.previous ? 1 : 0}`;

export function logPath(t: LogTarget): string {
  const bad = badTarget(t);
  if (bad) throw new KubeApiError(`refusing to build a request: ${bad}`, 0, 'Invalid');
  return `/api/v1/namespaces/${t.namespace}/pods/${t.pod}/log`;
}

export function podPath(t: Pick<LogTarget, 'namespace' | 'pod'>): string {
  const bad = badNamespace(t.namespace) ?? badObjectName(t.pod, 'pod');
  if (bad) throw new KubeApiError(`refusing to build a request: ${bad}`, 0, 'Invalid');
  return `/api/v1/namespaces/${t.namespace}/pods/${t.pod}`;
}

/** Where a read starts: a history, or a resume at a second (RFC 3339, `sinceTime`). */
export type ReadStart = { history: LogHistory } | { sinceTime: string };

export function logQuery(t: LogTarget, start: ReadStart, follow: boolean): Record<string, string | number | boolean | undefined> {
  const q: Record<string, string | number | boolean | undefined> = { timestamps: true };
  if (t.container) q.container = t.container;
  if (follow) q.follow = true;
  if (t.previous) q.previous = true;
  if ('sinceTime' in start) q.sinceTime = start.sinceTime;
  else if ('tail' in start.history) q.tailLines = start.history.tail;
  else if ('sinceSeconds' in start.history) q.sinceSeconds = start.history.sinceSeconds;
  return q;
}

/** What to do about a failed log request. */
export type Failure =
  | { kind: 'retry'; message: string }
  /** The container has not started yet: try again later. */
  | { kind: 'waiting'; message: string }
  | { kind: 'fatal'; message: string };

/** Sorts an API error into retry (network, 5xx, 429, 401), waiting (container not started) or fatal (404, 403, 400…). */
export function classify(err: unknown): Failure {
  const e = err instanceof KubeApiError ? err : null;
  const message = err instanceof Error ? err.message : String(err);
  if (!e || e.status === 0) return e?.reason === 'Invalid' || e?.reason === 'CredentialUnavailable' ? { kind: 'fatal', message } : { kind: 'retry', message };
  if (e.status === 400 && /waiting to start|ContainerCreating|PodInitializing/i.test(message)) return { kind: 'waiting', message };
  if (e.status >= 500 || e.status === 429 || e.status === 401 || e.status === 408) return { kind: 'retry', message };
  return { kind: 'fatal', message };
}
