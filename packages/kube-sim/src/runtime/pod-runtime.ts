/** The pod runtime: what a kubelet would provide (logs, exec, port-forward) plus the demo controller. */
import { DemoController } from '../controller/controller.js';
import type { SubresourceHandler, UpgradeHandler } from '../http/api-server.js';
import { makeLogHandler } from '../logs/log-handler.js';
import { LogStore } from '../logs/log-store.js';
import type { PodRuntime, SeedName } from '../sim.js';
import type { SimConfig } from '../sim-config.js';
import type { World } from '../world.js';
import { ContainerAdmin, type LogRateSpec } from './container-admin.js';
import { PodSessions } from './pod-sessions.js';
import { makeExecUpgrade } from '../exec/exec-handler.js';
import { hostPsql, type HostPsql } from '../exec/host-programs.js';
import type { ShellState } from '../exec/io.js';
import { makePortForwardUpgrade } from '../portforward/pf-handler.js';
import { PortTargets, type PortTarget } from '../portforward/targets.js';
import { databaseKey, DemoDatabases, POSTGRES_PORT } from '../pgdemo/demo-databases.js';
import { podCredentials } from '../pgdemo/pod-credentials.js';
import { parseStored } from '../store/stored-object.js';
import { stoppedContainers } from './pod-info.js';
import type { KubeObject } from '../types.js';

export class SimPodRuntime implements PodRuntime {
  readonly subresources = new Map<string, SubresourceHandler>();
  readonly upgrades = new Map<string, UpgradeHandler>();
  private world: World | undefined;
  logs = new LogStore();
  controller: DemoController | undefined;
  private unsubscribe: (() => void) | undefined;
  private config: SimConfig | undefined;
  readonly targets = new PortTargets();
  /** Exec sessions and port-forwards into each pod: they end when it is deleted. */
  readonly sessions = new PodSessions();
  /** The demo's embedded PostgreSQL engines, behind pods annotated for them. */
  readonly databases = new DemoDatabases();
  /** Pods (`namespace/name`) whose container's programs include host ones (KubeSim.mapPsql). */
  private readonly hostPrograms = new Map<string, NonNullable<ShellState['programs']>>();

  constructor() {
    this.subresources.set('pods/log', makeLogHandler(() => this.currentWorld().store, () => this.logs));
    const execDeps = {
      store: () => this.currentWorld().store,
      logs: () => this.logs,
      config: (): SimConfig => {
        if (!this.config) throw new Error('kube-sim runtime not attached');
        return this.config;
      },
      programs: (pod: { namespace: string; name: string }) => this.hostPrograms.get(`${pod.namespace}/${pod.name}`),
      sessions: () => this.sessions,
    };
    this.upgrades.set('pods/exec', makeExecUpgrade(execDeps, 'exec'));
    this.upgrades.set('pods/attach', makeExecUpgrade(execDeps, 'attach'));
    this.upgrades.set('pods/portforward', makePortForwardUpgrade({ store: () => this.currentWorld().store, targets: () => this.targets, sessions: () => this.sessions }));
    this.targets.special = (pod, port) => {
      if (port !== POSTGRES_PORT) return undefined;
      const obj = this.podObject(pod.namespace, pod.name);
      const name = obj ? databaseKey(obj) : null;
      if (!obj || !name) return undefined;
      return this.databases.portFor(pod.uid, name, () => {
        const now = this.podObject(pod.namespace, pod.name) ?? obj;
        return podCredentials(now, (kind, n) => this.configData(kind, pod.namespace, n));
      }).then((p) => ({ host: '127.0.0.1', port: p }));
    };
  }

  private podObject(namespace: string, name: string): KubeObject | undefined {
    const w = this.currentWorld();
    const rt = w.registry.get('', 'v1', 'pods');
    const rec = rt ? w.store.get(rt, namespace, name) : undefined;
    return rec ? parseStored(rec) : undefined;
  }

