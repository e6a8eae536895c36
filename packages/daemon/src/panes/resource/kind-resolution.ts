import { BUILTIN_KINDS, columnsFor, compareCells, findKind, genericKind, type ColumnDef, type KindDef } from '../../kube/kinds/index.js';
import type { ResourceRef } from '../../kube/resource-ref.js';

export { compareCells, findKind };

/** KubeTile's 14 built-in kinds, by the ids the `:` switcher and ViewSpec args use. */
export function builtinKindIds(): string[] {
  return BUILTIN_KINDS.map((k) => k.id);
}

/**
 * The kind a resource-list pane shows, from its args: a built-in (`pods`, `po`, `Pod`) or a
 * discovered resource (args carry group, version, namespaced and kindName). Throws naming the kind.
 */
export function resolveKind(args: Record<string, unknown>): KindDef {
  const name = args.kind;
  if (typeof name !== 'string' || name === '') throw new Error("a resource list needs args.kind, e.g. {\"kind\":\"pods\"}");
  const builtin = findKind(name);
  if (builtin) return builtin;
  if (typeof args.version === 'string' && typeof args.kindName === 'string') {
    return genericKind({
      name,
      kind: args.kindName,
      group: typeof args.group === 'string' ? args.group : '',
      version: args.version,
      namespaced: args.namespaced === true,
    });
  }
  throw new Error(`unknown kind '${name}' (press : to see the kinds this cluster serves)`);
}

export function refOf(kind: KindDef): ResourceRef {
  return { group: kind.group, version: kind.version, plural: kind.id, kind: kind.kind, namespaced: kind.namespaced };
}

export function visibleColumns(kind: KindDef, configured: readonly string[] | undefined, allNamespaces: boolean): { columns: ColumnDef[]; problems: string[] } {
  const sel = columnsFor(kind, configured, allNamespaces);
  return { columns: sel.columns, problems: [...sel.problems] };
}
