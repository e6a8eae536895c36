import { KNOWN_KINDS, type KindDef } from '../../kube/kinds/index.js';
import type { Config } from '../../config/schema.js';

type ViewConfig = Config['views'][string];

/**
 * The `[views.<kind>]` entry a list of `kind` reads. A built-in by its id (`[views.pods]`); a
 * discovered kind by `plural.group` (`[views."certificates.cert-manager.io"]`) or its plural — but
 * never a built-in's entry: a custom resource whose plural is `pods` (`pods.evil.example.com`) reads
 * only `[views."pods.evil.example.com"]`; `[views.pods]` (columns named for the core Pod) hid its
 * columns.
 */
export function viewConfigFor(views: Config['views'], kind: Pick<KindDef, 'id' | 'group'>): ViewConfig | undefined {
  if (KNOWN_KINDS.some((k) => k.id === kind.id && k.group === kind.group)) return views[kind.id];
  const qualified = kind.group !== '' ? views[`${kind.id}.${kind.group}`] : undefined;
  if (qualified !== undefined) return qualified;
  return KNOWN_KINDS.some((k) => k.id === kind.id) ? undefined : views[kind.id];
}
