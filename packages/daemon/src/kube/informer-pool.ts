import { ALL_NAMESPACES_KEY } from './all-namespaces.js';
import type { KubeConfig } from './kubeconfig.js';
import type { Logger } from '../logging/logger.js';
import { Signal } from '../util/signal.js';
import { DiscoveryCheck } from './discovery-check.js';
import { Reflector } from './reflector.js';
import { escapeFieldValue } from './field-selector.js';
import { sharedRelease } from '../util/shared-release.js';
import type { ResourceRef } from './resource-ref.js';

/** What a narrow watch selects: one object by name, or the objects with one field's value (an object's Events: `involvedObject.uid`). */
export type WatchSelect = string | { field: string; value: string };

export interface InformerHandle {
  readonly reflector: Reflector;
  release(): void;
}

interface Slot {
  reflector: Reflector;
  refs: number;
  context: string;
  /**
   * A narrow watch (a YAML pane's object, a describe pane's Events): left out of the context's health, as its pane says how it
   * fares. RBAC may allow `get` of an object and not `list`/`watch`: the pane works, read once, and
   * the status bar must not say the cluster is in error.
   */
  single: boolean;
}

/**
 * One shared reflector per (context, resource, namespace or all), reference-counted by the panes
 * that use it and stopped when the last one lets go.
 */
export class InformerPool {
  private readonly slots = new Map<string, Slot>();
  /** Discovery documents per context, shared by its reflectors. */
  private readonly discovery = new Map<string, DiscoveryCheck>();
  /** Fires when any reflector's state changes (for the status bar). */
  readonly stateChanged = new Signal();

  constructor(
    private readonly configFor: (context: string) => KubeConfig,
    private readonly logger: Logger,
  ) {}

  /** Whether the context's API server serves the resource (discovery only; throws a KubeApiError naming what is not served). */
  verify(context: string, resource: ResourceRef): Promise<void> {
    return this.checkFor(context, this.configFor(context)).verify(resource);
  }

  private checkFor(context: string, kc: KubeConfig): DiscoveryCheck {
    let check = this.discovery.get(context);
    if (!check) {
      check = new DiscoveryCheck(kc);
      this.discovery.set(context, check);
    }
    return check;
  }

  /**
   * `select`: only that object (a field selector on its name), or the objects whose field has that
   * value, for a pane that shows one object (and its Events).
   */
  acquire(context: string, resource: ResourceRef, namespace: string | null, select?: WatchSelect): InformerHandle {
    const ns = resource.namespaced ? namespace : null;
    const fieldSelector = select === undefined ? null : typeof select === 'string' ? `metadata.name=${escapeFieldValue(select)}` : `${select.field}=${escapeFieldValue(select.value)}`;
    const key = `${context}|${resource.group}/${resource.version}/${resource.plural}|${ns ?? ALL_NAMESPACES_KEY}${fieldSelector === null ? '' : `|${fieldSelector}`}`;
    let slot = this.slots.get(key);
    if (!slot) {
      const kc = this.configFor(context);
      const verifier = this.checkFor(context, kc);
      const reflector = new Reflector(kc, resource, ns, this.logger.child({ informer: key }), (r, fresh) => verifier.verify(r, fresh), fieldSelector);
      slot = { reflector, refs: 0, context, single: fieldSelector !== null };
      this.slots.set(key, slot);
      const statusOf = (): string => `${reflector.state}\0${reflector.error ?? ''}\0${reflector.notice ?? ''}`;
      let last = statusOf();
      reflector.changed.subscribe(() => {
        const now = statusOf();
        if (now !== last) {
          last = now;
          this.stateChanged.emit();
        }
      });
      reflector.start();
      this.logger.debug({ key }, 'informer started');
    }
    slot.refs++;
    const s = slot;
    return {
      reflector: s.reflector,
      release: sharedRelease(s, () => {
        s.reflector.stop();
        this.slots.delete(key);
        this.logger.debug({ key }, 'informer stopped');
        this.stateChanged.emit();
      }),
    };
  }

  get size(): number {
    return this.slots.size;
  }

  /**
   * The worst state among a context's reflectors, with an error to show, and the latest notice
   * (what a relist repaired) while there is one.
   */
  health(context: string): { state: 'connected' | 'connecting' | 'reconnecting' | 'error' | 'idle'; error: string | null; notice: string | null } {
    let state: 'connected' | 'connecting' | 'reconnecting' | 'error' | 'idle' = 'idle';
    let error: string | null = null;
    let notice: string | null = null;
    let noticeAt = 0;
    const rank = { idle: 0, connected: 1, connecting: 2, reconnecting: 3, error: 4 } as const;
    for (const s of this.slots.values()) {
      if (s.context !== context || s.single) continue;
      const r = s.reflector;
      const st = r.state === 'synced' ? 'connected' : r.state;
      if (rank[st] > rank[state]) {
        state = st;
        error = r.error;
      }
      if (r.notice && r.noticeAt >= noticeAt) {
        notice = r.notice;
        noticeAt = r.noticeAt;
      }
    }
    return { state, error, notice };
  }

  /**
   * The context's kubeconfig changed: its discovery is asked again and its watches reconnect with
   * the new settings; `serverChanged` (another server or CA): their lists are fetched again.
   */
  reconnect(context: string, serverChanged: boolean): void {
    this.discovery.delete(context);
    for (const s of this.slots.values()) if (s.context === context) s.reflector.reconnect(serverChanged);
  }

  /** The watches of `contexts` that failed (in 'error') try again now, not at their backoff's next turn (see ClusterManager.userActed). */
  retryFailed(contexts: ReadonlySet<string>): void {
    for (const s of this.slots.values()) if (contexts.has(s.context) && s.reflector.state === 'error') s.reflector.reconnect(false);
  }

  /** The context left the kubeconfig: its watches stop using its credentials and say why (resume() when it is back). */
  halt(context: string, reason: string): void {
    this.discovery.delete(context);
    for (const s of this.slots.values()) if (s.context === context) s.reflector.halt(reason);
  }

  /** The context is in the kubeconfig again: its halted watches list again (maybe another cluster now). */
  resume(context: string): void {
    this.discovery.delete(context);
    for (const s of this.slots.values()) if (s.context === context) s.reflector.resume();
  }

  stopAll(): void {
    for (const s of this.slots.values()) s.reflector.stop();
    this.slots.clear();
    this.discovery.clear();
  }
}
