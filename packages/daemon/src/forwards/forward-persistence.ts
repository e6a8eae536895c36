import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import type { PersistedFeature } from '../state/session-persistence.js';
import type { Workspace } from '../session/workspace.js';
import { KubeApiError } from '../kube/api-error.js';
import { Backoff } from '../kube/backoff.js';
import { errorMessage } from '../util/error-message.js';
import type { Signal } from '../util/signal.js';
import type { ForwardManager } from './forward-manager.js';
import { ClusterUnavailable, forwardIdNumber, MAX_FORWARDS, StoppedWhileHeld } from './forward-manager.js';
import { POD_OWNER_KINDS, TARGET_KINDS, type ForwardRequest, type PodOwner } from './forward-types.js';
import { publishedForwards } from './service-registry.js';
import { hostPorts } from './loopback.js';

/** The key port-forwards are saved under in the state file. */
export const FORWARDS_STATE_KEY = 'port-forwards';

const SavedForwardSchema = z.object({
  context: z.string().min(1).max(253),
  namespace: z.string().min(1).max(63),
  kind: z.enum(TARGET_KINDS),
  name: z.string().min(1).max(253),
  remotePort: z.number().int().min(1).max(65535),
  localPort: z.number().int().min(0).max(65535),
  /** A forward to a pod: the workload it follows its pod through (absent in states saved before it was). */
  follows: z.object({ kind: z.enum(POD_OWNER_KINDS), name: z.string().min(1).max(253), node: z.string().min(1).max(253).optional() }).optional(),
  /** Its id (absent in states saved before it was): kept across the restart, so scripts still name it. */
  id: z.string().regex(/^pf-[1-9][0-9]{0,8}$/).optional(),
});
/** The list, its entries read one by one (one bad forward, a newer kubetile's kind, does not take the others with it). */
const SavedForwardsSchema = z.object({
  forwards: z.array(z.unknown()),
  /** The next id number to give: an id given before the restart (to a forward stopped since) is not given again. */
  nextId: z.number().int().min(1).max(1_000_000_000).optional(),
});
type SavedForward = z.infer<typeof SavedForwardSchema>;

/** A listener error (as listenLoopback words it): the port, not the target, was the problem. */
const LOCAL_PORT_PROBLEM = /^local port \d+ on (127\.0\.0\.1|::1) |^cannot listen on local port /;

/**
 * What the restart of one forward came to, for the notice. `retry`: the cluster did not answer;
 * tried again later. `dropped`: stopped by the user while it waited.
 */
type Outcome = { kind: 'same' | 'waiting' | 'dropped' } | { kind: 'moved'; from: number; to: number; where: string } | { kind: 'failed' | 'retry'; why: string };

/** A saved forward to start; `heldId`: the held forward it is while its cluster does not answer. */
interface Pending {
  saved: SavedForward;
  heldId?: string;
}

/**
 * The API server was not reached or did not answer (connection refused, no answer in time, a
 * credential plugin that could not run, credentials refused — a token to renew —, 5xx, 429), or the
 * kubeconfig the daemon has lacks the forward's cluster (none, or no such context): nothing
 * says the target is gone, so the forward is kept and tried again — a daemon started at login before
 * the network or VPN is up would otherwise lose every saved forward.
 */
const unanswered = (err: unknown): boolean => {
  if (err instanceof ClusterUnavailable) return true;
  const e = err instanceof Error && err.cause instanceof KubeApiError ? err.cause : err;
  return e instanceof KubeApiError && ((e.status === 0 && e.reason !== undefined) || e.status === 401 || e.status === 429 || e.status >= 500);
};
/** Retries of forwards whose cluster did not answer: 2 s, doubling, at most a minute apart. */
const RETRY_BASE_MS = 2000;
const RETRY_MAX_MS = 60_000;

export interface ForwardRestoreDeps {
  manager: ForwardManager;
  workspace: Pick<Workspace, 'clients' | 'startNotices' | 'persistChanged'>;
  logger: Logger;
  /** Fires when the kubeconfig was read again: forwards waiting for their cluster are tried at once. */
  kubeconfigReloaded?: Signal;
}

/**
 * Port-forwards survive a daemon restart: each forward's request (context, namespace, object,
 * remote port and the local port it got) is saved with the sessions; after a restart each starts
 * again, on the same local port when it is free, else on a new one. One whose pods are down (a
 * StatefulSet re-creating its pod, a Deployment scaled to zero) starts waiting for them, as a
 * running forward waits; one whose target is gone for good (a bare pod, a pod whose StatefulSet
 * was deleted, a deleted Service) is dropped. What moved or could not come back is said to the
 * user: in a toast to the clients attached by then, or to the first that attaches. Forwards not
 * started yet are saved too, so a crash during the restore loses none.
 */
