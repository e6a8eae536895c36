/**
 * The object store: one global resourceVersion across all kinds (like an etcd revision),
 * per-kind collections in key order, a bounded event history, and synchronous event fan-out.
 */
import { randomUUID } from 'node:crypto';
import { apiVersionOf, ResourceRegistry, resourceTypeFromCrd, type ResourceType } from '../api/resource-types.js';
import { alreadyExists, conflict, conflictBecause, forbiddenBecause, notFound } from '../api/status.js';
import { decodeSecret } from './secret-data.js';
import type { KubeObject, ObjectMeta } from '../types.js';
import { Collection } from './collection.js';
import { applyCreateDefaults } from './defaults.js';
import { EventHistory, type EventType, type HistoryLimits, type StoreEvent } from './history.js';
import { objectKey, parseStored, restamp, toStored, type StoredObject } from './stored-object.js';
import { validateObject } from './validate.js';
import { deepEqual } from '../util/deep-equal.js';

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  preconditionRv?: string;
  preconditionUid?: string;
  propagation?: Propagation;
}

export interface DeleteResult {
  /** The object as last stored: removed (with the deletion RV) or marked for deletion. */
  obj: StoredObject;
  /** False when finalizers keep the object around with a deletionTimestamp. */
  removed: boolean;
}

export interface StoreOptions {
  history?: Partial<HistoryLimits>;
  now?: () => number;
}

export const DEFAULT_HISTORY: HistoryLimits = { maxEvents: 10_000, maxAgeMs: 150_000 };

const CRD_ID = 'apiextensions.k8s.io/v1/customresourcedefinitions';
const NS_ID = '/v1/namespaces';

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function orderMeta(md: ObjectMeta): ObjectMeta {
  const {
    name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp, deletionTimestamp,
    deletionGracePeriodSeconds, labels, annotations, ownerReferences, finalizers, ...rest
  } = md;
  const out: ObjectMeta = {};
  if (name !== undefined) out.name = name;
  if (generateName !== undefined) out.generateName = generateName;
  if (namespace !== undefined) out.namespace = namespace;
  if (uid !== undefined) out.uid = uid;
  if (resourceVersion !== undefined) out.resourceVersion = resourceVersion;
  if (generation !== undefined) out.generation = generation;
  if (creationTimestamp !== undefined) out.creationTimestamp = creationTimestamp;
  if (deletionTimestamp !== undefined) out.deletionTimestamp = deletionTimestamp;
  if (deletionGracePeriodSeconds !== undefined) out.deletionGracePeriodSeconds = deletionGracePeriodSeconds;
  if (labels !== undefined) out.labels = labels;
  if (annotations !== undefined) out.annotations = annotations;
  if (ownerReferences !== undefined) out.ownerReferences = ownerReferences;
  if (finalizers !== undefined && finalizers.length > 0) out.finalizers = finalizers;
  return Object.assign(out, rest);
}

/** Puts apiVersion, kind and metadata first, as the apiserver's encoder does. */
/** What the apiserver's decoding does to an incoming object before it is validated. */
function decodeIncoming(rt: ResourceType, obj: KubeObject): void {
  if (rt.group === '' && rt.plural === 'secrets') decodeSecret(obj);
}

function normalise(rt: ResourceType, obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
  return { apiVersion: apiVersionOf(rt), kind: rt.kind, metadata: orderMeta(metadata), ...rest };
}

function sameSpec(a: KubeObject, b: KubeObject): boolean {
  const { metadata: _m1, status: _s1, apiVersion: _a1, kind: _k1, ...ra } = a;
  const { metadata: _m2, status: _s2, apiVersion: _a2, kind: _k2, ...rb } = b;
  return deepEqual(ra, rb);
}

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
  return s;
}

export class ObjectStore {
  readonly registry: ResourceRegistry;
  readonly history: EventHistory;
  private rvCounter: number;
  private readonly colls = new Map<string, Collection>();
  /** owner uid → `${rtId}\0${key}` of dependents. */
  private readonly owners = new Map<string, Set<string>>();
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private readonly rvWaiters = new Set<{ rv: number; resolve: () => void }>();
  private ipCounter = 1;
  readonly now: () => number;
  /** Count of writes (events) since start, for metrics. */
  writes = 0;

  constructor(registry = new ResourceRegistry(), opts: StoreOptions = {}, initialRv = 0) {
    this.registry = registry;
    this.now = opts.now ?? Date.now;
    this.rvCounter = initialRv;
    this.history = new EventHistory({ ...DEFAULT_HISTORY, ...opts.history }, initialRv);
  }

  /** The current global resourceVersion. */
  get rv(): number {
    return this.rvCounter;
  }

