import type {
  PluginKubeAccess, PluginKubeScope, PluginObject, PluginResource, PluginWatchChange, PluginWriteOp, PodSummary, SecretObject, SecretSummary,
} from '../plugins/kube-access.js';
import type { ClusterManager } from './cluster.js';
import { discoverResources, type DiscoveredResource } from './discovery.js';
import type { InformerHandle } from './informer-pool.js';
import { podSummary } from './kinds/index.js';
import { KNOWN_KINDS } from './kinds/builtin.js';
import { kubeRequest, prepareRequest } from './kube-http.js';
import { statusError } from './api-error.js';
import { logPath } from './logs/log-request.js';
import { deleteObject, guardedMergePatch, objectPath, scaleObject } from './mutations.js';
import type { ObjectRef } from './object-ref.js';
import type { Reflector } from './reflector.js';
import type { KubeObject } from './types.js';

const PODS = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
/** A plugin that ticks keeps its pods informer; one left unused this long is released. */
const LINGER_MS = 30_000;
/** Discovery is read again after this long (a CRD installed meanwhile becomes nameable). */
const DISCOVERY_TTL_MS = 60_000;

function waitSynced(r: Reflector, signal: AbortSignal): Promise<void> {
  if (r.state === 'synced') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (r.state === 'synced') done(resolve);
      else if (r.state === 'error' || (r.state === 'reconnecting' && r.store.size === 0 && r.error)) done(() => reject(new Error(r.error ?? 'cannot list pods')));
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


/**
 * What plugins get of the cluster: pods from the daemon's shared informers (so a plugin ticking
 * every 250 ms costs no API calls), secrets by GET (never cached in the daemon).
 */
export class ClusterPluginAccess implements PluginKubeAccess {
  private readonly held = new Map<string, { handle: InformerHandle; lastUsed: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly discovered = new Map<string, { at: number; list: Promise<DiscoveredResource[]> }>();

  constructor(private readonly kube: ClusterManager) {
    this.sweeper = setInterval(() => this.sweep(), LINGER_MS).unref();
  }

  private context(scope: PluginKubeScope): string {
    if (!this.kube.available || scope.context === null) throw new Error(`no cluster connection: ${this.kube.problem ?? 'no context'}`);
    return scope.context;
  }

  /** The informer of a collection, held while used (released LINGER_MS after the last use). */
  private reflector(context: string, resource: PluginResource, namespace: string | null): Reflector {
    const key = `${context}|${resource.group}/${resource.version}/${resource.plural}|${resource.namespaced ? (namespace ?? '*') : '*'}`;
    let h = this.held.get(key);
    if (!h) {
      h = { handle: this.kube.pool.acquire(context, resource, namespace), lastUsed: Date.now() };
      this.held.set(key, h);
    }
    h.lastUsed = Date.now();
    return h.handle.reflector;
  }

  async listPods(scope: PluginKubeScope, signal: AbortSignal): Promise<PodSummary[]> {
    const context = this.context(scope);
    const r = this.reflector(context, PODS, scope.namespace);
    await waitSynced(r, signal);
    const now = Date.now();
    return r.store.sorted.map(({ obj }) => {
      const s = podSummary(obj);
      const created = Date.parse(obj.metadata.creationTimestamp ?? '');
      return {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace ?? '',
        phase: String((obj.status as { phase?: unknown } | undefined)?.phase ?? 'Unknown'),
        status: s.status,
        ready: `${s.ready}/${s.total}`,
        restarts: s.restarts,
        node: String((obj.spec as { nodeName?: unknown } | undefined)?.nodeName ?? ''),
        ageSeconds: Number.isFinite(created) ? Math.max(0, Math.floor((now - created) / 1000)) : 0,
      };
    });
  }

  async getSecret(scope: PluginKubeScope & { namespace: string }, name: string, signal: AbortSignal): Promise<SecretObject> {
    const kc = this.kube.configFor(this.context(scope));
    const s = await kubeRequest<KubeObject & { type?: string; data?: Record<string, string> }>(kc, {
      path: `/api/v1/namespaces/${encodeURIComponent(scope.namespace)}/secrets/${encodeURIComponent(name)}`,
      signal,
    });
    return { name: s.metadata.name, namespace: s.metadata.namespace ?? scope.namespace, type: s.type ?? 'Opaque', data: s.data ?? {} };
  }

  async listSecrets(scope: PluginKubeScope & { namespace: string }, signal: AbortSignal): Promise<SecretSummary[]> {
    const kc = this.kube.configFor(this.context(scope));
    const body = await kubeRequest<{ items?: Array<KubeObject & { type?: string; data?: Record<string, string> }> }>(kc, {
      path: `/api/v1/namespaces/${encodeURIComponent(scope.namespace)}/secrets`,
      signal,
    });
    return (body.items ?? []).map((s) => ({ name: s.metadata.name, type: s.type ?? 'Opaque', keys: Object.keys(s.data ?? {}).length }));
  }

  async resolveResource(context: string | null, name: string, signal: AbortSignal): Promise<PluginResource> {
    const ctx = this.context({ context, namespace: null });
    const dot = name.indexOf('.');
    const plural = dot < 0 ? name : name.slice(0, dot);
    const group = dot < 0 ? null : name.slice(dot + 1);
    const known = KNOWN_KINDS.find((k) => k.id === plural && (group === null || k.group === group));
    if (known) return { group: known.group, version: known.version, plural: known.id, kind: known.kind, namespaced: known.namespaced };
    let cached = this.discovered.get(ctx);
    if (!cached || Date.now() - cached.at > DISCOVERY_TTL_MS) {
      cached = { at: Date.now(), list: discoverResources(this.kube.configFor(ctx)) };
      cached.list.catch(() => this.discovered.delete(ctx));
      this.discovered.set(ctx, cached);
    }
    const list = await Promise.race([
      cached.list,
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true })),
    ]);
    const hit = list.find((r) => r.plural === plural && (group === null || r.group === group));
    if (!hit) throw new Error(`the cluster serves no resource '${name}' (name it by its plural, e.g. pods, or plural.group)`);
    return { group: hit.group, version: hit.version, plural: hit.plural, kind: hit.kind, namespaced: hit.namespaced };
  }

  async listObjects(context: string | null, resource: PluginResource, namespace: string | null, signal: AbortSignal): Promise<PluginObject[]> {
    const r = this.reflector(this.context({ context, namespace }), resource, namespace);
    await waitSynced(r, signal);
    return r.store.sorted.map(({ obj }) => obj as PluginObject);
  }

  async getObject(context: string | null, resource: PluginResource, namespace: string | null, name: string, signal: AbortSignal): Promise<PluginObject> {
    const ctx = this.context({ context, namespace });
    return kubeRequest<PluginObject>(this.kube.configFor(ctx), { path: objectPath(this.ref(ctx, resource, namespace, name)), signal });
  }

  private ref(context: string, resource: PluginResource, namespace: string | null, name: string, uid?: string): ObjectRef {
    return { ...resource, kindId: resource.plural, context, namespace: resource.namespaced ? namespace : null, name, ...(uid ? { uid } : {}) };
  }

  async podLogs(
    context: string | null,
    namespace: string,
    pod: string,
    opts: { container?: string; tailLines: number; limitBytes: number; previous: boolean },
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

  async write(op: PluginWriteOp): Promise<void> {
    const kc = this.kube.configFor(this.context({ context: op.context, namespace: op.namespace }));
    const t = this.ref(op.context, op.resource, op.namespace, op.name, op.uid);
    if (op.verb === 'delete') return deleteObject(kc, t);
    if (op.verb === 'scale') return scaleObject(kc, t, op.replicas);
    return guardedMergePatch(kc, t, objectPath(t), op.patch, 'patched');
  }

  watch(context: string | null, resource: PluginResource, namespace: string | null, onChange: (changes: PluginWatchChange[] | 'resync') => void): () => void {
    const ctx = this.context({ context, namespace });
    const handle = this.kube.pool.acquire(ctx, resource, namespace);
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
      // What the informer holds when it is (first) synced is the plugin's k8s_list, not a change.
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
      const out: PluginWatchChange[] = [];
      for (const c of changes) {
        const uid = c.entry.obj.metadata.uid;
        const type = c.removed ? 'DELETED' : uids.has(uid) ? 'MODIFIED' : 'ADDED';
        if (c.removed) uids.delete(uid);
        else uids.add(uid);
        out.push({ type, object: c.entry.obj as PluginObject });
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

