import type { KubeScope } from '../kube/types.js';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import type { PluginKubeAccess, PluginObject, PluginWatchChange } from './kube-access.js';
import { parseKubePermission } from './permissions.js';

/** Objects with a change waiting for the plugin; past this the waiting changes become one `resync`. */
export const EVENTS_MAX_PENDING = 512;
/** One plugin_on_event input carries at most this much JSON (the rest waits for the next call). */
export const EVENT_BATCH_MAX_BYTES = 256 * 1024;

export interface PluginEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  namespace: string | null;
  name: string;
  uid: string;
  object: PluginObject;
}

/** plugin_on_event's input. `resync`: kinds whose changes were too many (or a relist): list them again. */
export interface EventBatch {
  pane_id: number;
  events: PluginEvent[];
  resync: string[];
}

/**
 * The watch events a plugin gets (`plugin_on_event`): for each resource it may list
 * (`k8s:list:<resource>`, in the permission's namespace or else the pane's), changes from the
 * shared informers, coalesced per object while the plugin is busy (its newest state; an object
 * added and deleted meanwhile is dropped) and bounded: past EVENTS_MAX_PENDING objects the
 * waiting changes of that resource become one `resync`.
 */
export class EventFeed {
  private readonly pending = new Map<string, PluginEvent>();
  private readonly resync = new Set<string>();
  private subs: Array<() => void> = [];
  private scopeKey: string | null = null;
  private generation = 0;
  private closed = false;

  constructor(
    private readonly kube: PluginKubeAccess,
    private readonly permissions: readonly string[],
    private readonly logger: Logger,
    /** Something is waiting: the session queues a plugin_on_event call (once). */
    private readonly wake: () => void,
  ) {}

  /** (Re)subscribes when the pane's scope changed since the last call. */
  follow(scope: KubeScope): void {
    const key = `${scope.context ?? ''}\u0000${scope.namespace}`;
    if (this.closed || key === this.scopeKey) return;
    this.scopeKey = key;
    this.unsubscribe();
    const gen = ++this.generation;
    const wanted = this.permissions.map(parseKubePermission).filter((p) => p !== null && p.verb === 'list');
    for (const p of wanted) {
      // A tab showing all namespaces has namespace '*': all of them (null), never a namespace named '*'.
      const namespace = p!.namespace ?? (scope.namespace === '*' ? null : scope.namespace);
      void this.kube
        .resolveResource(scope.context, p!.resource, AbortSignal.timeout(15_000))
        .then((resource) => {
          if (gen !== this.generation || this.closed) return;
          const unsub = this.kube.watch(scope.context, resource, resource.namespaced ? namespace : null, (changes) => this.take(p!.resource, changes));
          this.subs.push(unsub);
        })
        .catch((err: unknown) => this.logger.debug({ resource: p!.resource, err: errorMessage(err) }, 'plugin events: cannot watch'));
    }
  }

  private take(kind: string, changes: PluginWatchChange[] | 'resync'): void {
    if (changes === 'resync') {
      this.dropKind(kind);
      this.resync.add(kind);
    } else {
      for (const c of changes) {
        const m = c.object.metadata;
        const prev = this.pending.get(m.uid);
        if (prev?.type === 'ADDED' && c.type === 'DELETED') {
          this.pending.delete(m.uid);
          continue;
        }
        const type = prev?.type === 'ADDED' ? 'ADDED' : c.type;
        this.pending.delete(m.uid); // re-inserted: the newest change goes last
        this.pending.set(m.uid, { type, kind, namespace: m.namespace ?? null, name: m.name, uid: m.uid, object: c.object });
        if (this.pending.size > EVENTS_MAX_PENDING) {
          // Too many to tell one by one: the plugin lists the kind again instead.
          this.dropKind(kind);
          this.resync.add(kind);
          break;
        }
      }
    }
    this.wake();
  }

  private dropKind(kind: string): void {
    for (const [uid, e] of this.pending) if (e.kind === kind) this.pending.delete(uid);
  }

  get waiting(): boolean {
    return this.pending.size > 0 || this.resync.size > 0;
  }

  /** The next batch (oldest changes first, at most EVENT_BATCH_MAX_BYTES), or null when nothing waits. */
  next(paneId: number): string | null {
    if (!this.waiting) return null;
    const batch: EventBatch = { pane_id: paneId, events: [], resync: [...this.resync] };
    this.resync.clear();
    let size = JSON.stringify(batch).length;
    for (const [uid, e] of this.pending) {
      const json = JSON.stringify(e);
      if (batch.events.length > 0 && size + json.length + 1 > EVENT_BATCH_MAX_BYTES) break;
      batch.events.push(e);
      size += json.length + 1;
      this.pending.delete(uid);
    }
    return JSON.stringify(batch);
  }

  private unsubscribe(): void {
    for (const u of this.subs) u();
    this.subs = [];
    this.pending.clear();
    this.resync.clear();
  }

  close(): void {
    this.closed = true;
    this.generation++;
    this.unsubscribe();
  }
}
