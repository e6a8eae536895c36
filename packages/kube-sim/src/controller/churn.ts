/** Steady MODIFIED churn on pods at a set rate (admin setEventRate), for load tests. */
import type { ResourceType } from '../api/resource-types.js';
import type { ObjectStore } from '../store/object-store.js';

const TICK_MS = 20;

export class Churn {
  private timer: NodeJS.Timeout | undefined;
  private perSec = 0;
  private namespace: string | undefined;
  private cursor = 0;
  private debt = 0;
  private last = 0;
  private counter = 0;
  /** Events written by the churn so far. */
  written = 0;

  constructor(private readonly store: ObjectStore, private readonly pods: ResourceType) {}

  get rate(): number {
    return this.perSec;
  }

  set(perSec: number, namespace?: string): void {
    this.perSec = Math.max(0, perSec);
    this.namespace = namespace;
    this.debt = 0;
    this.last = Date.now();
    if (this.perSec > 0 && !this.timer) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
    } else if (this.perSec === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = Date.now();
    this.debt += ((now - this.last) / 1000) * this.perSec;
    this.last = now;
    let n = Math.floor(this.debt);
    if (n <= 0) return;
    this.debt -= n;
    // Never fall more than a second behind: drop the excess rather than burst.
    n = Math.min(n, Math.ceil(this.perSec));
    const coll = this.store.collection(this.pods);
    const [from, to] = this.namespace !== undefined ? coll.namespaceRange(this.namespace) : [0, coll.keyCount];
    if (to <= from) return;
    for (let i = 0; i < n; i++) {
      if (this.cursor < from || this.cursor >= to) this.cursor = from;
      const rec = coll.get(coll.keyAt(this.cursor++) as string);
      if (!rec) continue;
      const c = String(++this.counter);
      this.store.mutate(this.pods, rec.namespace, rec.name, (o) => {
        (o.metadata.annotations ??= {})['kube-sim/churn'] = c;
      });
      this.written++;
    }
  }
}
