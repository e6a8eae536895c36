/**
 * The controller-manager half of the demo controller: Deployments own ReplicaSets, ReplicaSets,
 * StatefulSets, DaemonSets and Jobs own pods, CronJobs own Jobs. Reconciles objects marked dirty
 * by store events and writes status only when it changes.
 */
import { createHash } from 'node:crypto';
import type { ResourceType } from '../api/resource-types.js';
import { randomSuffix, rfc3339 } from '../store/object-store.js';
import type { StoreEvent } from '../store/history.js';
import { parseStored, type StoredObject } from '../store/stored-object.js';
import { deepEqual } from '../util/deep-equal.js';
import { asArray, asNumber, asRecord, asString, getPath, isRecord, type KubeObject } from '../types.js';
import type { ControllerContext } from './context.js';
import { cronMatches } from './cron.js';
import { nodeInfo } from './scheduler.js';

/**
 * Code-unit order: RFC 3339 timestamps and generated names sort right by it, and it loads none of ICU's
 * collation data (`localeCompare` does, megabytes of it, in a demo daemon that runs this simulator).
 */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function ownerRef(owner: KubeObject): { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean } {
  return { apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

function podPhase(p: KubeObject): string {
  return asString(getPath(p, ['status', 'phase'])) ?? 'Pending';
}

function isReady(p: KubeObject): boolean {
  return asArray(getPath(p, ['status', 'conditions'])).some((c) => getPath(c, ['type']) === 'Ready' && getPath(c, ['status']) === 'True');
}

export function templateHash(template: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(template ?? {})).digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 10; i++) s += alphabet[(h[i] ?? 0) % alphabet.length];
  return s;
}

function selectorLabels(obj: KubeObject): Record<string, string> {
  const ml = getPath(obj, ['spec', 'selector', 'matchLabels']);
  return isRecord(ml) ? Object.fromEntries(Object.entries(ml).map(([k, v]) => [k, String(v)])) : {};
}

export class Workloads {
  private readonly dirty = new Map<string, { rt: ResourceType; ns: string; name: string }>();
  private lastCronMinute = 0;

  constructor(private readonly ctx: ControllerContext) {}

  private markOwner(rec: StoredObject): void {
    const obj = parseStored(rec);
    for (const o of obj.metadata.ownerReferences ?? []) {
      if (!o.controller) continue;
      const rt = this.ctx.store.registry.byKind(o.apiVersion, o.kind);
      if (rt) this.dirty.set(`${rt.id}|${rec.namespace}/${o.name}`, { rt, ns: rec.namespace, name: o.name });
    }
  }

  onEvent(ev: StoreEvent): void {
    const r = this.ctx.rt;
    if (ev.rt === r.deployments || ev.rt === r.replicasets || ev.rt === r.statefulsets || ev.rt === r.daemonsets || ev.rt === r.jobs || ev.rt === r.cronjobs) {
      if (ev.type !== 'DELETED') this.dirty.set(`${ev.rt.id}|${ev.obj.key}`, { rt: ev.rt, ns: ev.obj.namespace, name: ev.obj.name });
    }
    if (ev.obj.ownerUids) this.markOwner(ev.obj);
    if (ev.rt === r.nodes) for (const ds of this.ctx.store.collection(r.daemonsets).values()) this.dirty.set(`${r.daemonsets.id}|${ds.key}`, { rt: r.daemonsets, ns: ds.namespace, name: ds.name });
  }

  /** Everything once (after seeding). */
  markAll(): void {
    const r = this.ctx.rt;
    for (const rt of [r.deployments, r.replicasets, r.statefulsets, r.daemonsets, r.jobs, r.cronjobs]) {
      for (const rec of this.ctx.store.collection(rt).values()) this.dirty.set(`${rt.id}|${rec.key}`, { rt, ns: rec.namespace, name: rec.name });
    }
  }

  tick(): void {
    this.cron();
    for (let round = 0; round < 3 && this.dirty.size > 0; round++) {
      const batch = [...this.dirty.values()];
      this.dirty.clear();
      for (const d of batch) {
        const rec = this.ctx.store.get(d.rt, d.ns, d.name);
        if (!rec) continue;
        try {
          this.reconcile(d.rt, parseStored(rec));
        } catch (err) {
          process.emitWarning(`kube-sim controller: ${d.rt.plural} ${d.ns}/${d.name}: ${String(err)}`);
        }
      }
    }
  }

