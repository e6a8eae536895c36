import type { ClusterManager } from '../kube/cluster.js';
import { canCordon, canKill, canRestart, canScale, canSuspend, cordonNode, deleteHeld, heldMessage, restartRollout, scaleObject, suspendCronJob } from '../kube/mutations.js';
import { badObjectName, describeObject } from '../kube/object-ref.js';
import { triggerCronJob } from '../kube/cronjob-trigger.js';
import { badContainerName, canSetImage, setImage } from '../kube/set-image.js';
import { shownValue } from '../util/shown-value.js';
import { badImage } from '../kube/ephemeral-debug.js';
import { DrainIncomplete, drained, drainNode, DrainStopped, drainSummary } from '../kube/node-drain.js';
import { badNamespace } from '../kube/resource-ref.js';
import type { Logger } from '../logging/logger.js';
import type { ClientPrompts, ResourceTarget } from '../panes/pane.js';
import { clientPrompts, scriptPrompts } from './client-prompts.js';
import { invalidParams, invalidState } from '../util/errors.js';
import { readOnlyRefusal, WRITE_ACTIONS } from './read-only.js';
import type { ClientState } from './client-state.js';
import type { Workspace } from './workspace.js';

export type ResourceActionName = 'yaml' | 'describe' | 'detail' | 'decode' | 'logs' | 'exec' | 'port-forward' | 'delete' | 'scale' | 'restart' | 'debug' | 'command' | 'cordon' | 'uncordon' | 'drain' | 'trigger' | 'suspend' | 'resume' | 'kill' | 'set-image';
export type MutationName = 'delete' | 'kill' | 'scale' | 'restart' | 'cordon' | 'uncordon' | 'drain' | 'trigger' | 'suspend' | 'resume' | 'set-image';

const MUTATIONS: ReadonlySet<ResourceActionName> = new Set<MutationName>(['delete', 'kill', 'scale', 'restart', 'cordon', 'uncordon', 'drain', 'trigger', 'suspend', 'resume', 'set-image']);

const VIEWERS: Partial<Record<ResourceActionName, string>> = { yaml: 'resource-yaml', describe: 'resource-describe', detail: 'resource-detail', decode: 'resource-decoded' };

export const describeTarget = describeObject;

/** The most replicas a scale accepts; above `SCALE_CONFIRM_ABOVE` the user is asked again. */
export const MAX_REPLICAS = 10_000;
export const SCALE_CONFIRM_ABOVE = 100;

/** An object named by a script: namespace/name within the pane's kind, optionally pinned by uid. */
export interface ExplicitTarget {
  namespace?: string;
  name: string;
  uid?: string;
}

/** The actions that open something for a resource (a stream, a session, a forward), provided by their rooms. */
export type InteractionName = 'logs' | 'exec' | 'port-forward' | 'debug' | 'command';

/** What an interaction gets: the pane it was started from, the object (pinned by uid), args, and who asked. */
export interface InteractionRequest {
  paneId: number;
  target: ResourceTarget;
  args: Record<string, unknown>;
  /** The client whose key or request started it (for placement and focus), if attached. */
  client?: ClientState;
  /** Questions for that client (container pickers, dialogs); non-interactive for scripts. */
  prompts: ClientPrompts;
}

export type InteractionHandler = (req: InteractionRequest) => Promise<{ paneId?: number; message: string }>;

