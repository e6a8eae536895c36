/**
 * PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a reasonable subset of
 * strategic merge patch (lists of objects merged by their merge key, `$patch: delete|replace`).
 */
import { badRequest, apiError } from '../api/status.js';
import { isRecord } from '../types.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const mt = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  switch (mt) {
    case 'application/json-patch+json': return 'json';
    case 'application/merge-patch+json': return 'merge';
    case 'application/strategic-merge-patch+json': return 'strategic';
    case 'application/apply-patch+yaml': return 'apply';
    default: return undefined;
  }
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Merge keys for the strategic-merge lists kube-sim knows (by field name). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  conditions: 'type',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
  tolerations: 'key',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
};

/** Lists merged by key whose key is a port number. */
const PORT_LISTS: Record<string, string> = { ports: 'containerPort' };

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (MERGE_KEYS[field]) return MERGE_KEYS[field];
  if (PORT_LISTS[field]) {
    // Service ports merge on "port", container ports on "containerPort".
    const first = items.find(isRecord);
    if (first && 'containerPort' in first) return 'containerPort';
    if (first && 'port' in first) return 'port';
  }
  return undefined;
}

function strategicList(field: string, target: unknown, patch: unknown[]): unknown[] {
  const key = mergeKeyFor(field, patch);
  const directive = patch.find((p) => isRecord(p) && p['$patch'] === 'replace');
  if (directive) return clone(patch.filter((p) => p !== directive));
  if (!key || !Array.isArray(target)) return clone(patch.filter((p) => !(isRecord(p) && '$patch' in p)));
  const out = target.map((t) => clone(t));
  for (const p of patch) {
    if (!isRecord(p)) continue;
    const idx = out.findIndex((t) => isRecord(t) && t[key] === p[key]);
    if (p['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], p);
    else out.push(strategicMerge(undefined, p));
  }
  return out;
}

export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') {
    const { $patch: _d, ...rest } = patch;
    return clone(rest);
  }
  if (patch['$patch'] === 'delete') return undefined;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder/') || k === '$retainKeys') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = strategicList(k, out[k], v);
    else {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  return out;
}

function decodePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], op: string, path: string): [unknown, string] {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isRecord(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw apiError('Invalid', `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "${path}": missing value`, {});
  }
  return [cur, tokens[tokens.length - 1] ?? ''];
}

function getAt(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const t of decodePointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isRecord(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function removeAt(doc: unknown, path: string, op: string): unknown {
  const tokens = decodePointer(path);
  const [parent, last] = parentOf(doc, tokens, op, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw apiError('Invalid', `${op} operation does not apply: doc is missing path: "${path}": missing value`, {});
    return parent.splice(i, 1)[0];
  }
  if (isRecord(parent) && last in parent) {
    const v = parent[last];
    delete parent[last];
    return v;
  }
  throw apiError('Invalid', `the server rejected our request due to an error in our request: ${op} operation does not apply: doc is missing path: "${path}": missing value`, {});
}

function addAt(doc: unknown, path: string, value: unknown, op: string, replace: boolean): unknown {
  const tokens = decodePointer(path);
  if (tokens.length === 0) return clone(value);
  const [parent, last] = parentOf(doc, tokens, op, path);
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(clone(value));
    else {
      const i = Number(last);
      if (!Number.isInteger(i) || i < 0 || i > parent.length) throw apiError('Invalid', `${op} operation does not apply: index out of range in "${path}"`, {});
      if (replace) parent[i] = clone(value);
      else parent.splice(i, 0, clone(value));
    }
  } else if (isRecord(parent)) {
    if (replace && !(last in parent)) throw apiError('Invalid', `the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${path}: missing value`, {});
    parent[last] = clone(value);
  } else throw apiError('Invalid', `${op} operation does not apply: doc is missing path: "${path}"`, {});
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('the server rejected our request due to an error in our request: json patch must be an array of operations');
  let doc = clone(target);
  for (const raw of ops) {
    if (!isRecord(raw) || typeof raw['op'] !== 'string' || typeof raw['path'] !== 'string') {
      throw badRequest('the server rejected our request due to an error in our request: invalid JSON patch operation');
    }
    const op = raw['op'];
    const path = raw['path'];
    switch (op) {
      case 'add': doc = addAt(doc, path, raw['value'], op, false); break;
      case 'replace': doc = addAt(doc, path, raw['value'], op, true); break;
      case 'remove': removeAt(doc, path, op); break;
      case 'move': {
        if (typeof raw['from'] !== 'string') throw badRequest('move operation needs "from"');
        const v = removeAt(doc, raw['from'], op);
        doc = addAt(doc, path, v, op, false);
        break;
      }
      case 'copy': {
        if (typeof raw['from'] !== 'string') throw badRequest('copy operation needs "from"');
        doc = addAt(doc, path, getAt(doc, raw['from']), op, false);
        break;
      }
      case 'test': {
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(raw['value'])) {
          throw apiError('Invalid', `the server rejected our request due to an error in our request: testing value ${path} failed`, {});
        }
        break;
      }
      default:
        throw badRequest(`the server rejected our request due to an error in our request: Unexpected kind: ${op}`);
    }
  }
  return doc;
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown): unknown {
  switch (type) {
    case 'json': return jsonPatch(target, patch);
    case 'merge': return mergePatch(target, patch);
    case 'strategic': return strategicMerge(target, patch);
    case 'apply': return strategicMerge(target, patch);
  }
}
