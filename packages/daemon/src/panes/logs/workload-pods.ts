import type { ClusterManager } from '../../kube/cluster.js';
import type { InformerHandle } from '../../kube/informer-pool.js';
import type { ResourceRef } from '../../kube/resource-ref.js';
import type { KubeObject } from '../../kube/types.js';
import { selects, type LabelSelector } from './workload-selector.js';

export const PODS_REF: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

export interface PodChanges {
  /** Pods that match now (new or changed), by uid. */
  upserted: KubeObject[];
  /** Pods that matched and are gone (deleted, or no longer selected). */
  removed: KubeObject[];
  /** True for the first batch after the pod list was read. */
  initial: boolean;
}

/**
 * The pods a selector picks in one namespace, from the shared pods informer (one watch for every
 * pane and list that needs it), reported as changes: incrementally from the store's change log,
 * or by comparing against the whole store after a relist.
 */
export class WorkloadPods {
  private handle: InformerHandle | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly matched = new Map<string, KubeObject>();
  private seq = -1;
  private synced = false;

  constructor(
    private readonly kube: ClusterManager,
    private readonly context: string,
    private readonly namespace: string,
    private readonly selector: LabelSelector,
    private readonly onChanges: (c: PodChanges) => void,
  ) {}

  start(): void {
    this.handle = this.kube.pool.acquire(this.context, PODS_REF, this.namespace);
    this.unsubscribe = this.handle.reflector.changed.subscribe(() => this.update());
    this.update();
  }

  get count(): number {
    return this.matched.size;
  }

  /** The informer's trouble, if any (`reconnecting: …`), or null. */
  problem(): string | null {
    const r = this.handle?.reflector;
    if (!r) return null;
    if (r.state === 'error' || r.state === 'reconnecting') return `pod list ${r.state}${r.error ? `: ${r.error}` : ''}`;
    return null;
  }

  get ready(): boolean {
    return this.synced;
  }

  private update(): void {
    const r = this.handle?.reflector;
    if (!r) return;
    if (!this.synced) {
      if (r.state !== 'synced') return;
      this.synced = true;
    }
    const store = r.store;
    const upserted: KubeObject[] = [];
    const removed: KubeObject[] = [];
    const changes = this.seq >= 0 ? store.changesSince(this.seq) : null;
    if (changes) {
      for (const c of changes) {
        const o = c.entry.obj;
        const uid = o.metadata.uid;
        const had = this.matched.has(uid);
        if (!c.removed && selects(this.selector, o.metadata.labels)) {
          this.matched.set(uid, o);
          upserted.push(o);
        } else if (had) {
          this.matched.delete(uid);
          removed.push(o);
        }
      }
    } else {
      const now = new Map<string, KubeObject>();
      for (const e of store.sorted) if (selects(this.selector, e.obj.metadata.labels)) now.set(e.obj.metadata.uid, e.obj);
      for (const [uid, o] of this.matched) if (!now.has(uid)) removed.push(o);
      for (const [uid, o] of now) {
        if (this.matched.get(uid) !== o) upserted.push(o);
      }
      this.matched.clear();
      for (const [uid, o] of now) this.matched.set(uid, o);
    }
    const initial = this.seq < 0;
    this.seq = store.seq;
    if (initial || upserted.length || removed.length) this.onChanges({ upserted, removed, initial });
  }

  /** The pods matched now. */
  pods(): KubeObject[] {
    return [...this.matched.values()];
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.handle?.release();
    this.handle = null;
  }
}
