import { KNOWN_KINDS } from './builtin.js';
import type { KindDef } from './types.js';

/**
 * Finds a kind by what a user types, case-insensitively: plural id (`pods`), short name (`po`), kind or singular
 * (`Pod`, `pod`), tab alias (`POD`) or display name; `deployments.apps` / `deploy.apps` also match the group.
 * Earlier forms win over later ones across the whole list (an id beats another kind's short name).
 * `kinds` defaults to the kinds with hand-written columns; pass them plus discovered kinds to search those too.
 */
export function findKind(nameOrShortOrAlias: string, kinds: readonly KindDef[] = KNOWN_KINDS): KindDef | undefined {
  const q = nameOrShortOrAlias.trim().toLowerCase();
  if (q === '') return undefined;
  const candidates: Array<{ name: string; group?: string }> = [{ name: q }];
  const dot = q.indexOf('.');
  if (dot > 0) candidates.push({ name: q.slice(0, dot), group: q.slice(dot + 1) });

  const matchers: Array<(k: KindDef, name: string) => boolean> = [
    (k, n) => k.id.toLowerCase() === n,
    (k, n) => k.shortNames.some((s) => s.toLowerCase() === n),
    (k, n) => k.kind.toLowerCase() === n,
    (k, n) => k.alias.toLowerCase() === n,
    (k, n) => k.display.toLowerCase() === n,
  ];
  for (const c of candidates) {
    for (const m of matchers) {
      const hit = kinds.find((k) => (c.group === undefined || k.group.toLowerCase() === c.group) && m(k, c.name));
      if (hit) return hit;
    }
  }
  return undefined;
}