  /** A ConfigMap's data or a Secret's decoded data, or null. */
  private configData(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Record<string, string> | null {
    const w = this.currentWorld();
    const rt = w.registry.get('', 'v1', kind === 'Secret' ? 'secrets' : 'configmaps');
    const rec = rt ? w.store.get(rt, namespace, name) : undefined;
    if (!rec) return null;
    const o = parseStored(rec) as KubeObject & { data?: Record<string, string> };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.data ?? {})) if (typeof v === 'string') out[k] = kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
    return out;
  }

  mapPsql(namespace: string, pod: string, target: HostPsql | null): void {
    if (target) this.hostPrograms.set(`${namespace}/${pod}`, { psql: hostPsql(target) });
    else this.hostPrograms.delete(`${namespace}/${pod}`);
  }

  setPortTarget(namespace: string, pod: string, port: number, target: PortTarget | null): void {
    this.targets.setTarget(namespace, pod, port, target);
  }

  currentWorld(): World {
    if (!this.world) throw new Error('kube-sim runtime not attached');
    return this.world;
  }

  attach(world: World, _seed: SeedName, controller: boolean, config: SimConfig): void {
    this.controller?.stop();
    this.unsubscribe?.();
    this.logs.stop();
    this.logs = new LogStore();
    this.world = world;
    this.config = config;
    this.sessions.endAll();
    void this.targets.closeAll();
    void this.databases.closeAll();
    const pods = world.registry.get('', 'v1', 'pods');
    // A deleted pod's containers are killed: exec sessions into it end (exit code 137), its
    // port-forwards are cut, its logs end (followers see EOF) and its port responders stop.
    this.unsubscribe = world.store.subscribe((ev) => {
      // A container that stopped or restarted (terminated, the crash loop): the execs in it are killed with it.
      if (ev.rt === pods && ev.type === 'MODIFIED' && ev.prev && this.sessions.count(ev.obj.uid) > 0) {
        for (const c of stoppedContainers(parseStored(ev.prev), parseStored(ev.obj))) this.sessions.endContainer(ev.obj.uid, c);
      }
      if (ev.rt === pods && ev.type === 'DELETED') {
        this.sessions.endPod(ev.obj.uid);
        this.logs.dropPod(ev.obj.uid);
        void this.targets.dropPod(ev.obj.uid);
        void this.databases.dropPod(ev.obj.uid);
      }
    });
    this.controller = undefined;
    if (controller) {
      this.controller = new DemoController(world, this.logs, {
        get logLinesPerSec() { return config.logLinesPerSecond; },
        get crashBackoffCapSec() { return config.crashBackoffCapSeconds; },
        podTerminationMs: () => config.podTerminationMs,
      });
      this.controller.start();
    }
  }

  private containers(): ContainerAdmin {
    const w = this.currentWorld();
    const pods = w.registry.get('', 'v1', 'pods');
    if (!pods) throw new Error('pods resource missing');
    return new ContainerAdmin(w.store, pods, this.logs);
  }

  appendLog(namespace: string, pod: string, container: string | undefined, lines: string | readonly string[], clockMs?: number): void {
    this.containers().appendLog(namespace, pod, container, lines, clockMs);
  }

  terminateContainer(namespace: string, pod: string, container: string | undefined, exitCode: number): void {
    this.containers().terminateContainer(namespace, pod, container, exitCode);
  }

  restartContainer(namespace: string, pod: string, container: string | undefined): void {
    this.containers().restartContainer(namespace, pod, container);
  }

  setLogRate(spec: LogRateSpec): number {
    return this.containers().setLogRate(spec);
  }

  gracefulPodDeletion(): boolean {
    return this.controller !== undefined;
  }

  async stop(): Promise<void> {
    this.controller?.stop();
    this.unsubscribe?.();
    this.logs.stop();
    await this.targets.closeAll();
    await this.databases.closeAll();
  }
}
