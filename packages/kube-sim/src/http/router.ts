/** Turns a request path into what it addresses: discovery, health, or a resource (checklist A6, B5). */
import type { ResourceRegistry, ResourceType } from '../api/resource-types.js';
import { pathNotFound } from '../api/status.js';

export type Route =
  | { kind: 'version' }
  | { kind: 'health'; check: 'healthz' | 'livez' | 'readyz' }
  | { kind: 'apiVersions' }
  | { kind: 'apiGroupList' }
  | { kind: 'apiGroup'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | { kind: 'admin'; action: string }
  | { kind: 'openapiV3'; path: string | undefined }
  | { kind: 'openapiV2' }
  | { kind: 'resource'; target: ResourceTarget };

export interface ResourceTarget {
  rt: ResourceType;
  /** Namespace from the path; undefined for cluster-scoped or all-namespaces paths. */
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** The deprecated /watch/ path prefix was used. */
  legacyWatch: boolean;
}

export function notFoundPath(): never {
  throw pathNotFound();
}

function decode(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

export function route(pathname: string, registry: ResourceRegistry): Route {
  const segs = pathname.split('/').filter((s) => s.length > 0).map(decode);
  const [a, b, c] = segs;
  if (segs.length === 0) return notFoundPath();
  if (a === '_sim') return { kind: 'admin', action: segs.slice(1).join('/') };
  if (a === 'version' && segs.length === 1) return { kind: 'version' };
  if ((a === 'openapi' && b === 'v2' && segs.length === 2) || (a === 'swagger-2.0.0.pb-v1' && segs.length === 1)) return { kind: 'openapiV2' };
  if (a === 'openapi' && b === 'v3') return { kind: 'openapiV3', path: segs.length > 2 ? segs.slice(2).join('/') : undefined };
  if ((a === 'healthz' || a === 'livez' || a === 'readyz') && segs.length <= 2) return { kind: 'health', check: a };
  if (a === 'api') {
    if (segs.length === 1) return { kind: 'apiVersions' };
    if (b !== 'v1') return notFoundPath();
    if (segs.length === 2) return { kind: 'resourceList', group: '', version: 'v1' };
    return resourceRoute('', 'v1', segs.slice(2), registry);
  }
  if (a === 'apis') {
    if (segs.length === 1) return { kind: 'apiGroupList' };
    if (segs.length === 2) return { kind: 'apiGroup', group: b ?? '' };
    if (segs.length === 3) return { kind: 'resourceList', group: b ?? '', version: c ?? '' };
    return resourceRoute(b ?? '', c ?? '', segs.slice(3), registry);
  }
  return notFoundPath();
}

function resourceRoute(group: string, version: string, rest: string[], registry: ResourceRegistry): Route {
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  let parts = rest;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(group === '' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    parts = rest.slice(2);
  }
  const [plural, name, sub, ...extra] = parts;
  if (!plural || extra.length > 0) return notFoundPath();
  const rt = registry.get(group, version, plural);
  if (!rt) return notFoundPath();
  if (namespace !== undefined && !rt.namespaced) return notFoundPath();
  // A namespaced kind addressed by name needs its namespace in the path.
  if (namespace === undefined && rt.namespaced && name !== undefined) return notFoundPath();
  if (sub !== undefined && !rt.subresources.includes(sub)) return notFoundPath();
  return { kind: 'resource', target: { rt, namespace, name, subresource: sub, legacyWatch } };
}