  private reconcile(rt: ResourceType, obj: KubeObject): void {
    if (obj.metadata.deletionTimestamp) return;
    const r = this.ctx.rt;
    if (rt === r.deployments) this.deployment(obj);
    else if (rt === r.replicasets) this.replicaSet(obj);
    else if (rt === r.statefulsets) this.statefulSet(obj);
    else if (rt === r.daemonsets) this.daemonSet(obj);
    else if (rt === r.jobs) this.job(obj);
  }

  private owned(owner: KubeObject, rt: ResourceType): KubeObject[] {
    return this.ctx.store.dependents(owner.metadata.uid ?? '').filter(([t]) => t === rt).map(([, rec]) => parseStored(rec));
  }

  private setStatus(rt: ResourceType, obj: KubeObject, status: Record<string, unknown>, replace = false): void {
    const merged = replace ? status : { ...asRecord(obj['status']), ...status };
    if (deepEqual(obj['status'], merged)) return;
    this.ctx.store.mutate(rt, obj.metadata.namespace ?? '', obj.metadata.name ?? '', (o) => {
      if (deepEqual(o['status'], merged)) return false;
      o['status'] = merged;
      return true;
    });
  }

  private newPod(owner: KubeObject, template: unknown, name: string, extraLabels: Record<string, string> = {}, nodeName?: string): void {
    const tpl = asRecord(template);
    const md = asRecord(tpl['metadata']);
    const spec = structuredClone(asRecord(tpl['spec']));
    if (nodeName) spec['nodeName'] = nodeName;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        labels: { ...(asRecord(md['labels']) as Record<string, string>), ...extraLabels },
        annotations: { ...(asRecord(md['annotations']) as Record<string, string>) },
        ownerReferences: [ownerRef(owner)],
      },
      spec,
    };
    this.ctx.store.create(this.ctx.rt.pods, pod);
  }

  private deletePod(p: KubeObject): void {
    const ns = p.metadata.namespace ?? '';
    const name = p.metadata.name ?? '';
    if (!this.ctx.store.get(this.ctx.rt.pods, ns, name) || p.metadata.deletionTimestamp) return;
    // Scheduled pods terminate gracefully; unscheduled ones go at once, like the apiserver does.
    if (asString(getPath(p, ['spec', 'nodeName']))) this.ctx.store.markDeleting(this.ctx.rt.pods, ns, name, 30);
    else this.ctx.store.delete(this.ctx.rt.pods, ns, name);
  }

  private deployment(d: KubeObject): void {
    const r = this.ctx.rt;
    const tpl = getPath(d, ['spec', 'template']);
    const hash = templateHash(tpl);
    const replicas = asNumber(getPath(d, ['spec', 'replicas'])) ?? 1;
    const rses = this.owned(d, r.replicasets);
    let current = rses.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const revision = String(Math.max(0, ...rses.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '0'))) + (current ? 0 : 1));
    if (!current) {
      const tplRec = structuredClone(asRecord(tpl));
      const tmd = asRecord(tplRec['metadata']);
      tmd['labels'] = { ...asRecord(tmd['labels']), 'pod-template-hash': hash };
      tplRec['metadata'] = tmd;
      const rs: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name ?? ''}-${hash}`,
          namespace: d.metadata.namespace,
          labels: { ...(asRecord(tmd['labels']) as Record<string, string>) },
          annotations: { 'deployment.kubernetes.io/revision': revision, 'deployment.kubernetes.io/desired-replicas': String(replicas) },
          ownerReferences: [ownerRef(d)],
        },
        spec: { replicas, selector: { matchLabels: { ...selectorLabels(d), 'pod-template-hash': hash } }, template: tplRec },
      };
      current = parseStored(this.ctx.store.create(r.replicasets, rs));
      this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${current.metadata.name ?? ''} from 0 to ${replicas}`, { component: 'deployment-controller' });
    } else if ((asNumber(getPath(current, ['spec', 'replicas'])) ?? 0) !== replicas) {
      const from = asNumber(getPath(current, ['spec', 'replicas'])) ?? 0;
      this.ctx.store.mutate(r.replicasets, current.metadata.namespace ?? '', current.metadata.name ?? '', (x) => { (x['spec'] as Record<string, unknown>)['replicas'] = replicas; });
      this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${current.metadata.name ?? ''} from ${from} to ${replicas}`, { component: 'deployment-controller' });
    }
    for (const rs of rses) {
      if (rs.metadata.uid === current.metadata.uid) continue;
      const n = asNumber(getPath(rs, ['spec', 'replicas'])) ?? 0;
      if (n === 0) continue;
      this.ctx.store.mutate(r.replicasets, rs.metadata.namespace ?? '', rs.metadata.name ?? '', (x) => { (x['spec'] as Record<string, unknown>)['replicas'] = 0; });
      this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${rs.metadata.name ?? ''} from ${n} to 0`, { component: 'deployment-controller' });
    }
    const all = this.owned(d, r.replicasets);
    const sum = (path: string[]): number => all.reduce((a, rs) => a + (asNumber(getPath(rs, path)) ?? 0), 0);
    const cur = all.find((rs) => rs.metadata.uid === current?.metadata.uid);
    const ready = sum(['status', 'readyReplicas']);
    const available = sum(['status', 'availableReplicas']);
    const total = sum(['status', 'replicas']);
    const now = rfc3339(this.ctx.store.now());
    const prevConds = asArray(getPath(d, ['status', 'conditions']));
    const cond = (type: string, ok: boolean, reason: string, message: string): Record<string, unknown> => {
      const prev = prevConds.find((c) => getPath(c, ['type']) === type);
      const status = ok ? 'True' : 'False';
      const same = prev && getPath(prev, ['status']) === status && getPath(prev, ['reason']) === reason;
      return { type, status, lastUpdateTime: same ? getPath(prev, ['lastUpdateTime']) : now, lastTransitionTime: same ? getPath(prev, ['lastTransitionTime']) : now, reason, message };
    };
    const status: Record<string, unknown> = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: total,
      updatedReplicas: asNumber(getPath(cur, ['status', 'replicas'])) ?? 0,
      readyReplicas: ready,
      availableReplicas: available,
      conditions: [
        available >= replicas ? cond('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.') : cond('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        cond('Progressing', true, available >= replicas ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', `ReplicaSet "${current.metadata.name ?? ''}" ${available >= replicas ? 'has successfully progressed.' : 'is progressing.'}`),
      ],
    };
    if (total - available > 0) status['unavailableReplicas'] = total - available;
    this.setStatus(r.deployments, d, status, true);
    if (d.metadata.annotations?.['deployment.kubernetes.io/revision'] !== revision) {
      this.ctx.store.mutate(r.deployments, d.metadata.namespace ?? '', d.metadata.name ?? '', (x) => {
        (x.metadata.annotations ??= {})['deployment.kubernetes.io/revision'] = revision;
      });
    }
  }

  private replicaSet(rs: KubeObject): void {
    const r = this.ctx.rt;
    const want = asNumber(getPath(rs, ['spec', 'replicas'])) ?? 1;
    const pods = this.owned(rs, r.pods).filter((p) => !p.metadata.deletionTimestamp && podPhase(p) !== 'Failed' && podPhase(p) !== 'Succeeded');
    if (pods.length < want) {
      for (let i = pods.length; i < want; i++) {
        const name = `${rs.metadata.name ?? ''}-${randomSuffix()}`;
        this.newPod(rs, getPath(rs, ['spec', 'template']), name);
        this.ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, { component: 'replicaset-controller' });
      }
    } else if (pods.length > want) {
      const victims = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || byCodeUnit(String(b.metadata.creationTimestamp), String(a.metadata.creationTimestamp)));
      for (const p of victims.slice(0, pods.length - want)) {
        this.deletePod(p);
        this.ctx.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`, { component: 'replicaset-controller' });
      }
    }
    const now = this.owned(rs, r.pods).filter((p) => !p.metadata.deletionTimestamp);
    const ready = now.filter(isReady).length;
    this.setStatus(r.replicasets, rs, { replicas: now.length, fullyLabeledReplicas: now.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation ?? 1 });
  }

  private statefulSet(sts: KubeObject): void {
    const r = this.ctx.rt;
    const want = asNumber(getPath(sts, ['spec', 'replicas'])) ?? 1;
    const name = sts.metadata.name ?? '';
    const pods = this.owned(sts, r.pods);
    const rev = `${name}-${templateHash(getPath(sts, ['spec', 'template']))}`;
    for (let i = 0; i < want; i++) {
      const podName = `${name}-${i}`;
      if (pods.some((p) => p.metadata.name === podName)) continue;
      if (this.ctx.store.get(r.pods, sts.metadata.namespace ?? '', podName)) continue;
      this.newPod(sts, getPath(sts, ['spec', 'template']), podName, { 'statefulset.kubernetes.io/pod-name': podName, 'controller-revision-hash': rev, 'apps.kubernetes.io/pod-index': String(i) });
      this.ctx.events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${name} successful`, { component: 'statefulset-controller' });
    }
    for (const p of pods) {
      const idx = Number((p.metadata.name ?? '').slice(name.length + 1));
      if (idx >= want && !p.metadata.deletionTimestamp) {
        this.deletePod(p);
        this.ctx.events.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name ?? ''} in StatefulSet ${name} successful`, { component: 'statefulset-controller' });
      }
    }
    const live = this.owned(sts, r.pods).filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isReady).length;
    this.setStatus(r.statefulsets, sts, { observedGeneration: sts.metadata.generation ?? 1, replicas: live.length, readyReplicas: ready, currentReplicas: live.length, updatedReplicas: live.length, availableReplicas: ready, currentRevision: rev, updateRevision: rev, collisionCount: 0 });
  }

  private daemonSet(ds: KubeObject): void {
    const r = this.ctx.rt;
    const nodes = [...this.ctx.store.collection(r.nodes).values()].map((n) => nodeInfo(parseStored(n)));
    const tolerates = asArray(getPath(ds, ['spec', 'template', 'spec', 'tolerations'])).some((t) => getPath(t, ['operator']) === 'Exists' && getPath(t, ['key']) === undefined);
    const eligible = nodes.filter((n) => n.schedulable || tolerates);
    const pods = this.owned(ds, r.pods).filter((p) => !p.metadata.deletionTimestamp);
    for (const n of eligible) {
      if (pods.some((p) => getPath(p, ['spec', 'nodeName']) === n.name)) continue;
      const podName = `${ds.metadata.name ?? ''}-${randomSuffix()}`;
      this.newPod(ds, getPath(ds, ['spec', 'template']), podName, { 'controller-revision-hash': templateHash(getPath(ds, ['spec', 'template'])) }, n.name);
      this.ctx.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${podName}`, { component: 'daemonset-controller' });
    }
    const live = this.owned(ds, r.pods).filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isReady).length;
    this.setStatus(r.daemonsets, ds, { desiredNumberScheduled: eligible.length, currentNumberScheduled: live.length, numberReady: ready, updatedNumberScheduled: live.length, numberAvailable: ready, numberMisscheduled: 0, observedGeneration: ds.metadata.generation ?? 1 });
  }

  private job(job: KubeObject): void {
    const r = this.ctx.rt;
    const status = asRecord(job['status']);
    const done = asArray(status['conditions']).some((c) => (getPath(c, ['type']) === 'Complete' || getPath(c, ['type']) === 'Failed') && getPath(c, ['status']) === 'True');
    const pods = this.owned(job, r.pods);
    const succeeded = pods.filter((p) => podPhase(p) === 'Succeeded').length;
    const failed = pods.filter((p) => podPhase(p) === 'Failed').length;
    const active = pods.filter((p) => podPhase(p) !== 'Succeeded' && podPhase(p) !== 'Failed' && !p.metadata.deletionTimestamp);
    const completions = asNumber(getPath(job, ['spec', 'completions'])) ?? 1;
    const parallelism = asNumber(getPath(job, ['spec', 'parallelism'])) ?? 1;
    const backoffLimit = asNumber(getPath(job, ['spec', 'backoffLimit'])) ?? 6;
    const now = rfc3339(this.ctx.store.now());
    if (done) return;
    const next: Record<string, unknown> = { startTime: status['startTime'] ?? now, active: active.length, succeeded, failed, ready: active.filter(isReady).length, terminating: 0, uncountedTerminatedPods: {} };
    if (succeeded >= completions) {
      next['active'] = 0;
      next['completionTime'] = now;
      next['conditions'] = [
        { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
        { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now, lastTransitionTime: now },
      ];
      this.setStatus(r.jobs, job, next);
      this.ctx.events.record(job, 'Normal', 'Completed', 'Job completed', { component: 'job-controller' });
      this.cronJobOfJobDone(job, now);
      return;
    }
    if (failed > backoffLimit) {
      next['active'] = 0;
      next['conditions'] = [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now, lastTransitionTime: now }];
      this.setStatus(r.jobs, job, next);
      this.ctx.events.record(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', { component: 'job-controller' });
      return;
    }
    const missing = Math.min(parallelism - active.length, completions - succeeded - active.length);
    for (let i = 0; i < missing; i++) {
      const name = `${job.metadata.name ?? ''}-${randomSuffix()}`;
      const ctlUid = job.metadata.uid ?? '';
      this.newPod(job, getPath(job, ['spec', 'template']), name, { 'batch.kubernetes.io/controller-uid': ctlUid, 'batch.kubernetes.io/job-name': job.metadata.name ?? '', 'job-name': job.metadata.name ?? '' });
      this.ctx.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, { component: 'job-controller' });
      next['active'] = (next['active'] as number) + 1;
    }
    this.setStatus(r.jobs, job, next);
  }

  private cronJobOfJobDone(job: KubeObject, now: string): void {
    const owner = (job.metadata.ownerReferences ?? []).find((o) => o.kind === 'CronJob');
    if (!owner) return;
    const cj = this.ctx.store.getObject(this.ctx.rt.cronjobs, job.metadata.namespace ?? '', owner.name);
    if (!cj) return;
    const active = asArray(getPath(cj, ['status', 'active'])).filter((a) => getPath(a, ['uid']) !== job.metadata.uid);
    this.setStatus(this.ctx.rt.cronjobs, cj, { active: active.length ? active : undefined, lastSuccessfulTime: now });
    this.pruneJobs(cj);
  }

  private pruneJobs(cj: KubeObject): void {
    const keep = asNumber(getPath(cj, ['spec', 'successfulJobsHistoryLimit'])) ?? 3;
    const jobs = this.owned(cj, this.ctx.rt.jobs)
      .filter((j) => asArray(getPath(j, ['status', 'conditions'])).some((c) => getPath(c, ['type']) === 'Complete'))
      .sort((a, b) => byCodeUnit(String(a.metadata.creationTimestamp), String(b.metadata.creationTimestamp)) || byCodeUnit(String(a.metadata.name), String(b.metadata.name)));
    for (const j of jobs.slice(0, Math.max(0, jobs.length - keep))) {
      if (this.ctx.store.get(this.ctx.rt.jobs, j.metadata.namespace ?? '', j.metadata.name ?? '')) this.ctx.store.delete(this.ctx.rt.jobs, j.metadata.namespace ?? '', j.metadata.name ?? '');
    }
  }

  private cron(): void {
    const nowMs = this.ctx.store.now();
    const minute = Math.floor(nowMs / 60_000);
    if (minute === this.lastCronMinute) return;
    const first = this.lastCronMinute === 0;
    this.lastCronMinute = minute;
    if (first) return;
    const r = this.ctx.rt;
    for (const rec of [...this.ctx.store.collection(r.cronjobs).values()]) {
      const cj = parseStored(rec);
      if (getPath(cj, ['spec', 'suspend']) === true) continue;
      if (!cronMatches(asString(getPath(cj, ['spec', 'schedule'])) ?? '', nowMs)) continue;
      const scheduled = minute * 60_000;
      const name = `${cj.metadata.name ?? ''}-${minute}`;
      if (this.ctx.store.get(r.jobs, rec.namespace, name)) continue;
      const jt = asRecord(getPath(cj, ['spec', 'jobTemplate']));
      const jmd = asRecord(jt['metadata']);
      const job: KubeObject = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          namespace: rec.namespace,
          labels: asRecord(jmd['labels']) as Record<string, string>,
          annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': rfc3339(scheduled) },
          ownerReferences: [ownerRef(cj)],
        },
        spec: structuredClone(asRecord(jt['spec'])),
      };
      const created = parseStored(this.ctx.store.create(r.jobs, job));
      this.ctx.events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`, { component: 'cronjob-controller' });
      const active = [...asArray(getPath(cj, ['status', 'active'])), { kind: 'Job', namespace: rec.namespace, name, uid: created.metadata.uid, apiVersion: 'batch/v1', resourceVersion: created.metadata.resourceVersion }];
      this.setStatus(r.cronjobs, cj, { active, lastScheduleTime: rfc3339(scheduled) });
    }
  }
}
