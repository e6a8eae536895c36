import type { InformerHandle } from '../../kube/informer-pool.js';
import type { KindDef } from '../../kube/kinds/types.js';
import type { Reflector } from '../../kube/reflector.js';
import type { PaneContext } from '../pane.js';
import { refOf } from './kind-resolution.js';

/**
 * Several kinds watched for one pane through the shared informers (the same ones the lists use), in the tab's
 * namespace (or all, or `namespace` given); re-acquired when the tab's scope changes, released on dispose.
 */
export class WatchSet {
  private handles = new Map<string, InformerHandle>();
  private unsubs: Array<() => void> = [];
  problem: string | null = null;

  constructor(
    private readonly ctx: PaneContext,
    private readonly kinds: readonly KindDef[],
    private readonly onChange: () => void,
    private readonly fixedNamespace: () => string | null | undefined = () => undefined,
  ) {}

  /** The namespace watched: null for all namespaces. */
  namespace(): string | null {
    const fixed = this.fixedNamespace();
    if (fixed !== undefined) return fixed;
    const ns = this.ctx.scope().namespace;
    return ns === '*' ? null : ns;
  }

  start(): void {
    this.stop();
    const { context } = this.ctx.scope();
    const kube = this.ctx.services.kube;
    if (!kube.available || context === null) {
      this.problem = `No cluster connection: ${kube.problem ?? 'no context'}`;
      return;
    }
    this.problem = null;
    const ns = this.namespace();
    for (const k of this.kinds) {
      try {
        const h = kube.pool.acquire(context, refOf(k), k.namespaced ? ns : null);
        this.handles.set(k.id, h);
        this.unsubs.push(h.reflector.changed.subscribe(this.onChange));
      } catch (err) {
        this.problem = `cannot watch ${k.id}: ${String(err)}`;
      }
    }
  }

  reflector(kindId: string): Reflector | undefined {
    return this.handles.get(kindId)?.reflector;
  }

  stop(): void {
    for (const u of this.unsubs.splice(0)) u();
    for (const h of this.handles.values()) h.release();
    this.handles.clear();
  }
}
