import { ALL_NAMESPACES_KEY } from './all-namespaces.js';
import type { ClusterManager } from './cluster.js';
import { resolvePlural } from './aliases.js';
import type { InformerHandle } from './informer-pool.js';
import { KNOWN_KINDS } from './kinds/builtin.js';
import { collectionPath, kubeRequest, prepareRequest } from './kube-http.js';
import { statusError } from './api-error.js';
import { logPath } from './logs/log-request.js';
import { deleteObject, guardedMergePatch, objectPath, scaleObject } from './mutations.js';
import type { ObjectRef } from './object-ref.js';
import type { Reflector } from './reflector.js';
import type { ResourceRef } from './resource-ref.js';
import type { KubeObject } from './types.js';

/** A reader that comes back (say every 250 ms) keeps its informer; one left unused this long is released. */
const LINGER_MS = 30_000;

function waitSynced(r: Reflector, signal: AbortSignal): Promise<void> {
  if (r.state === 'synced') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (r.state === 'synced') done(resolve);
      else if (r.state === 'error' || (r.state === 'reconnecting' && r.store.size === 0 && r.error)) done(() => reject(new Error(r.error ?? 'cannot list the collection')));
    };
    const unsub = r.changed.subscribe(check);
    const onAbort = (): void => done(() => reject(new Error('cancelled')));
    const done = (fn: () => void): void => {
      unsub();
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    signal.addEventListener('abort', onAbort);
    check();
  });
}


/** Where a read goes: a kubeconfig context (null: none, i.e. no cluster) and a namespace (null: all). */
export interface ObjectScope {
  context: string | null;
  namespace: string | null;
}

/** A write to exactly the object with `uid` (refused when it is gone or was replaced). */
export type ObjectWrite = { context: string; resource: ResourceRef; namespace: string | null; name: string; uid: string } & (
  | { verb: 'delete' }
  | { verb: 'scale'; replicas: number }
  | { verb: 'patch'; patch: Record<string, unknown> }
);

/** One change of a watched collection: the object's newest state (coalesced per object). */
export interface ObjectChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/** Bounds of a log read. */
export interface LogTail {
  container?: string;
  tailLines: number;
  limitBytes: number;
  previous: boolean;
}

/**
 * A read/watch/write surface over the daemon's shared informers, for callers above the kube layer
 * that name resources by plural and know nothing of informers or REST paths: collections are
 * read from informers held while in use (a caller that reads every 250 ms costs no API calls),
 * single objects and uncached collections (secrets) by GET, logs bounded, writes pinned to a uid.
 * Every method rejects with a readable message (no cluster, RBAC 403, not found).
 */
export interface ClusterObjectSource {
  /** `pods`, `deployments.apps`, `certificates.cert-manager.io`: a resource the cluster serves, or a rejection saying it does not. */
  resolveResource(context: string | null, name: string, signal: AbortSignal): Promise<ResourceRef>;
  /** The objects of a collection (namespace null: all), from the shared informers, once synced. */
  list(scope: ObjectScope, resource: ResourceRef, signal: AbortSignal): Promise<KubeObject[]>;
  /** The objects of a collection read from the API server, never cached in the daemon (secrets). */
  fetchList(scope: ObjectScope, resource: ResourceRef, signal: AbortSignal): Promise<KubeObject[]>;
  /** One object read from the API server (rejects with `… not found` when absent). */
  get(scope: ObjectScope, resource: ResourceRef, name: string, signal: AbortSignal): Promise<KubeObject>;
  /** The end of a pod's log as text, at most `tailLines` lines and `limitBytes` bytes. */
  podLogs(context: string | null, namespace: string, pod: string, opts: LogTail, signal: AbortSignal): Promise<string>;
  write(op: ObjectWrite): Promise<void>;
  /**
   * Follows a collection through the shared informers: `onChange` gets the changes since the last
   * call (or `resync` when they cannot be told apart: a relist). Returns the unsubscribe.
   */
  watch(scope: ObjectScope, resource: ResourceRef, onChange: (changes: ObjectChange[] | 'resync') => void): () => void;
}

export class ClusterObjects implements ClusterObjectSource {
  private readonly held = new Map<string, { handle: InformerHandle; lastUsed: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly kube: ClusterManager) {
    this.sweeper = setInterval(() => this.sweep(), LINGER_MS).unref();
  }

  private context(scope: ObjectScope): string {
    if (!this.kube.available || scope.context === null) throw new Error(`no cluster connection: ${this.kube.problem ?? 'no context'}`);
    return scope.context;
  }

  /** The informer of a collection, held while used (released LINGER_MS after the last use). */
  private reflector(context: string, resource: ResourceRef, namespace: string | null): Reflector {
    const key = `${context}|${resource.group}/${resource.version}/${resource.plural}|${resource.namespaced ? (namespace ?? ALL_NAMESPACES_KEY) : ALL_NAMESPACES_KEY}`;
    let h = this.held.get(key);
    if (!h) {
      h = { handle: this.kube.pool.acquire(context, resource, namespace), lastUsed: Date.now() };
      this.held.set(key, h);
    }
    h.lastUsed = Date.now();
    return h.handle.reflector;
  }

