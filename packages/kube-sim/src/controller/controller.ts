/** The demo lifecycle controller: a kubelet and a controller-manager in miniature. */
import type { ResourceType } from '../api/resource-types.js';
import type { LogStore } from '../logs/log-store.js';
import type { World } from '../world.js';
import type { ControllerContext, ControllerSettings } from './context.js';
import { DisruptionBudgets } from './disruption.js';
import { EventRecorder } from './events.js';
import { PodLifecycle } from './pod-lifecycle.js';
import { Workloads } from './workloads.js';

const TICK_MS = 200;

export class DemoController {
  private readonly lifecycle: PodLifecycle;
  private readonly workloads: Workloads;
  private readonly budgets: DisruptionBudgets;
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | undefined;
  readonly ctx: ControllerContext;

  constructor(world: World, logs: LogStore, settings: ControllerSettings) {
    const reg = world.registry;
    const rt = (g: string, plural: string): ResourceType => {
      const t = reg.get(g, 'v1', plural);
      if (!t) throw new Error(`resource ${plural} missing`);
      return t;
    };
    this.ctx = {
      store: world.store,
      logs,
      settings,
      events: new EventRecorder(world.store, rt('', 'events')),
      rt: {
        pods: rt('', 'pods'),
        nodes: rt('', 'nodes'),
        deployments: rt('apps', 'deployments'),
        replicasets: rt('apps', 'replicasets'),
        statefulsets: rt('apps', 'statefulsets'),
        daemonsets: rt('apps', 'daemonsets'),
        jobs: rt('batch', 'jobs'),
        cronjobs: rt('batch', 'cronjobs'),
      },
    };
    this.lifecycle = new PodLifecycle(this.ctx);
    this.workloads = new Workloads(this.ctx);
    this.budgets = new DisruptionBudgets(this.ctx, reg.get('policy', 'v1', 'poddisruptionbudgets'));
    this.unsubscribe = world.store.subscribe((ev) => {
      this.lifecycle.onEvent(ev);
      this.workloads.onEvent(ev);
      this.budgets.onEvent(ev);
    });
  }

  start(): void {
    this.lifecycle.adopt();
    this.workloads.markAll();
    this.budgets.markAll();
    this.tick();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  private tick(): void {
    this.lifecycle.tick();
    this.workloads.tick();
    this.budgets.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe();
  }
}
