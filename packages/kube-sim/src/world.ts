/** The state that a restart without keepState throws away: store, watches, churn. */
import { ResourceRegistry } from './api/resource-types.js';
import { Churn } from './controller/churn.js';
import { ObjectStore } from './store/object-store.js';
import type { HistoryLimits } from './store/history.js';
import { WatchHub } from './watch/watch-hub.js';

export interface World {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  readonly hub: WatchHub;
  readonly churn: Churn;
}

export function makeWorld(history: Partial<HistoryLimits> | undefined, initialRv = 0): World {
  const registry = new ResourceRegistry();
  const store = new ObjectStore(registry, history ? { history } : {}, initialRv);
  const hub = new WatchHub(store);
  const pods = registry.get('', 'v1', 'pods');
  if (!pods) throw new Error('pods resource missing');
  return { store, registry, hub, churn: new Churn(store, pods) };
}
