import type { DiscoveredResource } from './discovery.js';

/**
 * `:` names as kubectl resolves them (`kubectl get svc`): config aliases first (k9s's), then a short name from
 * discovery, then a plural, a singular (the kind in lower case) or the kind; `name.group` narrows to a group, as
 * `kubectl get deployments.apps`. Where several groups serve a name, the core group wins, then the groups in
 * the order discovery lists them (kubectl's priority), so `events` is core/v1 Events, not events.k8s.io.
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
  // Core first, then the groups as discovery lists them.
  const ordered = [...resources.filter((r) => r.group === ''), ...resources.filter((r) => r.group !== '')];
  const steps: Array<[ResolvedName['via'], (r: DiscoveredResource, n: string) => boolean]> = [
    ['short', (r, n) => r.shortNames.some((s) => lower(s) === n)],
    ['plural', (r, n) => lower(r.plural) === n],
    ['singular', (r, n) => lower(r.kind) === n],
  ];
  for (const c of candidates(q)) {
    for (const [via, match] of steps) {
      const hit = ordered.find((r) => inGroup(r, c.group) && match(r, c.name));
      if (hit) return { resource: hit, via: aliased ? 'alias' : via };
    }
  }
  return null;
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