export class ForwardRestore implements PersistedFeature {
  private pending: Pending[] = [];
  private readonly retries = new Backoff(RETRY_BASE_MS, RETRY_MAX_MS);
  private retryTimer: NodeJS.Timeout | null = null;
  /** Why the cluster did not answer, the last time (for the notice). */
  private lastRetryWhy: string | null = null;
  private lastSaved = '';
  /** Resolves when the last restore has finished (tests, the benchmark). */
  restored: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ForwardRestoreDeps) {
    deps.kubeconfigReloaded?.subscribe(() => this.retryNow());
    deps.manager.changed.subscribe(() => {
      // Byte counters change all the time: save only when the set of forwards did.
      const now = JSON.stringify(this.save());
      if (now === this.lastSaved) return;
      this.lastSaved = now;
      deps.workspace.persistChanged.emit();
    });
  }

  save(): { forwards: SavedForward[]; nextId: number } {
    const m = this.deps.manager;
    const running = m.all().map((f) => toSaved(f.request, f.localPort, f.follows, f.id));
    // Held forwards (the cluster did not answer) are saved still; one being tried again is listed once.
    const held = m.heldForwards().map((h) => toSaved(h.request, h.localPort, h.follows, h.id));
    const pending = this.pending.filter((p) => p.heldId === undefined || !m.isHeld(p.heldId)).map((p) => p.saved);
    return { forwards: [...running, ...pending, ...held], nextId: m.nextIdNumber };
  }

  /**
   * Starts the saved forwards that are valid; then, when some were not, throws naming them (the
   * persistence says it and keeps the file as it was). The whole list was refused for one bad entry.
   */
  restore(data: unknown): void {
    const parsed = SavedForwardsSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`the saved port-forwards are not valid (${issue ? `${issue.path.join('.') || 'forwards'}: ${issue.message}` : 'invalid'})`);
    }
    const all = parsed.data.forwards;
    const good: SavedForward[] = [];
    const bad: string[] = [];
    for (let i = 0; i < all.length; i++) {
      if (good.length >= MAX_FORWARDS) {
        bad.push(`forwards ${i + 1}–${all.length}: more than ${MAX_FORWARDS}`);
        break;
      }
      const one = SavedForwardSchema.safeParse(all[i]);
      if (one.success) good.push(one.data);
      else {
        const issue = one.error.issues[0];
        bad.push(`forwards.${i}${issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`);
      }
    }
    // No id of before the restart is given to a new forward (one started while these are restored, or later).
    const m = this.deps.manager;
    m.continueIdsFrom(parsed.data.nextId ?? 1);
    for (const g of good) if (g.id !== undefined) m.continueIdsFrom((forwardIdNumber(g.id) ?? 0) + 1);
    this.pending = good.map((saved) => ({ saved }));
    this.restored = this.startAll();
    if (bad.length > 0) {
      const shown = bad.slice(0, 3).join('; ');
      throw new Error(`${bad.length} saved port-forward${bad.length === 1 ? ' is' : 's are'} not valid and left out (${shown}${bad.length > 3 ? `; and ${bad.length - 3} more` : ''}); the other ${good.length} are restored`);
    }
  }

  /** Starts the pending forwards; `retry`: they are ones the cluster did not answer for before. */
  private async startAll(retry = false): Promise<void> {
    const lines: string[] = [];
    const m = this.deps.manager;
    let waits = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      const { saved } = next;
      const outcome = await this.startOne(next);
      // The daemon is stopping: what was not started stays saved as it was.
      if (m.stopping) return;
      this.pending.shift();
      if (next.heldId !== undefined && outcome.kind !== 'retry') {
        m.doneWithHeld(next.heldId);
        // Its target is gone for good: the port it held is let go of.
        if (m.isHeld(next.heldId)) await m.stop(next.heldId);
      }
      const what = `port-forward ${saved.kind}/${saved.name} (${saved.namespace}) :${saved.remotePort}`;
      if (outcome.kind === 'dropped') continue;
      if (outcome.kind === 'moved') lines.push(`${what}: local port ${outcome.from} is taken; now on ${outcome.where}`);
      if (outcome.kind === 'failed') lines.push(`${what} could not be restarted: ${outcome.why}`);
      if (outcome.kind === 'retry' && next.heldId !== undefined) {
        // The same held forward, with the new reason (or stopped by the user meanwhile: left stopped).
        m.stillHeld(next.heldId, outcome.why);
      } else if (outcome.kind === 'retry') {
        // Listed and stoppable meanwhile, holding its port.
        const { follows, id, ...req } = saved;
        if (await m.hold(req, follows, outcome.why, id)) waits++;
        else if (!m.stopping) lines.push(`${what} could not be kept waiting for the cluster: ${MAX_FORWARDS} port-forwards are running (the limit)`);
      } else if (retry && outcome.kind !== 'failed') lines.push(`${what} is back: the cluster answered`);
      if (outcome.kind === 'failed') this.deps.logger.warn({ forward: what, why: outcome.why }, 'port-forward not restored after restart');
      else this.deps.logger.info({ forward: what, outcome: outcome.kind, ...(outcome.kind === 'retry' ? { why: outcome.why } : {}) }, 'port-forward restored after restart');
    }
    // Said once, at the restore; the retries are quiet until one comes back.
    if (waits > 0 && !retry) {
      const why = this.lastRetryWhy ?? 'the cluster did not answer';
      lines.push(`${waits === 1 ? 'a saved port-forward waits' : `${waits} saved port-forwards wait`} for the cluster (${why}); tried again until it answers`);
    }
    if (m.heldForwards().length > 0) this.scheduleRetry();
    else this.retries.reset();
    this.deps.workspace.persistChanged.emit();
    if (lines.length > 0) this.tell(lines);
  }

  /** The kubeconfig changed: forwards waiting for their cluster are tried now, not after their backoff. */
  private retryNow(): void {
    if (!this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retries.reset();
    this.retryHeld();
  }

  /** The forwards whose cluster did not answer go back to the restore, after a while. */
  private scheduleRetry(): void {
    if (this.retryTimer || this.deps.manager.stopping) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryHeld();
    }, this.retries.next());
    this.retryTimer.unref();
  }

  /** The held forwards go back to the restore (still held, listed, their ports kept, while they are tried). */
  private retryHeld(): void {
    const m = this.deps.manager;
    if (m.stopping) return;
    // Still held (listed, its port kept) while it is tried: a held forward stopped meanwhile is not started.
    const held = m.heldForwards();
    this.deps.logger.info({ waiting: held.length }, 'port-forwards waiting for the cluster: trying again');
    this.pending.push(...held.map((h): Pending => ({ saved: toSaved(h.request, h.localPort, h.follows, h.id), heldId: h.id })));
    this.restored = this.restored.then(() => this.startAll(true));
  }

  private async startOne({ saved, heldId }: Pending): Promise<Outcome> {
    const { follows, id, ...req } = saved;
    const resume = follows ? { follows } : {};
    try {
      const f = await this.deps.manager.start(req, resume, heldId, id);
      return { kind: f.state() === 'active' ? 'same' : 'waiting' };
    } catch (err) {
      const why = errorMessage(err);
      if (err instanceof StoppedWhileHeld) return { kind: 'dropped' };
      if (unanswered(err)) {
        this.lastRetryWhy = why;
        return { kind: 'retry', why };
      }
      if (req.localPort === 0 || !LOCAL_PORT_PROBLEM.test(why)) return { kind: 'failed', why };
    }
    try {
      const f = await this.deps.manager.start({ ...req, localPort: 0 }, resume, heldId, id);
      return { kind: 'moved', from: req.localPort, to: f.localPort, where: hostPorts(f.addresses, f.localPort) };
    } catch (err) {
      return { kind: 'failed', why: errorMessage(err) };
    }
  }

  private tell(lines: string[]): void {
    const clients = [...this.deps.workspace.clients.values()];
    if (clients.length === 0) {
      this.deps.workspace.startNotices.push(...lines);
      return;
    }
    for (const c of clients) for (const l of lines) c.sink.toast('warn', l);
  }
}

function toSaved(r: ForwardRequest, localPort: number, follows: PodOwner | undefined, id: string): SavedForward {
  return { context: r.context, namespace: r.namespace, kind: r.kind, name: r.name, remotePort: r.remotePort, localPort, ...(follows ? { follows } : {}), id };
}

/** What `persistForwards` needs of the daemon. */
export interface ForwardPersistenceHost {
  readonly workspace: Workspace;
  readonly kube: { readonly reloaded: Signal };
  readonly logger: Logger;
  readonly persistence: { register(key: string, feature: PersistedFeature): void };
}

/**
 * Saves and restores the daemon's port-forwards with its sessions (before `daemon.start()`, which
 * restores). Returns null when this build has no port-forwards.
 */
export function persistForwards(daemon: ForwardPersistenceHost): ForwardRestore | null {
  const manager = publishedForwards(daemon.workspace);
  if (!manager) return null;
  const restore = new ForwardRestore({ manager, workspace: daemon.workspace, logger: daemon.logger.child({ part: 'port-forward' }), kubeconfigReloaded: daemon.kube.reloaded });
  daemon.persistence.register(FORWARDS_STATE_KEY, restore);
  return restore;
}