/** Why `action` cannot apply to objects of `kind`, or null when it can. */
export function refusal(action: ResourceActionName, kind: string): string | null {
  if (action === 'scale' && !canScale(kind)) return `${kind} cannot be scaled (Deployments, StatefulSets and ReplicaSets can)`;
  if (action === 'restart' && !canRestart(kind)) return `${kind} has no rollout to restart (Deployments, StatefulSets and DaemonSets do)`;
  if ((action === 'cordon' || action === 'uncordon') && !canCordon(kind)) return `only Nodes can be ${action}ed (${kind} objects cannot)`;
  if (action === 'drain' && !canCordon(kind)) return `only Nodes can be drained (${kind} objects cannot)`;
  if (action === 'kill' && !canKill(kind)) return `only Pods can be force-deleted (${kind} objects cannot)`;
  if (action === 'decode' && kind !== 'Secret') return `only Secrets have data to decode (${kind} objects do not)`;
  if (action === 'trigger' && kind !== 'CronJob') return `only CronJobs can be triggered (${kind} objects cannot)`;
  if (action === 'set-image' && !canSetImage(kind)) return `${kind} has no containers whose image can be set (Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets and CronJobs do)`;
  if ((action === 'suspend' || action === 'resume') && !canSuspend(kind)) return `only CronJobs can be ${action === 'suspend' ? 'suspended' : 'resumed'} (${kind} objects cannot)`;
  return null;
}

/** How long a drain asks a disruption budget again and waits for evicted pods to be gone, by default and at most (seconds). */
export const DRAIN_TIMEOUT_S = 60;
export const MAX_DRAIN_TIMEOUT_S = 3600;

export function checkDrainTimeout(value: unknown): number {
  if (value === undefined) return DRAIN_TIMEOUT_S;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DRAIN_TIMEOUT_S) {
    throw invalidParams(`drain's args.timeoutSeconds is how long a disruption budget's refusal is asked again and evicted pods are waited for, a whole number of seconds from 0 to ${MAX_DRAIN_TIMEOUT_S}, not ${shownValue(value)}`);
  }
  return value;
}

/** set-image's args: `container` and `image` (both checked), and the image the user saw (`expectImage`: refused if it changed since). */
export function checkSetImage(args: Record<string, unknown>): { container: string; image: string; expectImage?: string } {
  const { container, image, expectImage } = args;
  const bad =
    (container === undefined ? 'set-image needs args.container, the name of a container' : badContainerName(container)) ??
    (typeof image !== 'string' ? 'set-image needs args.image, an image reference like nginx:1.27' : badImage(image)) ??
    (expectImage === undefined || (typeof expectImage === 'string' && expectImage.length <= 512) ? null : 'args.expectImage is the image the container should have now, a string');
  if (bad) throw invalidParams(bad);
  return { container: container as string, image: image as string, ...(typeof expectImage === 'string' ? { expectImage } : {}) };
}

export function checkReplicas(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_REPLICAS) {
    throw invalidParams(`scale needs args.replicas, a whole number from 0 to ${MAX_REPLICAS}, not ${shownValue(value)}`);
  }
  return value;
}

/**
 * Actions on resources, shared by key bindings and `resource/action`. A mutation always acts on a
 * target captured once (with its uid) — the one a confirmation named, or the one a script named —
 * never on whatever a pane has selected when the mutation finally runs.
 */
export class ResourceActions {
  private readonly interactions = new Map<InteractionName, InteractionHandler>();
  /**
   * What a debug key would do to a target now (`debug-mode`, `root-debug-mode`, `node`), for its one confirmation;
   * provided by the debug feature, with the args the confirmed action gets (what the dialog saw).
   */
  describeDebug: ((target: ResourceTarget, mode: string) => Promise<{ text: string; args?: Record<string, unknown> }>) | null = null;

  constructor(
    private readonly workspace: Workspace,
    private readonly kube: ClusterManager,
    private readonly logger: Logger,
    /** Read-only mode: mutations, debug and exec are refused (read-only.ts). */
    private readonly readonly: () => boolean = () => false,
  ) {}

  /** The pane's selected object now, with its uid. */
  target(paneId: number): ResourceTarget {
    const pane = this.workspace.pane(paneId);
    // Said to a user first (what the pane is), then to a script (which one).
    if (!pane.selectedResource) throw invalidState(`'${pane.title().slice(0, 80)}' has no resources to act on: use the key on a list or a detail pane (pane ${paneId}, ${pane.key})`);
    const t = pane.selectedResource();
    if (!t) throw invalidState(`pane ${paneId} has no selected resource`);
    return t;
  }