  timestamp(): string {
    return rfc3339(this.now());
  }

  collection(rt: ResourceType): Collection {
    let c = this.colls.get(rt.id);
    if (!c) {
      c = new Collection();
      this.colls.set(rt.id, c);
    }
    return c;
  }

  count(rt: ResourceType): number {
    return this.colls.get(rt.id)?.size ?? 0;
  }

  get(rt: ResourceType, namespace: string, name: string): StoredObject | undefined {
    return this.colls.get(rt.id)?.get(objectKey(rt.namespaced ? namespace : '', name));
  }

  getObject(rt: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const rec = this.get(rt, namespace, name);
    return rec ? parseStored(rec) : undefined;
  }

  require(rt: ResourceType, namespace: string, name: string): StoredObject {
    const rec = this.get(rt, namespace, name);
    if (!rec) throw notFound(rt.plural, name, rt.group);
    return rec;
  }

  subscribe(fn: (ev: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves once the global RV reaches `rv`, or false after `timeoutMs`. */
  waitForRv(rv: number, timeoutMs: number): Promise<boolean> {
    if (this.rvCounter >= rv) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = { rv, resolve: () => { clearTimeout(t); resolve(true); } };
      const t = setTimeout(() => { this.rvWaiters.delete(w); resolve(false); }, timeoutMs);
      t.unref();
      this.rvWaiters.add(w);
    });
  }

  allocateClusterIP(): string {
    const n = this.ipCounter++;
    return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  }

  private namespaceExists(ns: string): boolean {
    const nsRt = this.registry.byIdOf(NS_ID);
    return !nsRt || this.colls.get(NS_ID)?.has(ns) === true;
  }

  /** Creates an object. Takes ownership of `input` (it is mutated). */
  create(rt: ResourceType, input: KubeObject, opts: { dryRun?: boolean; createdAt?: number } = {}): StoredObject {
    const md = (input.metadata ??= {});
    if (!rt.namespaced) delete md.namespace;
    else if (!md.namespace) md.namespace = 'default';
    if (!md.name && md.generateName) md.name = `${md.generateName}${randomSuffix()}`;
    decodeIncoming(rt, input);
    validateObject(rt, input);
    const ns = md.namespace ?? '';
    if (rt.namespaced && !this.namespaceExists(ns)) throw notFound('namespaces', ns);
    if (rt.namespaced) {
      const nsRec = this.colls.get(NS_ID)?.get(ns);
      if (nsRec && nsRec.json.includes('"deletionTimestamp"')) {
        throw forbiddenBecause(rt.plural, rt.group, md.name ?? '', `unable to create new content in namespace ${ns} because it is being terminated`);
      }
    }
    const coll = this.collection(rt);
    if (coll.has(objectKey(ns, md.name ?? ''))) throw alreadyExists(rt.plural, md.name ?? '', rt.group);
    md.uid = randomUUID();
    md.creationTimestamp = opts.createdAt !== undefined ? rfc3339(opts.createdAt) : this.timestamp();
    md.generation = 1;
    delete md.deletionTimestamp;
    delete md.deletionGracePeriodSeconds;
    delete md.resourceVersion;
    applyCreateDefaults(rt, input, this);
    const obj = normalise(rt, input);
    if (opts.dryRun) {
      obj.metadata.resourceVersion = String(this.rvCounter);
      return toStored(rt, obj);
    }
    return this.commit(rt, 'ADDED', obj, null);
  }

