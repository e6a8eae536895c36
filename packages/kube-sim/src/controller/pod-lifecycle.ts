/**
 * The kubelet half of the demo controller: schedules pods, starts containers, makes them ready,
 * crash-loops the ones asked to crash (restart counts grow), completes job pods, finishes
 * graceful deletion, and keeps container logs flowing.
 */
import type { StoreEvent } from '../store/history.js';
import { parseStored } from '../store/stored-object.js';
import { flavourFor } from '../logs/log-lines.js';
import { mainContainers, nodeName } from '../runtime/pod-info.js';
import { crashLoopWait, markUnschedulable, schedule, setReady, startContainer, terminateAll, terminateContainer } from '../runtime/pod-status.js';
import { asArray, asNumber, asString, getPath, isRecord, type KubeObject } from '../types.js';
import { ANN, SCALE_LABEL, seconds, type ControllerContext } from './context.js';
import { nodeInfo, place, type NodeInfo } from './scheduler.js';

type Stage = 'schedule' | 'create' | 'ready' | 'running' | 'crashed' | 'backoff' | 'terminating';

interface Track {
  ns: string;
  name: string;
  stage: Stage;
  dueAt: number;
  backoffSec: number;
}

function isJobPod(pod: KubeObject): boolean {
  return (pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'Job');
}

function ann(pod: KubeObject, key: string): string | undefined {
  return pod.metadata.annotations?.[key];
}

function containersStarted(pod: KubeObject): boolean {
  const css = asArray(getPath(pod, ['status', 'containerStatuses']));
  return css.length > 0 && css.some((c) => {
    const st = getPath(c, ['state']);
    return isRecord(st) && (isRecord(st['running']) || isRecord(st['terminated']) || getPath(st, ['waiting', 'reason']) === 'CrashLoopBackOff');
  });
}

export class PodLifecycle {
  private readonly tracks = new Map<string, Track>();
  private placeCounter = 0;
  private ipCounter = 10;

  constructor(private readonly ctx: ControllerContext) {}

  private initialBackoff(): number {
    return Math.min(10, this.ctx.settings.crashBackoffCapSec);
  }

  private now(): number {
    return this.ctx.store.now();
  }

  private nodes(): NodeInfo[] {
    return [...this.ctx.store.collection(this.ctx.rt.nodes).values()].map((r) => nodeInfo(parseStored(r)));
  }

  /** Takes over pods that already exist (seeded): logs for running ones, timers for crash loops. */
  adopt(): void {
    for (const rec of [...this.ctx.store.collection(this.ctx.rt.pods).values()]) {
      const pod = parseStored(rec);
      if (pod.metadata.labels?.[SCALE_LABEL]) continue;
      this.observe(pod);
      if (this.tracks.has(rec.uid)) continue;
      const uid = rec.uid;
      for (const c of mainContainers(pod)) {
        const running = isRecord(getPath(asArray(getPath(pod, ['status', 'containerStatuses'])).find((s) => getPath(s, ['name']) === c.name), ['state', 'running']));
        if (!running || this.ctx.logs.has(uid, c.name)) continue;
        const startedAt = Date.parse(asString(getPath(pod, ['status', 'startTime'])) ?? '') || this.now() - 600_000;
        this.backfill(uid, c.name, c.image, startedAt);
      }
      const crash = ann(pod, ANN.crashAfter);
      if (crash !== undefined && asString(getPath(pod, ['status', 'phase'])) === 'Running') {
        const c = this.firstContainer(pod);
        const cs = asArray(getPath(pod, ['status', 'containerStatuses'])).find((x) => getPath(x, ['name']) === c.name);
        if (getPath(cs, ['state', 'waiting', 'reason']) === 'CrashLoopBackOff') {
          // Seeded mid-crash-loop: the last run's log ends with the crash; restart soon.
          const log = this.ctx.logs.ensure(uid, c.name);
          const f = flavourFor(c.image, c.name);
          const t0 = this.now() - 110_000;
          for (const l of f.startup()) log.append(l, t0);
          for (let i = 0; i < 6; i++) log.append(f.line(i, new Date(t0 + i * 2000)), t0 + i * 2000);
          for (const l of f.crash()) log.append(l, t0 + 14_000);
          this.ctx.logs.terminate(uid, c.name);
          this.tracks.set(uid, { ns: rec.namespace, name: rec.name, stage: 'backoff', dueAt: this.now() + 4000, backoffSec: this.ctx.settings.crashBackoffCapSec });
        } else {
          this.tracks.set(uid, { ns: rec.namespace, name: rec.name, stage: 'running', dueAt: this.now() + seconds(crash, 10) * 1000, backoffSec: this.initialBackoff() });
        }
      }
    }
  }

