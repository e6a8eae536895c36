import type { ClusterManager } from '../kube/cluster.js';
import type { InformerHandle } from '../kube/informer-pool.js';
import type { ResourceRef } from '../kube/resource-ref.js';
import type { Logger } from '../logging/logger.js';
import type { OpenStreams } from '../util/open-streams.js';
import { errorMessage } from '../util/errors.js';
import { Signal } from '../util/signal.js';
import { Forward } from './forward.js';
import { listenLoopback } from './loopback.js';
import { HeldForward } from './held-forward.js';
import { TARGET_KINDS, type ForwardInfo, type ForwardRequest, type PodOwner, type Resume } from './forward-types.js';
import { resolveTarget } from './resolve-target.js';
import { badObjectName } from '../kube/object-ref.js';
import { badNamespace } from '../kube/resource-ref.js';

/** Forwards the daemon holds at once (each is a listener and a pods watch). */
export const MAX_FORWARDS = 256;

const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

/** A request that cannot be carried out as asked (bad input, the object, the port); the message says why. */
export class ForwardError extends Error {}

/**
 * The forward's cluster is not in the kubeconfig the daemon has (none, or no such context): nothing
 * says its target is gone (a restore keeps it, waiting for the kubeconfig to have it again).
 */
export class ClusterUnavailable extends ForwardError {}

/** A held forward was stopped by the user while its start was under way: it stays stopped. */
export class StoppedWhileHeld extends ForwardError {}

export interface ForwardManagerDeps {
  kube: ClusterManager;
  streams: OpenStreams;
  logger: Logger;
}

