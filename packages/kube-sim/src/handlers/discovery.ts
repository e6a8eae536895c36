/** /version, health checks and API discovery documents (checklist A6). */
import type { ServerResponse } from 'node:http';
import type { ResourceRegistry, ResourceType } from '../api/resource-types.js';
import { notFoundPath } from '../http/router.js';
import { sendJson } from '../http/respond.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-08-13T07:28:49Z',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function sendVersion(res: ServerResponse): void {
  sendJson(res, 200, SERVER_VERSION);
}

export function sendHealth(res: ServerResponse, check: string, verbose: boolean): void {
  const body = verbose ? `[+]ping ok\n[+]log ok\n[+]etcd ok\n${check} check passed\n` : 'ok';
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupDoc(group: string, types: ResourceType[]): Record<string, unknown> {
  const versions = [...new Set(types.map((t) => t.version))].map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: ResourceRegistry, served: (group: string) => boolean = () => true): unknown {
  const groups: Record<string, unknown>[] = [];
  for (const [g, types] of registry.groups()) if (g !== '' && served(g)) groups.push(groupDoc(g, types));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(registry: ResourceRegistry, group: string): unknown {
  const types = registry.groups().get(group);
  if (!types || group === '') return notFoundPath();
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, types) };
}

const SUBRESOURCE_INFO: Record<string, { kind?: string; group?: string; version?: string; verbs: string[] }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  log: { verbs: ['get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  proxy: { kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  finalize: { verbs: ['update'] },
  ephemeralcontainers: { verbs: ['get', 'patch', 'update'] },
};

/** `served(sub)`: whether a subresource is served now (pods/ephemeralcontainers is not on an older server). */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string, served: (sub: string) => boolean = () => true): unknown {
  const types = registry.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return notFoundPath();
  const resources: Record<string, unknown>[] = [];
  for (const t of types) {
    const r: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: [...t.verbs] };
    if (t.shortNames.length) r['shortNames'] = [...t.shortNames];
    if (t.categories.length) r['categories'] = [...t.categories];
    resources.push(r);
    for (const sub of t.subresources) {
      if (!served(sub)) continue;
      const info = SUBRESOURCE_INFO[sub] ?? { verbs: ['get'] };
      const s: Record<string, unknown> = { name: `${t.plural}/${sub}`, singularName: '', namespaced: t.namespaced, kind: info.kind ?? t.kind, verbs: info.verbs };
      if (info.group) {
        s['group'] = info.group;
        s['version'] = info.version;
      }
      resources.push(s);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