  /** An object a script names, of the kind the pane lists (the pane's namespace unless given). */
  explicitTarget(paneId: number, e: ExplicitTarget): ResourceTarget {
    const pane = this.workspace.pane(paneId);
    const k = pane.resourceKind?.();
    if (!k) throw invalidState(`pane ${paneId} (${pane.key}) lists no resources to act on`);
    const bad = badObjectName(e.name, 'target.name') ?? (e.namespace === undefined ? null : badNamespace(e.namespace, 'target.namespace'));
    if (bad) throw invalidParams(bad);
    const namespace = k.namespaced ? (e.namespace ?? k.namespace) : null;
    if (k.namespaced && !namespace) throw invalidParams(`target.namespace is needed: pane ${paneId} shows ${k.kind} objects of all namespaces`);
    if (!k.namespaced && e.namespace) throw invalidParams(`target.namespace must be left out: ${k.kind} objects are not namespaced`);
    return { ...k, name: e.name, namespace, ...(e.uid ? { uid: e.uid } : {}) };
  }

  /** Provides logs, exec, port-forward or debug (each lives in its own room and registers here). */
  register(action: InteractionName, handler: InteractionHandler): void {
    this.interactions.set(action, handler);
  }

  /** Runs an action on a pane's selection, or on `explicit`; viewers open beside the pane. */
  async run(
    paneId: number,
    action: ResourceActionName,
    args: Record<string, unknown> = {},
    client?: ClientState,
    explicit?: ExplicitTarget,
    prompts?: ClientPrompts,
    signal?: AbortSignal,
  ): Promise<{ paneId?: number; message: string }> {
    const writes = WRITE_ACTIONS[action];
    if (writes && this.readonly()) throw invalidState(readOnlyRefusal(writes));
    const t = explicit ? this.explicitTarget(paneId, explicit) : this.target(paneId);
    return this.runOn(paneId, action, t, args, client, prompts, signal);
  }

  /**
   * Runs an action on `t` exactly as captured (its context, namespace and uid), from pane `paneId`: what
   * a confirmation named, even if the pane's tab was pointed at another context or namespace since.
   */
  async runOn(
    paneId: number,
    action: ResourceActionName,
    t: ResourceTarget,
    args: Record<string, unknown> = {},
    client?: ClientState,
    prompts?: ClientPrompts,
    /** A script's call: aborted when it is cancelled or its connection closes (a drain stops). */
    signal?: AbortSignal,
  ): Promise<{ paneId?: number; message: string }> {
    const writes = WRITE_ACTIONS[action];
    if (writes && this.readonly()) throw invalidState(readOnlyRefusal(writes));
    const viewer = VIEWERS[action];
    if (viewer) {
      const why = refusal(action, t.kind);
      if (why) throw invalidState(why);
      const opened = this.workspace.openCompanion(paneId, { key: viewer, args: { ...t } }, client);
      return { paneId: opened.paneId, message: `${action} of ${describeTarget(t)}` };
    }
    if (MUTATIONS.has(action)) return this.mutate(t, action as MutationName, args, signal);
    const handler = this.interactions.get(action as InteractionName);
    if (!handler) throw invalidState(`${action} is not available in this build yet`);
    const asker = prompts ?? (client && this.workspace.clients.has(client.id) ? clientPrompts(this.workspace, client) : scriptPrompts(this.logger));
    return handler({ paneId, target: t, args, ...(client ? { client } : {}), prompts: asker });
  }

