import { ageCol, nameCol, namespaceCol } from './common.js';
import type { KindDef } from './types.js';

/** What discovery knows about a resource (a custom resource, or any built-in without a hand-written KindDef). */
export interface DiscoveredKind {
  /** Plural resource name: `certificates`. */
  name: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
}

/** `IngressRoute` → [`Ingress`, `Route`]; `HTTPRoute` → [`HTTP`, `Route`]. */
function camelWords(s: string): string[] {
  return s.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [s];
}

/** A three-letter tab tag from a kind: `Certificate` → CER, `IngressRoute` → IRO, `VirtualMachineInstance` → VMI. */
export function aliasForKind(kind: string): string {
  const words = camelWords(kind).filter((w) => w !== '');
  let tag: string;
  if (words.length >= 3) tag = words.slice(0, 3).map((w) => w[0] ?? '').join('');
  else if (words.length === 2) tag = (words[0] ?? '').slice(0, 1) + (words[1] ?? '').slice(0, 2);
  else tag = kind.slice(0, 3);
  return (tag || 'RES').toUpperCase();
}

function displayFor(r: DiscoveredKind): string {
  const plural = r.name;
  if (r.kind !== '' && plural.toLowerCase().startsWith(r.kind.toLowerCase())) return r.kind + plural.slice(r.kind.length);
  return plural.charAt(0).toUpperCase() + plural.slice(1);
}

/** A KindDef for a discovered resource: NAME, NAMESPACE (namespaced only), AGE. */
export function genericKind(r: DiscoveredKind): KindDef {
  return {
    id: r.name,
    kind: r.kind,
    group: r.group,
    version: r.version,
    namespaced: r.namespaced,
    shortNames: [...(r.shortNames ?? [])],
    alias: aliasForKind(r.kind),
    display: displayFor(r),
    columns: r.namespaced ? [nameCol, namespaceCol, ageCol] : [nameCol, ageCol],
    defaultColumns: ['name', 'age'],
  };
}