  /** Writes history lines with past timestamps, then keeps the log flowing. */
  private backfill(uid: string, container: string, image: string, startedAt: number): void {
    const log = this.ctx.logs.ensure(uid, container);
    const f = flavourFor(image, container);
    const now = this.now();
    const startup = f.startup();
    startup.forEach((l) => log.append(l, startedAt));
    const count = Math.min(150, Math.max(5, Math.floor((now - startedAt) / 20_000)));
    for (let i = 0; i < count; i++) {
      const t = startedAt + ((now - startedAt) * (i + 1)) / (count + 1);
      log.append(f.line(i, new Date(t)), t);
    }
    this.produce(uid, container, image);
  }

  private produce(uid: string, container: string, image: string): void {
    const f = flavourFor(image, container);
    const jitter = 0.5 + Math.random();
    this.ctx.logs.produce(uid, container, { perSec: this.ctx.settings.logLinesPerSec * jitter, lineLength: undefined, make: (n) => f.line(n + 1000, new Date()) });
  }

  onEvent(ev: StoreEvent): void {
    if (ev.rt !== this.ctx.rt.pods) return;
    if (ev.type === 'DELETED') {
      this.tracks.delete(ev.obj.uid);
      this.ctx.logs.dropPod(ev.obj.uid);
      return;
    }
    if (ev.obj.labels?.[SCALE_LABEL]) return;
    this.observe(parseStored(ev.obj));
  }

