import type { DiscoveredResource } from './discovery.js';

/**
 * `:` names as kubectl resolves them (`kubectl get svc`): config aliases first (k9s's), then a plural, a
 * singular (the kind in lower case) or a short name from discovery; `name.group` narrows to a group, as
 * `kubectl get deployments.apps`. Where several groups serve a name, the core group wins, then Kubernetes' own
 * groups (`apps`, `*.k8s.io`), then the others in the order discovery lists them, so `events` is core/v1
 * Events, not events.k8s.io. A name any resource of a group that wins has (its plural, kind or short name) is
 * that resource: a custom resource whose short name is `pods` or `deploy`, or whose plural is `po`, does not
 * take `:pods`, `:deploy` or `:po` from the built-ins (it is reached as `name.group`). Within one tier, a plural
 * beats a kind, which beats a short name (kubectl does not expand a short name that is some resource's name).
 */

export interface ResolvedName {
  resource: DiscoveredResource;
  /** How it was found: `alias`, `short`, `plural`, `singular`, `kind`. */
  via: 'alias' | 'short' | 'plural' | 'singular' | 'kind';
}

/** The longest alias chain followed (`a = "b"`, `b = "svc"`), so a loop in the config ends. */
const MAX_ALIAS_HOPS = 8;

const lower = (s: string): string => s.trim().toLowerCase();

function inGroup(r: DiscoveredResource, group: string | undefined): boolean {
  if (group === undefined) return true;
  // `deployments.apps`, `deployments.v1.apps`, `certificates.cert-manager.io`.
  return r.group === group || `${r.version}.${r.group}` === group || (r.group === '' && (group === 'core' || group === r.version));
}

/** Candidates for `query`: the whole text, and `name` + `group` split at the first dot. */
function candidates(q: string): Array<{ name: string; group?: string }> {
  const out: Array<{ name: string; group?: string }> = [{ name: q }];
  const dot = q.indexOf('.');
  if (dot > 0) out.push({ name: q.slice(0, dot), group: q.slice(dot + 1) });
  return out;
}

/** Resolves a name typed after `:` against what the API server serves (in discovery order) and the config's aliases. */
export function resolveName(query: string, resources: readonly DiscoveredResource[], aliases: Readonly<Record<string, string>> = {}): ResolvedName | null {
  let q = lower(query);
  let aliased = false;
  for (let hop = 0; hop < MAX_ALIAS_HOPS && Object.hasOwn(aliases, q); hop++) {
    q = lower(aliases[q]!);
    aliased = true;
  }
  if (q === '') return null;
  const index = indexOf(resources);
  for (const c of candidates(q)) {
    // Core first, then Kubernetes' own groups, then the others, each as discovery lists them.
    for (const tier of index) {
      for (const via of STEPS) {
        const hit = tier[via].get(c.name)?.find((r) => inGroup(r, c.group));
        if (hit) return { resource: hit, via: aliased ? 'alias' : via };
      }
    }
  }
  return null;
}

/**
 * A resource named by its plural only (`pods`, `gizmos.example.com`: what a plugin names), where several
 * groups serve it in resolveName's order — the core group, then Kubernetes' own, then the others as
 * discovery lists them — so a custom resource whose plural is `pods` is reached only as `pods.<group>`.
 */
export function resolvePlural(name: string, resources: readonly DiscoveredResource[]): DiscoveredResource | null {
  const q = lower(name);
  if (q === '') return null;
  const index = indexOf(resources);
  for (const c of candidates(q)) {
    for (const tier of index) {
      const hit = tier.plural.get(c.name)?.find((r) => inGroup(r, c.group));
      if (hit) return hit;
    }
  }
  return null;
}

/** Within a tier: a plural, then a kind, then a short name. */
const STEPS = ['plural', 'singular', 'short'] as const;
type Step = (typeof STEPS)[number];
/** Per tier, the resources by lower-cased plural, kind and short name, in discovery order. */
type NameIndex = Array<Record<Step, Map<string, DiscoveredResource[]>>>;

/**
 * Indexes of the discovered lists (a list is not changed once discovered; a new discovery is a new list).
 * The switcher resolves every resource's plural each time it opens: a scan of the list per name was
 * quadratic, ten seconds of a stalled daemon for the 10,000 resources discovery keeps.
 */
const indexes = new WeakMap<readonly DiscoveredResource[], NameIndex>();

function indexOf(resources: readonly DiscoveredResource[]): NameIndex {
  const have = indexes.get(resources);
  if (have) return have;
  const index: NameIndex = [0, 1, 2].map(() => ({ plural: new Map(), singular: new Map(), short: new Map() }));
  const add = (m: Map<string, DiscoveredResource[]>, name: string, r: DiscoveredResource): void => {
    const list = m.get(name);
    if (!list) m.set(name, [r]);
    else if (list[list.length - 1] !== r) list.push(r);
  };
  for (const r of resources) {
    const tier = index[tierOf(r.group)]!;
    add(tier.plural, lower(r.plural), r);
    add(tier.singular, lower(r.kind), r);
    for (const s of r.shortNames) add(tier.short, lower(s), r);
  }
  indexes.set(resources, index);
  return index;
}

/**
 * 0: the core group; 1: Kubernetes' own (`apps`, `batch`: no dot, which no CRD group can be; `*.k8s.io`);
 * 2: any other (custom resources, aggregated APIs).
 */
function tierOf(group: string): number {
  if (group === '') return 0;
  return !group.includes('.') || group.endsWith('.k8s.io') ? 1 : 2;
}

/** The label the `:` switcher shows for a resource: `services (svc)`, `events.events.k8s.io` when the plural is taken. */
export function switcherLabel(r: DiscoveredResource, pluralTaken: boolean, aliases: readonly string[]): string {
  const name = pluralTaken ? `${r.plural}.${r.group}` : r.plural;
  const extra = [...r.shortNames.map(lower), ...aliases].filter((s, i, a) => s !== '' && a.indexOf(s) === i);
  return extra.length > 0 ? `${name} (${extra.join(', ')})` : name;
}

/** The name part of a switcher label (`services (svc)` → `services`). */
export function labelName(label: string): string {
  const i = label.indexOf(' (');
  return i >= 0 ? label.slice(0, i) : label;
}

/** Which aliases point (directly or through other aliases) at each resource, for the labels. */
export function aliasesByResource(resources: readonly DiscoveredResource[], aliases: Readonly<Record<string, string>>): Map<DiscoveredResource, string[]> {
  const out = new Map<DiscoveredResource, string[]>();
  for (const a of Object.keys(aliases)) {
    const hit = resolveName(a, resources, aliases);
    if (!hit) continue;
    const list = out.get(hit.resource) ?? [];
    list.push(a);
    out.set(hit.resource, list);
  }
  return out;
}
