/**
 * A minimal OpenAPI v3 surface: the index and one document per group/version listing each
 * kind's PATCH operation with the `fieldValidation` query parameter. That is what kubectl checks
 * before validating server-side (so `kubectl apply`/`create -f` work without schemas).
 * Schemas are empty: kube-sim does not publish or enforce full OpenAPI schemas.
 */
import { createHash } from 'node:crypto';
import type { ResourceRegistry } from '../api/resource-types.js';
import { notFoundPath } from '../http/router.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiV3Index(registry: ResourceRegistry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const rt of registry.all()) {
    const p = gvPath(rt.group, rt.version);
    if (paths[p]) continue;
    const hash = createHash('sha256').update(JSON.stringify(openApiV3Doc(registry, p))).digest('hex').slice(0, 32).toUpperCase();
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths };
}

export function openApiV3Doc(registry: ResourceRegistry, path: string): unknown {
  const types = registry.all().filter((rt) => gvPath(rt.group, rt.version) === path);
  if (types.length === 0) return notFoundPath();
  const paths: Record<string, unknown> = {};
  const param = (name: string): Record<string, unknown> => ({ name, in: 'query', description: name, schema: { type: 'string', uniqueItems: true } });
  for (const rt of types) {
    const prefix = `/${path}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}/{name}`;
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    const op = (verb: string): Record<string, unknown> => ({
      operationId: `${verb}${rt.kind}`,
      parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation')],
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
    });
    paths[prefix] = { put: op('put'), patch: op('patch') };
    paths[`/${path}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`] = { post: op('post') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.0' }, paths, components: { schemas: {} } };
}

/** Protobuf length-delimited field (wire type 2) with a small payload. */
function field(n: number, payload: Buffer): Buffer {
  const len: number[] = [];
  let l = payload.length;
  do {
    let b = l & 0x7f;
    l >>>= 7;
    if (l) b |= 0x80;
    len.push(b);
  } while (l);
  return Buffer.concat([Buffer.from([(n << 3) | 2, ...len]), payload]);
}

/**
 * An empty OpenAPI v2 document (gnostic openapi_v2.Document in protobuf: swagger, info, no
 * paths or definitions). Older kubectl (before 1.28) fetches it before apply/create -f; with no
 * schemas it skips client-side validation, as it does for custom resources.
 */
export function openApiV2Protobuf(): Buffer {
  const info = Buffer.concat([field(1, Buffer.from('Kubernetes')), field(2, Buffer.from('v1.31.0'))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info), field(8, Buffer.alloc(0))]);
}

/** Clients ask for "...spec.v2@v1.0+protobuf"; the answer is labelled like kube-openapi does (a valid MIME type). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
