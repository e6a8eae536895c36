import { BUILTIN_KINDS, columnsFor, findKind, genericKind, type ColumnDef, type KindDef } from '../../kube/kinds/index.js';
import { badGroup, badKind, badPlural, badVersion, type ResourceRef } from '../../kube/resource-ref.js';

export { findKind };

/** KubeTile's 14 built-in kinds, by the ids the `:` switcher and ViewSpec args use. */
export function builtinKindIds(): string[] {
  return BUILTIN_KINDS.map((k) => k.id);
}

/** Why the args that may end up in a request path are unusable, or null. Checked before any kind is chosen. */
function argProblem(args: Record<string, unknown>): string | null {
  if (args.group !== undefined) {
    const p = badGroup(args.group, 'args.group');
    if (p) return p;
  }
  if (args.version !== undefined) {
    const p = badVersion(args.version, 'args.version');
    if (p) return p;
  }
  if (args.plural !== undefined) {
    const p = badPlural(args.plural, 'args.plural');
    if (p) return p;
  }
  if (args.kindName !== undefined) {
    const p = badKind(args.kindName, 'args.kindName');
    if (p) return p;
  }
  if (args.namespaced !== undefined && typeof args.namespaced !== 'boolean') return `args.namespaced ${JSON.stringify(args.namespaced)} is not true or false`;
  return null;
}

/**
 * The kind a resource-list pane shows, from its args: a built-in (`pods`, `po`, `Pod`) or a
 * discovered resource (args carry group, version, namespaced and kindName; the plural is
 * args.plural or args.kind). Group, version and plural must be plain names (checked here), and the
 * kube layer checks them against discovery before listing. Throws naming the bad arg or the kind.
 */
export function resolveKind(args: Record<string, unknown>): KindDef {
  const name = args.kind;
  if (typeof name !== 'string' || name === '') throw new Error("a resource list needs args.kind, e.g. {\"kind\":\"pods\"}");
  const problem = argProblem(args);
  if (problem) throw new Error(problem);
  const builtin = findKind(name);
  const other =
    builtin !== undefined &&
    ((args.group !== undefined && args.group !== builtin.group) ||
      (args.version !== undefined && args.version !== builtin.version) ||
      (args.plural !== undefined && args.plural !== builtin.id));
  if (builtin && !other) return builtin;
  if (typeof args.version === 'string' && (typeof args.kindName === 'string' || builtin)) {
    const pluralField = typeof args.plural === 'string' ? 'args.plural' : 'args.kind';
    // A discovered resource of another group (kindName set) names its own plural in args.kind: `po` in
    // evil.example.com is that group's `po`, not the `pods` a built-in's short name matched. Only a built-in
    // named some other way (`deploy` at another version of its group) takes the built-in's plural.
    const sameGroup = builtin !== undefined && (typeof args.kindName !== 'string' || (args.group ?? '') === builtin.group);
    const plural = typeof args.plural === 'string' ? args.plural : builtin && sameGroup ? builtin.id : name;
    const bad = badPlural(plural, pluralField);
    if (bad) throw new Error(bad);
    const group = typeof args.group === 'string' ? args.group : '';
    return {
      ...genericKind({
        name: plural,
        kind: typeof args.kindName === 'string' ? args.kindName : builtin!.kind,
        group,
        version: args.version,
        namespaced: typeof args.namespaced === 'boolean' ? args.namespaced : (builtin?.namespaced ?? false),
      }),
      origin: { plural: pluralField, groupVersion: group ? 'args.group, args.version' : 'args.version' },
    };
  }
  throw new Error(`unknown kind '${name}' (press : to see the kinds this cluster serves)`);
}

export function refOf(kind: KindDef): ResourceRef {
  return { group: kind.group, version: kind.version, plural: kind.id, kind: kind.kind, namespaced: kind.namespaced, ...(kind.origin ? { origin: kind.origin } : {}) };
}

export function visibleColumns(kind: KindDef, configured: readonly string[] | undefined, allNamespaces: boolean, wide = false): { columns: ColumnDef[]; problems: string[] } {
  const sel = columnsFor(kind, configured, allNamespaces, wide);
  return { columns: sel.columns, problems: [...sel.problems] };
}
