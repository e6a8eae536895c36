import type { KubeConfig } from './kubeconfig.js';
import { kubeRequest } from './kube-http.js';
import { badGroup, badKind, badPlural, badVersion, type ResourceRef } from './resource-ref.js';

interface ApiResourceList {
  groupVersion?: string;
  resources?: Array<{ name?: string; kind?: string; namespaced?: boolean; verbs?: string[]; shortNames?: string[] }>;
}

export interface DiscoveredResource extends ResourceRef {
  shortNames: string[];
}

/**
 * Group version documents asked for at once. An `/apis` naming thousands of groups opened as many
 * requests at the same moment (a socket each: the daemon's file descriptors, the server's load).
 */
const PARALLEL = 32;
/** More resources than any cluster serves (a few hundred is a big one): the rest of a hostile answer is not kept. */
const MAX_RESOURCES = 10_000;

/** The listable, watchable resources the API server serves (core + preferred group versions). */
export async function discoverResources(kc: KubeConfig): Promise<DiscoveredResource[]> {
  const out: DiscoveredResource[] = [];
  const add = (group: string, version: string, list: ApiResourceList | undefined): void => {
    for (const r of Array.isArray(list?.resources) ? list.resources : []) {
      if (out.length >= MAX_RESOURCES) return;
      if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || r.name.includes('/') || badPlural(r.name) || badKind(r.kind)) continue;
      if (!Array.isArray(r.verbs) || !r.verbs.includes('list') || !r.verbs.includes('watch')) continue;
      const shortNames = Array.isArray(r.shortNames) ? r.shortNames.filter((s): s is string => typeof s === 'string' && !badPlural(s)).slice(0, 16) : [];
      out.push({ group, version, plural: r.name, kind: r.kind!, namespaced: r.namespaced === true, shortNames });
    }
  };
  add('', 'v1', await kubeRequest<ApiResourceList>(kc, { path: '/api/v1' }));
  const groups = await kubeRequest<{ groups?: Array<{ name?: string; preferredVersion?: { version?: string } }> }>(kc, { path: '/apis' });
  // Only names that can be put in a path (a group named `x?watch=1` is not asked for).
  const wanted = (Array.isArray(groups?.groups) ? groups.groups : []).flatMap((g) => {
    const name = g?.name;
    const v = g?.preferredVersion?.version;
    return typeof name === 'string' && name !== '' && !badGroup(name) && typeof v === 'string' && !badVersion(v) ? [{ name, v }] : [];
  });
  const found: Array<ApiResourceList | undefined> = new Array(wanted.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wanted.length) {
      const i = next++;
      const g = wanted[i]!;
      try {
        found[i] = await kubeRequest<ApiResourceList>(kc, { path: `/apis/${g.name}/${g.v}` });
      } catch {
        /* a broken aggregated API must not hide the others */
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, wanted.length) }, worker));
  wanted.forEach((g, i) => add(g.name, g.v, found[i]));
  return out;
}
