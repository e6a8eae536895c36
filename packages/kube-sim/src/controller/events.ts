/** Records core/v1 Events like kubelet and controllers do, aggregating repeats (count++). */
import { randomBytes } from 'node:crypto';
import type { ResourceType } from '../api/resource-types.js';
import type { ObjectStore } from '../store/object-store.js';
import { rfc3339 } from '../store/object-store.js';
import type { KubeObject } from '../types.js';

const PER_NAMESPACE_CAP = 300;

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  private readonly byKey = new Map<string, { ns: string; name: string }>();
  private readonly order = new Map<string, string[]>();

  constructor(private readonly store: ObjectStore, private readonly eventsRt: ResourceType) {}

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    const md = obj.metadata;
    const ns = md.namespace ?? 'default';
    const key = `${md.uid ?? ''}|${reason}|${message}`;
    const now = rfc3339(this.store.now());
    const existing = this.byKey.get(key);
    if (existing && this.store.get(this.eventsRt, existing.ns, existing.name)) {
      this.store.mutate(this.eventsRt, existing.ns, existing.name, (e) => {
        e['count'] = (typeof e['count'] === 'number' ? e['count'] : 1) + 1;
        e['lastTimestamp'] = now;
      });
      return;
    }
    const name = `${md.name ?? 'object'}.${randomBytes(8).toString('hex')}`;
    const involved: Record<string, unknown> = { kind: obj.kind, namespace: ns, name: md.name, uid: md.uid, apiVersion: obj.apiVersion, resourceVersion: md.resourceVersion };
    if (fieldPath) involved['fieldPath'] = fieldPath;
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: involved,
      reason,
      message,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    if (!this.store.get(this.store.registry.get('', 'v1', 'namespaces') as ResourceType, '', ns)) return;
    this.store.create(this.eventsRt, ev);
    this.byKey.set(key, { ns, name });
    const list = this.order.get(ns) ?? [];
    list.push(name);
    this.order.set(ns, list);
    while (list.length > PER_NAMESPACE_CAP) {
      const old = list.shift() as string;
      if (this.store.get(this.eventsRt, ns, old)) this.store.delete(this.eventsRt, ns, old);
    }
  }
}