  async resolveResource(context: string | null, name: string, signal: AbortSignal): Promise<ResourceRef> {
    const ctx = this.context({ context, namespace: null });
    const dot = name.indexOf('.');
    const plural = dot < 0 ? name : name.slice(0, dot);
    const group = dot < 0 ? null : name.slice(dot + 1);
    const known = KNOWN_KINDS.find((k) => k.id === plural && (group === null || k.group === group));
    if (known) return { group: known.group, version: known.version, plural: known.id, kind: known.kind, namespaced: known.namespaced };
    const list = await Promise.race([
      this.kube.discovery.get(ctx),
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true })),
    ]);
    const hit = resolvePlural(name, list);
    if (!hit) throw new Error(`the cluster serves no resource '${name}' (name it by its plural, e.g. pods, or plural.group)`);
    return { group: hit.group, version: hit.version, plural: hit.plural, kind: hit.kind, namespaced: hit.namespaced };
  }

  async list(scope: ObjectScope, resource: ResourceRef, signal: AbortSignal): Promise<KubeObject[]> {
    const r = this.reflector(this.context(scope), resource, scope.namespace);
    await waitSynced(r, signal);
    return r.store.sorted.map(({ obj }) => obj);
  }

  async fetchList(scope: ObjectScope, resource: ResourceRef, signal: AbortSignal): Promise<KubeObject[]> {
    const kc = this.kube.configFor(this.context(scope));
    const body = await kubeRequest<{ items?: KubeObject[] }>(kc, { path: collectionPath(resource, resource.namespaced ? scope.namespace : null), signal });
    return body.items ?? [];
  }

  async get(scope: ObjectScope, resource: ResourceRef, name: string, signal: AbortSignal): Promise<KubeObject> {
    const ctx = this.context(scope);
    return kubeRequest<KubeObject>(this.kube.configFor(ctx), { path: objectPath(this.ref(ctx, resource, scope.namespace, name)), signal });
  }

  private ref(context: string, resource: ResourceRef, namespace: string | null, name: string, uid?: string): ObjectRef {
    return { ...resource, kindId: resource.plural, context, namespace: resource.namespaced ? namespace : null, name, ...(uid ? { uid } : {}) };
  }

  async podLogs(
    context: string | null,
    namespace: string,
    pod: string,
    opts: LogTail,
    signal: AbortSignal,
  ): Promise<string> {
    const ctx = this.context({ context, namespace });
    const path = logPath({ context: ctx, namespace, pod, container: opts.container ?? '', previous: opts.previous });
    const query: Record<string, string | number | boolean> = { tailLines: opts.tailLines, limitBytes: opts.limitBytes };
    if (opts.container) query.container = opts.container;
    if (opts.previous) query.previous = true;
    const p = await prepareRequest(this.kube.configFor(ctx), { path, query, accept: 'text/plain', signal });
    return new Promise<string>((resolve, reject) => {
      const r = p.start((res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        // Bounded whatever the server sends: past the limit (errors: 64 KiB) the rest is not read.
        const cap = ok ? opts.limitBytes : 64 * 1024;
        res.on('data', (c: Buffer) => {
          if (size >= cap) return;
          chunks.push(c.subarray(0, cap - size));
          size += Math.min(c.length, cap - size);
          if (size >= cap) res.destroy();
        });
        const done = (): void => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (!ok) reject(statusError(res.statusCode ?? 0, body, p.what));
          else resolve(body);
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', (err) => reject(err));
      });
      r.on('error', (err) => reject(err));
    });
  }

  async write(op: ObjectWrite): Promise<void> {
    const kc = this.kube.configFor(this.context({ context: op.context, namespace: op.namespace }));
    const t = this.ref(op.context, op.resource, op.namespace, op.name, op.uid);
    if (op.verb === 'delete') return deleteObject(kc, t);
    if (op.verb === 'scale') return scaleObject(kc, t, op.replicas);
    return guardedMergePatch(kc, t, objectPath(t), op.patch, 'patched');
  }

  watch(scope: ObjectScope, resource: ResourceRef, onChange: (changes: ObjectChange[] | 'resync') => void): () => void {
    const handle = this.kube.pool.acquire(this.context(scope), resource, scope.namespace);
    const r = handle.reflector;
    let seq = r.store.seq;
    let synced = false;
    const uids = new Set<string>();
    const baseline = (): void => {
      seq = r.store.seq;
      uids.clear();
      for (const e of r.store.sorted) uids.add(e.obj.metadata.uid);
    };
    const check = (): void => {
      // What the informer holds when it is (first) synced is what list() answers, not a change.
      if (!synced) {
        if (r.state !== 'synced') return;
        synced = true;
        return baseline();
      }
      if (r.store.seq === seq) return;
      const changes = r.store.changesSince(seq);
      if (changes === null) {
        // A relist: the changes cannot be told apart.
        baseline();
        return onChange('resync');
      }
      seq = r.store.seq;
      const out: ObjectChange[] = [];
      for (const c of changes) {
        const uid = c.entry.obj.metadata.uid;
        const type = c.removed ? 'DELETED' : uids.has(uid) ? 'MODIFIED' : 'ADDED';
        if (c.removed) uids.delete(uid);
        else uids.add(uid);
        out.push({ type, object: c.entry.obj });
      }
      if (out.length > 0) onChange(out);
    };
    const unsub = r.changed.subscribe(check);
    check();
    return () => {
      unsub();
      handle.release();
    };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, h] of this.held) {
      if (now - h.lastUsed > LINGER_MS) {
        h.handle.release();
        this.held.delete(key);
      }
    }
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const h of this.held.values()) h.handle.release();
    this.held.clear();
  }
}