  /**
   * Replaces an object. A non-empty metadata.resourceVersion in `input` must match (409 Conflict).
   * Takes ownership of `input`.
   */
  update(rt: ResourceType, input: KubeObject, opts: { dryRun?: boolean; statusOnly?: boolean } = {}): StoredObject {
    const md = (input.metadata ??= {});
    const ns = rt.namespaced ? md.namespace ?? 'default' : '';
    const name = md.name ?? '';
    const prev = this.require(rt, ns, name);
    if (md.resourceVersion !== undefined && md.resourceVersion !== '' && md.resourceVersion !== String(prev.rv)) {
      throw conflict(rt.plural, name, rt.group);
    }
    const old = parseStored(prev);
    let next: KubeObject;
    if (opts.statusOnly) {
      next = old;
      if ('status' in input) (next as Record<string, unknown>)['status'] = input['status'];
    } else {
      next = input;
      if (rt.namespaced) md.namespace = ns;
      else delete md.namespace;
      md.uid = old.metadata.uid;
      md.creationTimestamp = old.metadata.creationTimestamp;
      if (old.metadata.deletionTimestamp) {
        md.deletionTimestamp = old.metadata.deletionTimestamp;
        if (old.metadata.deletionGracePeriodSeconds !== undefined) md.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      } else {
        delete md.deletionTimestamp;
        delete md.deletionGracePeriodSeconds;
      }
      const gen = old.metadata.generation ?? 1;
      decodeIncoming(rt, next);
      md.generation = sameSpec(old, next) ? gen : gen + 1;
      validateObject(rt, next);
    }
    const obj = normalise(rt, next);
    if (opts.dryRun) {
      obj.metadata.resourceVersion = String(prev.rv);
      return toStored(rt, obj);
    }
    const rec = this.commit(rt, 'MODIFIED', obj, prev);
    // An object being deleted goes away once its finalizers are gone.
    if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0 && rt.plural !== 'pods') {
      return this.remove(rt, rec, 'Background');
    }
    return rec;
  }

  /**
   * Reads, changes and writes an object in one step (no precondition). `fn` returns false to
   * skip the write. Returns the new record, or undefined if the object does not exist.
   */
  mutate(rt: ResourceType, namespace: string, name: string, fn: (obj: KubeObject) => boolean | void): StoredObject | undefined {
    const rec = this.get(rt, namespace, name);
    if (!rec) return undefined;
    const obj = parseStored(rec);
    if (fn(obj) === false) return rec;
    obj.metadata.resourceVersion = String(rec.rv);
    return this.update(rt, obj);
  }

  /**
   * Starts graceful deletion: sets deletionTimestamp (now + grace) and deletionGracePeriodSeconds.
   * Something else (the pod lifecycle) finishes the deletion. Returns the updated record.
   */
  markDeleting(rt: ResourceType, namespace: string, name: string, graceSeconds: number, preconditionRv?: string): StoredObject {
    const rec = this.require(rt, namespace, name);
    if (preconditionRv && preconditionRv !== String(rec.rv)) throw conflict(rt.plural, name, rt.group);
    const obj = parseStored(rec);
    if (obj.metadata.deletionTimestamp) return rec;
    obj.metadata.deletionTimestamp = rfc3339(this.now() + graceSeconds * 1000);
    obj.metadata.deletionGracePeriodSeconds = graceSeconds;
    return this.commit(rt, 'MODIFIED', normalise(rt, obj), rec);
  }

  delete(rt: ResourceType, namespace: string, name: string, opts: DeleteOptions = {}): DeleteResult {
    const rec = this.require(rt, namespace, name);
    if (opts.preconditionUid && opts.preconditionUid !== rec.uid) {
      throw conflictBecause(rt.plural, name, rt.group, `Precondition failed: UID in precondition: ${opts.preconditionUid}, UID in object meta: ${rec.uid}`);
    }
    if (opts.preconditionRv && opts.preconditionRv !== String(rec.rv)) {
      throw conflictBecause(rt.plural, name, rt.group, `Precondition failed: ResourceVersion in precondition: ${opts.preconditionRv}, ResourceVersion in object meta: ${rec.rv}`);
    }
    const obj = parseStored(rec);
    if ((obj.metadata.finalizers ?? []).length > 0 && rt.id !== NS_ID) {
      if (obj.metadata.deletionTimestamp) return { obj: rec, removed: false };
      obj.metadata.deletionTimestamp = this.timestamp();
      obj.metadata.deletionGracePeriodSeconds = 0;
      return { obj: this.commit(rt, 'MODIFIED', normalise(rt, obj), rec), removed: false };
    }
    if (rt.id === NS_ID) return { obj: this.deleteNamespace(rt, rec), removed: true };
    return { obj: this.remove(rt, rec, opts.propagation ?? 'Background'), removed: true };
  }

  private deleteNamespace(rt: ResourceType, rec: StoredObject): StoredObject {
    const obj = parseStored(rec);
    obj.metadata.deletionTimestamp = this.timestamp();
    (obj as Record<string, unknown>)['status'] = { phase: 'Terminating' };
    const terminating = this.commit(rt, 'MODIFIED', normalise(rt, obj), rec);
    for (const other of this.registry.all()) {
      if (!other.namespaced) continue;
      const coll = this.colls.get(other.id);
      if (!coll) continue;
      const [from, to] = coll.namespaceRange(rec.name);
      const keys: string[] = [];
      for (let i = from; i < to; i++) keys.push(coll.keyAt(i) as string);
      for (const k of keys) {
        const r = coll.get(k);
        if (r) this.remove(other, r, 'Orphan');
      }
    }
    this.remove(rt, terminating, 'Orphan');
    return terminating;
  }

  /** Removes a record now: DELETED event, owner index cleanup and dependent garbage collection. */
  private remove(rt: ResourceType, rec: StoredObject, propagation: Propagation): StoredObject {
    const coll = this.collection(rt);
    const rv = this.rvCounter + 1;
    const stamped = restamp(rt, rec, rv);
    this.rvCounter = rv;
    coll.delete(rec.key);
    this.unindexOwners(rt, rec);
    this.record('DELETED', rt, stamped, rec);
    if (rt.id === CRD_ID) this.onCrdDeleted(rec);
    const depKeys = this.owners.get(rec.uid);
    if (depKeys) {
      this.owners.delete(rec.uid);
      for (const ref of [...depKeys]) {
        const sep = ref.indexOf('\0');
        const depRt = this.registry.byIdOf(ref.slice(0, sep));
        const dep = depRt ? this.colls.get(depRt.id)?.get(ref.slice(sep + 1)) : undefined;
        if (!depRt || !dep) continue;
        if (propagation === 'Orphan') {
          this.mutate(depRt, dep.namespace, dep.name, (o) => {
            o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== rec.uid);
            if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
          });
        } else {
          this.remove(depRt, dep, propagation);
        }
      }
    }
    return stamped;
  }

  private commit(rt: ResourceType, type: EventType, obj: KubeObject, prev: StoredObject | null): StoredObject {
    const rv = this.rvCounter + 1;
    obj.metadata.resourceVersion = String(rv);
    const rec = toStored(rt, obj);
    this.rvCounter = rv;
    const coll = this.collection(rt);
    if (prev) this.unindexOwners(rt, prev);
    coll.set(rec);
    this.indexOwners(rt, rec);
    this.record(type, rt, rec, prev);
    if (rt.id === CRD_ID) this.onCrdWritten(obj);
    return rec;
  }

  private record(type: EventType, rt: ResourceType, obj: StoredObject, prev: StoredObject | null): void {
    const ev: StoreEvent = { type, rv: this.rvCounter, rt, obj, prev, time: this.now() };
    this.history.push(ev);
    this.writes++;
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch (err) {
        process.emitWarning(`kube-sim: event listener failed: ${String(err)}`);
      }
    }
    if (this.rvWaiters.size > 0) {
      for (const w of this.rvWaiters) {
        if (this.rvCounter >= w.rv) {
          this.rvWaiters.delete(w);
          w.resolve();
        }
      }
    }
  }

  private indexOwners(rt: ResourceType, rec: StoredObject): void {
    if (!rec.ownerUids) return;
    const ref = `${rt.id}\0${rec.key}`;
    for (const uid of rec.ownerUids) {
      let s = this.owners.get(uid);
      if (!s) {
        s = new Set();
        this.owners.set(uid, s);
      }
      s.add(ref);
    }
  }

  private unindexOwners(rt: ResourceType, rec: StoredObject): void {
    if (!rec.ownerUids) return;
    const ref = `${rt.id}\0${rec.key}`;
    for (const uid of rec.ownerUids) {
      const s = this.owners.get(uid);
      if (!s) continue;
      s.delete(ref);
      if (s.size === 0) this.owners.delete(uid);
    }
  }

  /** Dependents of an owner uid, as [type, record] pairs. */
  dependents(uid: string): Array<[ResourceType, StoredObject]> {
    const out: Array<[ResourceType, StoredObject]> = [];
    for (const ref of this.owners.get(uid) ?? []) {
      const sep = ref.indexOf('\0');
      const rt = this.registry.byIdOf(ref.slice(0, sep));
      const rec = rt ? this.colls.get(rt.id)?.get(ref.slice(sep + 1)) : undefined;
      if (rt && rec) out.push([rt, rec]);
    }
    return out;
  }

  private onCrdWritten(obj: KubeObject): void {
    const rt = resourceTypeFromCrd(obj);
    if (rt) this.registry.add(rt);
  }

  private onCrdDeleted(rec: StoredObject): void {
    const rt = resourceTypeFromCrd(parseStored(rec));
    if (!rt) return;
    const coll = this.colls.get(rt.id);
    if (coll) for (const r of [...coll.values()]) this.remove(rt, r, 'Orphan');
    this.colls.delete(rt.id);
    this.registry.remove(rt.id);
    for (const l of this.typeRemovedListeners) l(rt.id);
  }

  private readonly typeRemovedListeners: Array<(id: string) => void> = [];

  /** A served type went away (its CRD deleted, after its objects): as kube-apiserver, open watches of it are ended. */
  onTypeRemoved(listener: (id: string) => void): void {
    this.typeRemovedListeners.push(listener);
  }

  /** Drops all retained history up to now (admin "compact now"). */
  compact(): void {
    this.history.compact(this.rvCounter);
  }
}