  /** Deletes, scales or restarts exactly `t` (its uid, when known, is checked by the API server). */
  async mutate(t: ResourceTarget, action: MutationName, args: Record<string, unknown> = {}, signal?: AbortSignal): Promise<{ message: string; held?: true }> {
    if (this.readonly()) throw invalidState(readOnlyRefusal(WRITE_ACTIONS[action]!));
    const why = refusal(action, t.kind);
    if (why) throw invalidState(why);
    const kc = this.kube.configFor(t.context);
    switch (action) {
      case 'delete':
      case 'kill': {
        const force = action === 'kill';
        // Finalizers keep an object marked deleted until their controllers remove them: said, not "deleted".
        const held = await deleteHeld(kc, t, { force });
        this.logger.info({ target: describeTarget(t), uid: t.uid, ...(held.length > 0 ? { finalizers: held } : {}) }, force ? 'force-deleted' : 'deleted');
        if (held.length > 0) return { message: heldMessage(t, held, force), held: true };
        return { message: `${force ? 'force-deleted' : 'deleted'} ${describeTarget(t)}` };
      }
      case 'scale': {
        const replicas = checkReplicas(args.replicas);
        await scaleObject(kc, t, replicas);
        this.logger.info({ target: describeTarget(t), uid: t.uid, replicas }, 'scaled');
        return { message: `scaled ${describeTarget(t)} to ${replicas}` };
      }
      case 'restart': {
        // OnDelete: the template is stamped, but no pod rolls by itself; said, not "restarted" alone.
        const note = await restartRollout(kc, t);
        this.logger.info({ target: describeTarget(t), uid: t.uid }, 'restarted');
        return { message: note ? `stamped the pod template of ${describeTarget(t)} for a restart, but ${note}` : `restarted ${describeTarget(t)}` };
      }
      case 'cordon':
      case 'uncordon':
        await cordonNode(kc, t, action === 'cordon');
        this.logger.info({ target: describeTarget(t), uid: t.uid }, `${action}ed`);
        return { message: `${action}ed ${describeTarget(t)}${action === 'cordon' ? ': no new pods are scheduled on it' : ''}` };
      case 'drain': {
        const timeoutMs = checkDrainTimeout(args.timeoutSeconds) * 1000;
        let r: Awaited<ReturnType<typeof drainNode>>;
        try {
          r = await drainNode(kc, t, { timeoutMs, ...(signal ? { signal } : {}) });
        } catch (err) {
          if (err instanceof DrainStopped) this.logger.warn({ target: describeTarget(t), uid: t.uid }, err.message);
          throw err;
        }
        const message = drainSummary(t, r);
        this.logger.info({ target: describeTarget(t), uid: t.uid, evicted: r.evicted.length, skipped: r.skipped.length, left: r.left.length, blocked: r.blocked.length, failed: r.failed.length, terminating: r.terminating.length }, 'drained');
        if (!drained(r)) throw new DrainIncomplete(message);
        return { message };
      }
      case 'set-image': {
        const { container, image, expectImage } = checkSetImage(args);
        const was = await setImage(kc, t, container, image, expectImage);
        this.logger.info({ target: describeTarget(t), uid: t.uid, container, image, was }, 'image set');
        return { message: was === image ? `${describeTarget(t)}: container ${container} already runs ${image}` : `set the image of container ${container} in ${describeTarget(t)} to ${image} (was ${was})` };
      }
      case 'suspend':
      case 'resume':
        await suspendCronJob(kc, t, action === 'suspend');
        this.logger.info({ target: describeTarget(t), uid: t.uid }, action === 'suspend' ? 'suspended' : 'resumed');
        return { message: action === 'suspend' ? `suspended ${describeTarget(t)}: no Jobs are scheduled until it is resumed` : `resumed ${describeTarget(t)}` };
      case 'trigger': {
        const job = await triggerCronJob(kc, t);
        this.logger.info({ target: describeTarget(t), uid: t.uid, job }, 'triggered');
        return { message: `created Job ${t.namespace}/${job} from ${describeTarget(t)}` };
      }
    }
  }
}
