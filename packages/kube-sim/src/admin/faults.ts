/** Injected faults: errors, latency, RBAC denials and an expired token (checklist F2, J). */

export interface InjectedErrorSpec {
  /** Only requests with this verb (get, list, watch, create, update, patch, delete, deletecollection). */
  verb?: string;
  /** Only this resource ("pods", "deployments") or subresource ("pods/log", "pods/exec", "pods/portforward"). */
  resource?: string;
  /** Only paths containing this text. */
  path?: string;
  /** HTTP status to answer with (429, 500, 503, 504, ...). */
  status: number;
  /** How many requests to fail; default 1. Infinity or -1 for all until cleared. */
  count?: number;
  /** Fail only this fraction of matching requests (0..1); default 1. */
  probability?: number;
  message?: string;
  /** Retry-After seconds (for 429/503). */
  retryAfterSeconds?: number;
}

interface ActiveError extends InjectedErrorSpec {
  left: number;
}

export interface LatencySpec {
  ms: number;
  verb?: string;
  /** Only this resource, or `discovery` for the discovery documents (/api, /apis, …). */
  resource?: string;
}

export interface RequestFacts {
  verb: string;
  resource: string;
  subresource?: string;
  path: string;
}

function applies(rule: { verb?: string; resource?: string; path?: string }, f: RequestFacts): boolean {
  if (rule.verb && rule.verb !== f.verb) return false;
  if (rule.resource) {
    const full = f.subresource ? `${f.resource}/${f.subresource}` : f.resource;
    if (rule.resource !== f.resource && rule.resource !== full) return false;
  }
  if (rule.path && !f.path.includes(rule.path)) return false;
  return true;
}

export class Faults {
  private errors: ActiveError[] = [];
  private latency: LatencySpec[] = [];
  private readonly forbidden = new Map<string, Set<string> | 'all'>();
  tokenExpired = false;
  /** Continue tokens issued before this time are expired (admin expireContinueTokens). */
  continueNotBefore = 0;

  injectError(spec: InjectedErrorSpec): void {
    const count = spec.count === undefined ? 1 : spec.count < 0 ? Infinity : spec.count;
    this.errors.push({ ...spec, left: count });
  }

  clearErrors(): void {
    this.errors = [];
  }

  /** The injected error for this request, if any (consumes one count). */
  takeError(f: RequestFacts): InjectedErrorSpec | undefined {
    for (const e of this.errors) {
      if (e.left <= 0 || !applies(e, f)) continue;
      if (e.probability !== undefined && Math.random() >= e.probability) continue;
      e.left--;
      this.errors = this.errors.filter((x) => x.left > 0);
      return e;
    }
    return undefined;
  }

  setLatency(spec: number | LatencySpec | LatencySpec[]): void {
    if (typeof spec === 'number') this.latency = spec > 0 ? [{ ms: spec }] : [];
    else this.latency = (Array.isArray(spec) ? spec : [spec]).filter((s) => s.ms > 0);
  }

  /** Discovery documents are slowed only by a rule naming the pseudo-resource `discovery` (never by a global delay). */
  discoveryLatency(): number {
    let ms = 0;
    for (const l of this.latency) if (l.resource === 'discovery') ms = Math.max(ms, l.ms);
    return ms;
  }

  latencyFor(f: RequestFacts): number {
    let ms = 0;
    for (const l of this.latency) if (applies(l, f)) ms = Math.max(ms, l.ms);
    return ms;
  }

  /** Denies `resource` (e.g. "secrets" or "pods/log") for the given verbs, or all verbs. */
  forbid(resource: string, verbs?: string[]): void {
    this.forbidden.set(resource, verbs && verbs.length > 0 ? new Set(verbs) : 'all');
  }

  allow(resource?: string): void {
    if (resource === undefined) this.forbidden.clear();
    else this.forbidden.delete(resource);
  }

  isForbidden(f: RequestFacts): boolean {
    const keys = f.subresource ? [`${f.resource}/${f.subresource}`, f.resource] : [f.resource];
    for (const k of keys) {
      const rule = this.forbidden.get(k);
      if (rule === 'all' || (rule && rule.has(f.verb))) return true;
    }
    return false;
  }

  reset(): void {
    this.errors = [];
    this.latency = [];
    this.forbidden.clear();
    this.tokenExpired = false;
  }
}
