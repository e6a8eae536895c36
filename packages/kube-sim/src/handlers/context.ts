/** What request handlers share: the store, watches, faults, config and the pieces for pods. */
import type { ResourceRegistry } from '../api/resource-types.js';
import type { Faults } from '../admin/faults.js';
import type { Journal } from '../admin/journal.js';
import type { ObjectStore } from '../store/object-store.js';
import type { SimConfig } from '../sim-config.js';
import type { WatchHub } from '../watch/watch-hub.js';
import type { UsageOverrides } from './metrics.js';

export interface HandlerContext {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  readonly hub: WatchHub;
  readonly config: SimConfig;
  readonly faults: Faults;
  readonly journal: Journal;
  /** host:port clients reach the server at. */
  serverAddress(): string;
  /** True when a lifecycle controller finishes graceful pod deletion. */
  gracefulPodDeletion(): boolean;
  /** Container usage set by tests for metrics.k8s.io (`namespace/pod/container`). */
  readonly usage: UsageOverrides;
}
