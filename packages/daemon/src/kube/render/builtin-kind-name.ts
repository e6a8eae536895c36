import { KNOWN_KINDS } from '../kinds/builtin.js';
import { str } from '../kinds/json.js';
import type { KindDef } from '../kinds/types.js';
import type { KubeObject } from '../types.js';

/**
 * The built-in kind `o` is — `kind`'s, or its own `kind` in its `apiVersion`'s group — whose own
 * sections (a pod's status, restarts and QoS class, a service's ports) print it; '' for any other:
 * a custom resource of kind `Pod` in another group has no QoS class (an audit: its detail read
 * "Restarts: 0, QoS Class: BestEffort").
 */
export function builtinKindName(o: KubeObject, kind: KindDef | undefined): string {
  const name = kind?.kind || str(o.kind);
  const av = str(o.apiVersion);
  const group = kind ? kind.group : av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
  return KNOWN_KINDS.some((k) => k.kind === name && k.group === group) ? name : '';
}
