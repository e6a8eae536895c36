/** Reads namespace and selectors of a collection request into a Selection. */
import type { ResourceTarget } from '../http/router.js';
import { parseFieldSelector, parseLabelSelector } from '../store/selectors.js';
import type { Selection } from '../watch/filter.js';

export function parseSelection(target: ResourceTarget, q: URLSearchParams): Selection {
  const rt = target.rt;
  return {
    rt,
    namespace: rt.namespaced ? target.namespace : undefined,
    labels: parseLabelSelector(q.get('labelSelector')),
    fields: parseFieldSelector(q.get('fieldSelector'), rt.selectableFields),
  };
}
