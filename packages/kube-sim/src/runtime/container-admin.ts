/** Admin operations on containers: append log lines, terminate or restart a container, log rates. */
import type { ResourceType } from '../api/resource-types.js';
import { badRequest, notFound } from '../api/status.js';
import { flavourFor } from '../logs/log-lines.js';
import type { LogStore } from '../logs/log-store.js';
import { resolveContainer } from '../logs/log-handler.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseStored } from '../store/stored-object.js';
import type { KubeObject } from '../types.js';
import { containerState, mainContainers } from './pod-info.js';
import { startContainer, terminateContainer } from './pod-status.js';

export interface LogRateSpec {
  perSec: number;
  namespace?: string;
  pod?: string;
  container?: string;
  /** Pad or cut generated lines to this many characters. */
  lineLength?: number;
}

export class ContainerAdmin {
  constructor(private readonly store: ObjectStore, private readonly pods: ResourceType, private readonly logs: LogStore) {}

  private pod(namespace: string, name: string): KubeObject {
    const rec = this.store.get(this.pods, namespace, name);
    if (!rec) throw notFound('pods', name);
    return parseStored(rec);
  }

  /** `clockMs`: the lines' time as a node's clock reads it (tests: it may be behind the lines before). */
  appendLog(namespace: string, pod: string, container: string | undefined, lines: string | readonly string[], clockMs?: number): void {
    const p = this.pod(namespace, pod);
    const c = resolveContainer(p, container ?? '');
    const log = this.logs.ensure(p.metadata.uid ?? '', c);
    const list = typeof lines === 'string' ? [lines] : lines;
    if (clockMs !== undefined) return log.appendAt(list.join('\n'), clockMs);
    for (const l of list) log.append(l);
  }

  /** The container exits with `exitCode`: status terminated, log followers see the end. */
  terminateContainer(namespace: string, pod: string, container: string | undefined, exitCode: number): void {
    const p = this.pod(namespace, pod);
    const c = resolveContainer(p, container ?? '');
    if (!containerState(p, c).startsWith('running') && containerState(p, c) !== 'unknown') throw badRequest(`container ${c} is not running`);
    this.store.mutate(this.pods, namespace, pod, (x) => terminateContainer(x, c, exitCode, this.store.now()));
    this.logs.terminate(p.metadata.uid ?? '', c);
  }

  /** A new instance of the container starts: restartCount grows, the old log becomes "previous". */
  restartContainer(namespace: string, pod: string, container: string | undefined): void {
    const p = this.pod(namespace, pod);
    const c = resolveContainer(p, container ?? '');
    const now = this.store.now();
    this.store.mutate(this.pods, namespace, pod, (x) => {
      const statuses = (x['status'] as Record<string, unknown> | undefined)?.['containerStatuses'];
      const cs = Array.isArray(statuses) ? (statuses as Array<Record<string, unknown>>).find((s) => s['name'] === c) : undefined;
      if (cs) {
        const st = cs['state'] as Record<string, unknown> | undefined;
        if (st?.['running']) terminateContainer(x, c, 137, now, 'Error');
        const after = cs['state'] as Record<string, unknown> | undefined;
        if (after?.['terminated']) cs['lastState'] = { terminated: after['terminated'] };
        cs['restartCount'] = (typeof cs['restartCount'] === 'number' ? cs['restartCount'] : 0) + 1;
      }
      startContainer(x, c, now, true);
    });
    const log = this.logs.restart(p.metadata.uid ?? '', c);
    const image = mainContainers(p).find((m) => m.name === c)?.image ?? '';
    for (const l of flavourFor(image, c).startup()) log.append(l);
  }

  /** Generates log lines at `perSec` per matching running container; 0 stops. Returns the count. */
  setLogRate(spec: LogRateSpec): number {
    let n = 0;
    const coll = this.store.collection(this.pods);
    const [from, to] = spec.namespace !== undefined ? coll.namespaceRange(spec.namespace) : [0, coll.keyCount];
    for (let i = from; i < to; i++) {
      const rec = coll.get(coll.keyAt(i) as string);
      if (!rec || (spec.pod !== undefined && rec.name !== spec.pod)) continue;
      const p = parseStored(rec);
      for (const c of mainContainers(p)) {
        if (spec.container !== undefined && c.name !== spec.container) continue;
        if (containerState(p, c.name) !== 'running') continue;
        const uid = p.metadata.uid ?? '';
        this.logs.ensure(uid, c.name);
        const f = flavourFor(c.image, c.name);
        this.logs.produce(uid, c.name, { perSec: spec.perSec, lineLength: spec.lineLength, make: (k) => f.line(k, new Date()) });
        n++;
      }
    }
    return n;
  }
}
