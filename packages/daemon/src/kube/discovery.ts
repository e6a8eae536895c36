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
/**
 * The biggest discovery document read: a group version's list of 10,000 resources is ~3 MiB (core/v1 is ~30 kB).
 * Without a bound a hostile group's 400 MiB answer was read whole and parsed (gigabytes), 32 at a time.
 */
export const MAX_GROUP_DOC_BYTES = 4 * 1024 * 1024;
/** `/apis`: 10,000 groups of a few versions each is ~4 MiB. */
const MAX_GROUPS_DOC_BYTES = 16 * 1024 * 1024;

/** A group version's listable, watchable resources (at most `max`), as discovery keeps them. */
function pick(group: string, version: string, list: ApiResourceList | undefined, max: number): DiscoveredResource[] {
  const out: DiscoveredResource[] = [];
  for (const r of Array.isArray(list?.resources) ? list.resources : []) {
    if (out.length >= max) break;
    if (typeof r !== 'object' || r === null || typeof r.name !== 'string' || r.name.includes('/') || badPlural(r.name) || badKind(r.kind)) continue;
    if (!Array.isArray(r.verbs) || !r.verbs.includes('list') || !r.verbs.includes('watch')) continue;
    const shortNames = Array.isArray(r.shortNames) ? r.shortNames.filter((s): s is string => typeof s === 'string' && !badPlural(s)).slice(0, 16) : [];
    out.push({ group, version, plural: r.name, kind: r.kind!, namespaced: r.namespaced === true, shortNames });
  }
  return out;
}

/** The listable, watchable resources the API server serves (core + preferred group versions). */
export async function discoverResources(kc: KubeConfig): Promise<DiscoveredResource[]> {
  const core = pick('', 'v1', await kubeRequest<ApiResourceList>(kc, { path: '/api/v1', maxBytes: MAX_GROUP_DOC_BYTES }), MAX_RESOURCES);
  const groups = await kubeRequest<{ groups?: Array<{ name?: string; preferredVersion?: { version?: string } }> }>(kc, { path: '/apis', maxBytes: MAX_GROUPS_DOC_BYTES });
  // Only names that can be put in a path (a group named `x?watch=1` is not asked for).
  const wanted = (Array.isArray(groups?.groups) ? groups.groups : []).flatMap((g) => {
    const name = g?.name;
    const v = g?.preferredVersion?.version;
    return typeof name === 'string' && name !== '' && !badGroup(name) && typeof v === 'string' && !badVersion(v) ? [{ name, v }] : [];
  });
  // Each group's resources are kept as its document arrives (not the document: thousands of 4 MiB documents
  // were all held until the last came in), and only while the groups before it may leave room under
  // MAX_RESOURCES; once those found fill it, no further group is asked for.
  const kept: Array<DiscoveredResource[] | undefined> = new Array(wanted.length);
  const done: boolean[] = new Array(wanted.length).fill(false);
  // Groups [0, settled) are in; settledSum counts them with core.
  let settled = 0;
  let settledSum = core.length;
  /** At least this many resources come before group `i` (core, and the groups before it that are in). */
  const before = (i: number): number => {
    while (settled < i && done[settled]) settledSum += kept[settled++]?.length ?? 0;
    let n = settledSum;
    for (let j = settled; j < i && n < MAX_RESOURCES; j++) n += done[j] ? (kept[j]?.length ?? 0) : 0;
    return n;
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < wanted.length && before(next) < MAX_RESOURCES) {
      const i = next++;
      const g = wanted[i]!;
      try {
        const doc = await kubeRequest<ApiResourceList>(kc, { path: `/apis/${g.name}/${g.v}`, maxBytes: MAX_GROUP_DOC_BYTES });
        const room = MAX_RESOURCES - before(i);
        if (room > 0) kept[i] = pick(g.name, g.v, doc, room);
      } catch {
        /* a broken aggregated API must not hide the others */
      }
      done[i] = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, wanted.length) }, worker));
  const out = core;
  for (const list of kept) {
    for (const r of list ?? []) {
      if (out.length >= MAX_RESOURCES) return out;
      out.push(r);
    }
  }
  return out;
}
