import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError } from './api-error.js';
import { MAX_GROUP_DOC_BYTES } from './discovery.js';
import { kubeRequest } from './kube-http.js';
import { apiVersionOf, invalidRef, type ResourceRef } from './resource-ref.js';
import { isRecord } from '../util/is-record.js';

interface Served {
  namespaced: boolean;
  verbs: string[];
}

interface Doc {
  at: number;
  /** Resources by plural; null when the API server does not serve the group version (404). */
  resources: Map<string, Served> | null;
}

/** A served group version is trusted this long; a missing resource in it is looked up again sooner (a CRD just created). */
const DOC_TTL_MS = 5 * 60_000;
const RECHECK_MS = 10_000;
/** A document this young is not read again even when asked for a fresh one. */
const FRESH_MS = 1000;

/**
 * Checks, before anything is listed, that the API server serves a resource (its group version's
 * APIResourceList, one request per group version, cached) and that it can be listed and watched.
 * Nothing but discovery is requested for a resource the server does not serve.
 */
export class DiscoveryCheck {
  private readonly docs = new Map<string, Doc>();
  private readonly inflight = new Map<string, Promise<Doc>>();

  constructor(private readonly kc: KubeConfig) {}

  /** `fresh`: the collection was just not found (a CRD deleted): a document older than a second is read again. */
  async verify(ref: ResourceRef, fresh = false): Promise<void> {
    const bad = invalidRef(ref);
    if (bad) throw new KubeApiError(`refusing to list: ${bad}`, 0, 'Invalid');
    const gv = apiVersionOf(ref);
    const had = this.docs.get(gv);
    let doc = await this.doc(gv, fresh && had !== undefined && Date.now() - had.at > FRESH_MS);
    if (doc.resources && !doc.resources.has(ref.plural) && Date.now() - doc.at > RECHECK_MS) doc = await this.doc(gv, true);
    const origin = ref.origin;
    if (!doc.resources) throw new KubeApiError(`the API server does not serve ${gv}${origin ? ` (${origin.groupVersion})` : ''}`, 404, 'NotServed');
    const r = doc.resources.get(ref.plural);
    if (!r) throw new KubeApiError(`the API server does not serve resource "${ref.plural}" in ${gv}${origin ? ` (${origin.plural})` : ''}`, 404, 'NotServed');
    if (!r.verbs.includes('list') || !r.verbs.includes('watch')) {
      throw new KubeApiError(`resource "${ref.plural}" in ${gv} cannot be listed and watched (its verbs: ${r.verbs.join(', ') || 'none'})`, 405, 'NotServed');
    }
  }

  private doc(gv: string, refresh: boolean): Promise<Doc> {
    const have = this.docs.get(gv);
    const ttl = have?.resources ? DOC_TTL_MS : RECHECK_MS;
    if (have && !refresh && Date.now() - have.at < ttl) return Promise.resolve(have);
    let p = this.inflight.get(gv);
    if (!p) {
      p = this.fetch(gv)
        .then((d) => {
          this.docs.set(gv, d);
          return d;
        })
        .finally(() => this.inflight.delete(gv));
      this.inflight.set(gv, p);
    }
    return p;
  }

  private async fetch(gv: string): Promise<Doc> {
    const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
    try {
      const list = await kubeRequest<{ resources?: Array<{ name?: unknown; namespaced?: unknown; verbs?: unknown }> }>(this.kc, { path, maxBytes: MAX_GROUP_DOC_BYTES });
      const resources = new Map<string, Served>();
      // A hostile document's `resources` (not a list, null entries) is read as far as it names resources, never thrown on.
      for (const r of isRecord(list) && Array.isArray(list.resources) ? list.resources : []) {
        if (!isRecord(r) || typeof r.name !== 'string' || r.name.includes('/')) continue;
        resources.set(r.name, { namespaced: r.namespaced === true, verbs: Array.isArray(r.verbs) ? r.verbs.filter((v): v is string => typeof v === 'string') : [] });
      }
      return { at: Date.now(), resources };
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return { at: Date.now(), resources: null };
      throw err;
    }
  }
}