  private observe(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    const t = this.tracks.get(uid);
    const now = this.now();
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp) {
      if (t?.stage !== 'terminating') {
        const grace = (asNumber(pod.metadata.deletionGracePeriodSeconds) ?? 30) * 1000;
        this.tracks.set(uid, { ns, name, stage: 'terminating', dueAt: now + Math.min(grace, this.ctx.settings.podTerminationMs()), backoffSec: 0 });
      }
      return;
    }
    if (t) return;
    const phase = asString(getPath(pod, ['status', 'phase']));
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (!nodeName(pod)) {
      const unschedulable = asArray(getPath(pod, ['status', 'conditions'])).some((c) => getPath(c, ['type']) === 'PodScheduled' && getPath(c, ['reason']) === 'Unschedulable');
      if (!unschedulable) this.tracks.set(uid, { ns, name, stage: 'schedule', dueAt: now + 150, backoffSec: this.initialBackoff() });
      return;
    }
    if (!containersStarted(pod)) {
      const delay = seconds(ann(pod, ANN.startDelay), 0.8 + Math.random() * 1.2) * 1000;
      this.tracks.set(uid, { ns, name, stage: 'create', dueAt: now + delay, backoffSec: this.initialBackoff() });
    }
  }

  tick(): void {
    const now = this.now();
    for (const [uid, t] of [...this.tracks]) {
      if (t.dueAt > now) continue;
      const rec = this.ctx.store.get(this.ctx.rt.pods, t.ns, t.name);
      if (!rec || rec.uid !== uid) {
        this.tracks.delete(uid);
        continue;
      }
      try {
        this.step(uid, t, parseStored(rec), now);
      } catch (err) {
        this.tracks.delete(uid);
        process.emitWarning(`kube-sim controller: pod ${t.ns}/${t.name}: ${String(err)}`);
      }
    }
  }

  private write(t: Track, fn: (pod: KubeObject) => void): KubeObject | undefined {
    const rec = this.ctx.store.mutate(this.ctx.rt.pods, t.ns, t.name, (p) => { fn(p); });
    return rec ? parseStored(rec) : undefined;
  }

  private firstContainer(pod: KubeObject): { name: string; image: string } {
    const c = mainContainers(pod)[0];
    return { name: c?.name ?? '', image: c?.image ?? '' };
  }

  private step(uid: string, t: Track, pod: KubeObject, now: number): void {
    const host = nodeName(pod);
    const src = { component: 'kubelet', host };
    switch (t.stage) {
      case 'schedule': {
        const p = place(pod, this.nodes(), this.placeCounter++);
        if ('node' in p) {
          const ip = `10.244.${this.placeCounter % 3}.${(this.ipCounter++ % 250) + 2}`;
          const after = this.write(t, (x) => schedule(x, p.node.name, p.node.ip, ip, now));
          if (after) this.ctx.events.record(after, 'Normal', 'Scheduled', `Successfully assigned ${t.ns}/${t.name} to ${p.node.name}`, { component: 'default-scheduler' });
          t.stage = 'create';
          t.dueAt = now + seconds(ann(pod, ANN.startDelay), 0.8 + Math.random() * 1.2) * 1000;
        } else {
          const after = this.write(t, (x) => markUnschedulable(x, p.reason, now));
          if (after) this.ctx.events.record(after, 'Warning', 'FailedScheduling', p.reason, { component: 'default-scheduler' });
          this.tracks.delete(uid);
        }
        return;
      }
      case 'create': {
        const after = this.write(t, (x) => { for (const c of mainContainers(x)) startContainer(x, c.name, now, false); });
        if (!after) return;
        for (const c of mainContainers(after)) {
          this.ctx.events.record(after, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, src, `spec.containers{${c.name}}`);
          this.ctx.events.record(after, 'Normal', 'Created', `Created container ${c.name}`, src, `spec.containers{${c.name}}`);
          this.ctx.events.record(after, 'Normal', 'Started', `Started container ${c.name}`, src, `spec.containers{${c.name}}`);
          this.startLogs(uid, c.name, c.image);
        }
        t.stage = 'ready';
        t.dueAt = now + 600 + Math.random() * 800;
        return;
      }
      case 'ready': {
        this.write(t, (x) => { for (const c of mainContainers(x)) setReady(x, c.name, true, now); });
        this.scheduleExit(t, pod, now);
        return;
      }
      case 'running': {
        // Time for the container to exit: a crash (crash-after) or a completion (job pods).
        const c = this.firstContainer(pod);
        const completing = ann(pod, ANN.crashAfter) === undefined;
        const exitCode = completing ? 0 : Number(ann(pod, ANN.exitCode) ?? '1');
        const f = flavourFor(c.image, c.name);
        if (!completing) for (const line of f.crash()) this.ctx.logs.append(uid, c.name, line);
        else this.ctx.logs.append(uid, c.name, `${c.name}: done`);
        const after = this.write(t, (x) => terminateContainer(x, c.name, exitCode, now));
        this.ctx.logs.terminate(uid, c.name);
        const phase = asString(getPath(after, ['status', 'phase']));
        if (completing || phase === 'Succeeded' || phase === 'Failed') {
          this.tracks.delete(uid);
          return;
        }
        t.stage = 'crashed';
        t.dueAt = now + 1000;
        return;
      }
      case 'crashed': {
        const c = this.firstContainer(pod);
        const after = this.write(t, (x) => crashLoopWait(x, c.name, t.backoffSec));
        if (after) this.ctx.events.record(after, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${t.name}_${t.ns}(${uid})`, src, `spec.containers{${c.name}}`);
        t.stage = 'backoff';
        t.dueAt = now + t.backoffSec * 1000;
        t.backoffSec = Math.min(t.backoffSec * 2, this.ctx.settings.crashBackoffCapSec);
        return;
      }
      case 'backoff': {
        const c = this.firstContainer(pod);
        this.ctx.logs.restart(uid, c.name);
        const after = this.write(t, (x) => startContainer(x, c.name, now, true));
        if (after) {
          this.ctx.events.record(after, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, src, `spec.containers{${c.name}}`);
          this.ctx.events.record(after, 'Normal', 'Started', `Started container ${c.name}`, src, `spec.containers{${c.name}}`);
        }
        this.startLogs(uid, c.name, c.image, false);
        this.scheduleExit(t, pod, now);
        return;
      }
      case 'terminating': {
        const after = this.write(t, (x) => terminateAll(x, now));
        if (after) for (const c of mainContainers(after)) this.ctx.events.record(after, 'Normal', 'Killing', `Stopping container ${c.name}`, src, `spec.containers{${c.name}}`);
        this.tracks.delete(uid);
        if (this.ctx.store.get(this.ctx.rt.pods, t.ns, t.name)) this.ctx.store.delete(this.ctx.rt.pods, t.ns, t.name);
        return;
      }
    }
  }

  private startLogs(uid: string, container: string, image: string, fresh = true): void {
    const log = fresh && this.ctx.logs.has(uid, container) ? this.ctx.logs.restart(uid, container) : this.ctx.logs.ensure(uid, container);
    for (const l of flavourFor(image, container).startup()) log.append(l);
    this.produce(uid, container, image);
  }

  private scheduleExit(t: Track, pod: KubeObject, now: number): void {
    const crash = ann(pod, ANN.crashAfter);
    const complete = ann(pod, ANN.completeAfter) ?? (isJobPod(pod) ? '4' : undefined);
    if (crash !== undefined) {
      t.stage = 'running';
      t.dueAt = now + seconds(crash, 10) * 1000;
    } else if (complete !== undefined) {
      t.stage = 'running';
      t.dueAt = now + seconds(complete, 4) * 1000;
    } else {
      this.tracks.delete(pod.metadata.uid ?? '');
    }
  }
}
