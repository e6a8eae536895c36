/**
 * The disruption controller in miniature: keeps each PodDisruptionBudget's status (expected pods,
 * current and desired healthy, disruptions allowed, observedGeneration) in step with the pods of its
 * namespace, so `kubectl get pdb` and a drain see what a cluster would show. Namespaces are
 * recomputed on the tick after a pod or a budget in them changed; one without budgets costs a lookup.
 */
import type { ResourceType } from '../api/resource-types.js';
import { budgetState } from '../api/disruption-budget.js';
import type { StoreEvent } from '../store/history.js';
import { objectsIn } from '../store/in-namespace.js';
import type { ControllerContext } from './context.js';

export class DisruptionBudgets {
  private readonly dirty = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly pdbs: ResourceType | undefined,
  ) {}

  onEvent(ev: StoreEvent): void {
    if (!this.pdbs) return;
    if (ev.rt === this.ctx.rt.pods || ev.rt === this.pdbs) this.dirty.add(ev.obj.namespace);
  }

  /** Every namespace with a budget, at start. */
  markAll(): void {
    if (!this.pdbs) return;
    for (const rec of this.ctx.store.collection(this.pdbs).values()) this.dirty.add(rec.namespace);
  }

  tick(): void {
    const rt = this.pdbs;
    if (!rt || this.dirty.size === 0) return;
    const namespaces = [...this.dirty];
    this.dirty.clear();
    for (const ns of namespaces) {
      const budgets = objectsIn(this.ctx.store, rt, ns);
      if (budgets.length === 0) continue;
      const pods = objectsIn(this.ctx.store, this.ctx.rt.pods, ns);
      for (const b of budgets) {
        const s = budgetState(b, pods);
        const status = { observedGeneration: b.metadata.generation ?? 1, ...s };
        this.ctx.store.mutate(rt, ns, b.metadata.name ?? '', (o) => {
          const cur = (o.status ?? {}) as Record<string, unknown>;
          if (Object.entries(status).every(([k, v]) => cur[k] === v)) return false;
          o.status = { ...cur, ...status };
        });
      }
    }
  }
}