const isPort = (n: unknown, min: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= 65535;

/** Why a request cannot be started as it is, or null. */
export function badRequest(r: ForwardRequest): string | null {
  if (!(TARGET_KINDS as readonly string[]).includes(r.kind)) return `cannot port-forward to a ${String(r.kind)}: pods, services and deployments (statefulsets, replicasets, daemonsets) can be`;
  const bad = badNamespace(r.namespace, 'namespace') ?? badObjectName(r.name, r.kind);
  if (bad) return bad;
  if (!isPort(r.remotePort, 1)) return `remote port must be a whole number from 1 to 65535, not ${JSON.stringify(r.remotePort)}`;
  if (!isPort(r.localPort, 0)) return `local port must be a whole number from 0 (any free port) to 65535, not ${JSON.stringify(r.localPort)}`;
  return null;
}

/**
 * The daemon's port-forwards: they belong to the daemon, not to a client, and live until stopped
 * (or the daemon stops). Each listens on 127.0.0.1 and ::1 (kubectl's `localhost`), on the same port.
 */
export class ForwardManager {
  /** A forward started, stopped, or something the pane shows changed. */
  readonly changed = new Signal();
  private readonly forwards = new Map<string, Forward>();
  /** Saved forwards waiting for their cluster to answer (see HeldForward). */
  private readonly held = new Map<string, HeldForward>();
  /** Ids of held forwards let go of by a start still under way (its retry on another port keeps the id). */
  private readonly handedOver = new Set<string>();
  private nextId = 1;
  private starting = 0;
  private closed = false;

  constructor(private readonly deps: ForwardManagerDeps) {}

  /**
   * Starts a forward. Its pods must run now, unless it is `resume`d after a restart: then it starts
   * (listening) while they are down, and waits for them. `heldId`: the held forward it replaces
   * (its port is let go of just before it is listened on again, and its id is kept); a held
   * forward stopped while this one was being resolved is not started (`StoppedWhileHeld`).
   */
  async start(req: ForwardRequest, resume: Resume | null = null, heldId?: string, savedId?: string): Promise<Forward> {
    const bad = badRequest(req);
    if (bad) throw new ForwardError(bad);
    if (this.closed) throw new ForwardError('the daemon is stopping');
    const replaces = heldId !== undefined && this.held.has(heldId) ? 1 : 0;
    if (this.forwards.size + this.held.size - replaces + this.starting >= MAX_FORWARDS) throw new ForwardError(`${MAX_FORWARDS} port-forwards are running (the limit); stop one first`);
    const kube = this.deps.kube;
    if (!kube.available) throw new ClusterUnavailable(`no cluster: ${kube.problem ?? 'no kubeconfig'}`);
    if (!kube.hasContext(req.context)) throw new ClusterUnavailable(`no context '${req.context}' in the kubeconfig`);
    this.starting++;
    let pods: InformerHandle | null = null;
    try {
      const kc = kube.configFor(req.context);
      const resolved = await resolveTarget(kc, req.kind, req.namespace, req.name, req.remotePort, resume);
      let id: string;
      if (heldId !== undefined) {
        const held = this.held.get(heldId);
        if (!held && !this.handedOver.has(heldId)) throw new StoppedWhileHeld(`port-forward ${heldId} was stopped while it waited for the cluster`);
        if (held) {
          this.held.delete(heldId);
          this.handedOver.add(heldId);
          await held.close();
        }
        id = heldId;
      } else id = this.newId(savedId);
      const owner = req.localPort > 0 ? this.usingPort(req.localPort) : null;
      if (owner) throw new ForwardError(`local port ${req.localPort} on 127.0.0.1 is already in use by port-forward ${owner.id} (${owner.describe()}${owner instanceof HeldForward ? ', waiting for the cluster' : ''}); stop it first or choose another port`);
      // A restored forward keeps 127.0.0.1: its port taken by another program moves it to a new one (see ForwardRestore).
      const listening = await listenLoopback(req.localPort, { needIPv4: resume !== null });
      if (this.closed) {
        for (const l of listening.listeners) l.server.close();
        throw new ForwardError('the daemon is stopping');
      }
      try {
        pods = kube.pool.acquire(req.context, PODS, req.namespace);
      } catch (err) {
        this.deps.logger.warn({ err: errorMessage(err) }, 'port-forward: cannot watch pods; a replaced pod will not be followed');
      }
      const forward = new Forward(id, req, resolved, listening, {
        kc,
        streams: this.deps.streams,
        logger: this.deps.logger,
        pods,
        changed: () => this.changed.emit(),
      });
      pods = null;
      this.forwards.set(id, forward);
      this.handedOver.delete(id);
      this.deps.logger.info({ forward: id, target: forward.target, namespace: req.namespace, pod: resolved.first?.pod.metadata.name ?? null, local: forward.localPort, addresses: forward.addresses }, `port-forward ${forward.describe()}`);
      this.changed.emit();
      return forward;
    } catch (err) {
      pods?.release();
      if (err instanceof ForwardError) throw err;
      // The cause stays with it: a restore tells a cluster that did not answer from a target that is gone.
      throw new ForwardError(errorMessage(err), { cause: err });
    } finally {
      this.starting--;
    }
  }

  get(id: string): Forward | undefined {
    return this.forwards.get(id);
  }

  /**
   * Keeps a saved forward whose cluster did not answer (see HeldForward): listed and stoppable,
   * holding its local port when it is free; null when the daemon is stopping or at the limit.
   */
  async hold(req: ForwardRequest, follows: PodOwner | undefined, why: string, savedId?: string): Promise<HeldForward | null> {
    if (this.closed || this.forwards.size + this.held.size >= MAX_FORWARDS) return null;
    // As the restore will: 127.0.0.1's port taken by another program is not held (it moves to a new one).
    const listening = req.localPort > 0 ? await listenLoopback(req.localPort, { needIPv4: true }).catch(() => null) : null;
    if (this.closed) {
      for (const l of listening?.listeners ?? []) l.server.close();
      return null;
    }
    const h = new HeldForward(this.newId(savedId), req, follows, why, listening, this.deps.streams);
    this.held.set(h.id, h);
    this.changed.emit();
    return h;
  }

  /**
   * The id for a new forward: `savedId` (the one it had before a restart: a script's `pf stop pf-3`
   * must still mean it) when it is a forward id no forward has now, else the next never given.
   */
  private newId(savedId?: string): string {
    const n = savedId !== undefined ? forwardIdNumber(savedId) : null;
    if (n !== null && savedId !== undefined && !this.forwards.has(savedId) && !this.held.has(savedId) && !this.handedOver.has(savedId)) {
      this.nextId = Math.max(this.nextId, n + 1);
      return savedId;
    }
    return `pf-${this.nextId++}`;
  }

  /** The next number to give (saved with the forwards: no id is given twice, across restarts too). */
  get nextIdNumber(): number {
    return this.nextId;
  }

  /** Goes on from a previous daemon's numbers (never lower): before a restore starts anything. */
  continueIdsFrom(next: number): void {
    if (Number.isSafeInteger(next) && next > this.nextId) this.nextId = next;
  }

  /** A held forward tried again found the cluster still not answering: false when it was stopped meanwhile. */
  stillHeld(id: string, why: string): boolean {
    const h = this.held.get(id);
    if (!h) return false;
    h.stillWaiting(why);
    this.changed.emit();
    return true;
  }

  /** The running or held forward listening on local `port`, if one is. */
  private usingPort(port: number): Forward | HeldForward | null {
    return [...this.forwards.values(), ...this.held.values()].find((f) => f.localPort === port && (f instanceof HeldForward ? f.holdsPort : true)) ?? null;
  }

  /** The forwards held while their cluster does not answer, oldest first. */
  heldForwards(): HeldForward[] {
    return [...this.held.values()];
  }

  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  /** The restore is done with a held forward's id (started, moved, or failed for good). */
  doneWithHeld(id: string): void {
    this.handedOver.delete(id);
  }

  /** Forwards in start order. */
  all(): Forward[] {
    return [...this.forwards.values()];
  }

  /** Running and held forwards, oldest first (ids are given in order: `pf-2` before `pf-10`). */
  list(): ForwardInfo[] {
    const n = (id: string): number => forwardIdNumber(id) ?? 0;
    return [...this.all().map((f) => f.info()), ...this.heldForwards().map((h) => h.info())].sort((a, b) => n(a.id) - n(b.id));
  }

  /** Forwards to one object, running or held (for `p` on something already forwarded). */
  forwardsTo(context: string, namespace: string, kind: string, name: string): Array<Forward | HeldForward> {
    return [...this.all(), ...this.heldForwards()].filter((f) => f.request.context === context && f.request.namespace === namespace && f.request.kind === kind && f.request.name === name);
  }

  get size(): number {
    return this.forwards.size;
  }

  async stop(id: string): Promise<Forward | HeldForward | null> {
    const h = this.held.get(id);
    if (h) {
      this.held.delete(id);
      await h.close();
      this.deps.logger.info({ forward: id }, `stopped port-forward ${h.target}:${h.request.remotePort} (it waited for the cluster)`);
      this.changed.emit();
      return h;
    }
    const f = this.forwards.get(id);
    if (!f) return null;
    this.forwards.delete(id);
    await f.stop();
    this.deps.logger.info({ forward: id }, `stopped port-forward ${f.describe()}`);
    this.changed.emit();
    return f;
  }

  /** True once stopAll ran: the daemon is stopping. */
  get stopping(): boolean {
    return this.closed;
  }

  /** Stops every forward (the daemon is stopping); no new ones start after this. */
  async stopAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.forwards.keys(), ...this.held.keys()].map((id) => this.stop(id)));
  }
}

/** The number in a forward id (`pf-12` → 12), or null when it is not one. */
export function forwardIdNumber(id: string): number | null {
  const m = /^pf-([1-9][0-9]{0,8})$/.exec(id);
  return m ? Number(m[1]) : null;
}
