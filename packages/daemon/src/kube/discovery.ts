import type { KubeConfig } from './kubeconfig.js';
import { kubeRequest } from './kube-http.js';
import type { ResourceRef } from './resource-ref.js';

interface ApiResourceList {
  groupVersion?: string;
  resources?: Array<{ name?: string; kind?: string; namespaced?: boolean; verbs?: string[]; shortNames?: string[] }>;
}

export interface DiscoveredResource extends ResourceRef {
  shortNames: string[];
}

/** The listable, watchable resources the API server serves (core + preferred group versions). */
export async function discoverResources(kc: KubeConfig): Promise<DiscoveredResource[]> {
  const out: DiscoveredResource[] = [];
  const add = (group: string, version: string, list: ApiResourceList): void => {
    for (const r of list.resources ?? []) {
      if (!r.name || r.name.includes('/') || !r.kind) continue;
      if (!r.verbs?.includes('list') || !r.verbs.includes('watch')) continue;
      out.push({ group, version, plural: r.name, kind: r.kind, namespaced: !!r.namespaced, shortNames: r.shortNames ?? [] });
    }
  };
  add('', 'v1', await kubeRequest<ApiResourceList>(kc, { path: '/api/v1' }));
  const groups = await kubeRequest<{ groups?: Array<{ name?: string; preferredVersion?: { version?: string } }> }>(kc, { path: '/apis' });
  await Promise.all(
    (groups.groups ?? []).map(async (g) => {
      const v = g.preferredVersion?.version;
      if (!g.name || !v) return;
      try {
        add(g.name, v, await kubeRequest<ApiResourceList>(kc, { path: `/apis/${g.name}/${v}` }));
      } catch {
        /* a broken aggregated API must not hide the others */
      }
    }),
  );
  return out;
}
