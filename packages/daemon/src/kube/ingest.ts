import type { KubeObject } from './types.js';

/**
 * What the reflector keeps of an object from the API server, made smaller without changing what
 * any reader sees:
 * - metadata.managedFields is dropped (as kubectl hides it; the YAML pane fetches the object fresh);
 * - repeated string values (node names, images, phases, condition types, timestamps of pods made
 *   together, label values…) are replaced by one shared copy. JSON.parse makes a fresh string for
 *   every value, so 100k pods held ~100k copies of `Running` and of each image name.
 *
 * Why it matters: under 2,000 pod events/s every changed pod is a new object that survives two
 * scavenges (copied into the survivor space, then promoted), so the young-generation pauses that
 * delay the view grow with the bytes each event keeps; a parsed pod's strings are about a fifth of
 * them. The duplicates interning replaces die young instead (never copied).
 */
const MAX_LEN = 256;
/** Strings remembered at most; past this the table starts over (the shared copies already made stay shared). */
const MAX_ENTRIES = 200_000;
/** Values that are (almost) never repeated: not worth a table entry. */
const UNIQUE_KEYS = new Set(['uid', 'resourceVersion', 'podIP', 'ip', 'containerID']);
/** ConfigMap and Secret payloads: rarely repeated, and a secret's value must not outlive its object in a table. */
const SKIP_KEYS = new Set(['data', 'binaryData', 'stringData']);

let table = new Map<string, string>();

function intern(s: string): string {
  if (s.length > MAX_LEN) return s;
  const shared = table.get(s);
  if (shared !== undefined) return shared;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(s, s);
  return s;
}

function internArray(a: unknown[]): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v === 'string') a[i] = intern(v);
    else if (v !== null && typeof v === 'object') internValues(v);
  }
}

/** Replaces the string values of a parsed JSON value, in place, by their shared copies. */
export function internValues(o: object): void {
  if (Array.isArray(o)) return internArray(o);
  const r = o as Record<string, unknown>;
  for (const k in r) {
    const v = r[k];
    if (typeof v === 'string') {
      if (!UNIQUE_KEYS.has(k)) r[k] = intern(v);
    } else if (v !== null && typeof v === 'object') internValues(v);
  }
}

/** The object as the store keeps it (changed in place; returned). */
export function ingest(o: KubeObject): KubeObject {
  const r = o as unknown as Record<string, unknown>;
  for (const k in r) {
    const v = r[k];
    if (k === 'metadata') internMetadata(o.metadata as unknown as Record<string, unknown>);
    else if (SKIP_KEYS.has(k)) continue;
    else if (typeof v === 'string') r[k] = intern(v);
    else if (v !== null && typeof v === 'object') internValues(v);
  }
  return o;
}

/**
 * The object's own name, uid and resourceVersion are its alone: kept out of the table. managedFields
 * is set to undefined rather than deleted: `delete` turns every object's metadata into a slow
 * dictionary (measured: the pass over a list costs about twice as much, and reading it after is
 * slower). JSON and YAML output leave an undefined field out.
 */
function internMetadata(m: Record<string, unknown>): void {
  if (m.managedFields) m.managedFields = undefined;
  for (const k in m) {
    if (k === 'name' || k === 'uid' || k === 'resourceVersion') continue;
    const v = m[k];
    if (typeof v === 'string') m[k] = intern(v);
    else if (v !== null && typeof v === 'object') internValues(v);
  }
}

/** Strings in the table now (for tests). */
export const internedCount = (): number => table.size;
