import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../logging/logger.js';
import { Signal } from '../util/signal.js';
import { Reflector } from './reflector.js';
import type { ResourceRef } from './resource-ref.js';

export interface InformerHandle {
  readonly reflector: Reflector;
  release(): void;
}

interface Slot {
  reflector: Reflector;
  refs: number;
  context: string;
}

/**
 * One shared reflector per (context, resource, namespace or all), reference-counted by the panes
 * that use it and stopped when the last one lets go.
 */
export class InformerPool {
  private readonly slots = new Map<string, Slot>();
  /** Fires when any reflector's state changes (for the status bar). */
  readonly stateChanged = new Signal();

  constructor(
    private readonly configFor: (context: string) => KubeConfig,
    private readonly logger: Logger,
  ) {}

  acquire(context: string, resource: ResourceRef, namespace: string | null): InformerHandle {
    const ns = resource.namespaced ? namespace : null;
    const key = `${context}|${resource.group}/${resource.version}/${resource.plural}|${ns ?? '*'}`;
    let slot = this.slots.get(key);
    if (!slot) {
      const reflector = new Reflector(this.configFor(context), resource, ns, this.logger.child({ informer: key }));
      slot = { reflector, refs: 0, context };
      this.slots.set(key, slot);
      let last = reflector.state;
      reflector.changed.subscribe(() => {
        if (reflector.state !== last) {
          last = reflector.state;
          this.stateChanged.emit();
        }
      });
      reflector.start();
      this.logger.debug({ key }, 'informer started');
    }
    slot.refs++;
    const s = slot;
    let released = false;
    return {
      reflector: s.reflector,
      release: () => {
        if (released) return;
        released = true;
        s.refs--;
        if (s.refs === 0) {
          s.reflector.stop();
          this.slots.delete(key);
          this.logger.debug({ key }, 'informer stopped');
          this.stateChanged.emit();
        }
      },
    };
  }

  get size(): number {
    return this.slots.size;
  }

  /** The worst state among a context's reflectors, with an error to show. */
  health(context: string): { state: 'connected' | 'connecting' | 'reconnecting' | 'error' | 'idle'; error: string | null } {
    let state: 'connected' | 'connecting' | 'reconnecting' | 'error' | 'idle' = 'idle';
    let error: string | null = null;
    const rank = { idle: 0, connected: 1, connecting: 2, reconnecting: 3, error: 4 } as const;
    for (const s of this.slots.values()) {
      if (s.context !== context) continue;
      const st = s.reflector.state === 'synced' ? 'connected' : s.reflector.state;
      if (rank[st] > rank[state]) {
        state = st;
        error = s.reflector.error;
      }
    }
    return { state, error };
  }

  stopAll(): void {
    for (const s of this.slots.values()) s.reflector.stop();
    this.slots.clear();
  }
}
