import type { ApiConfig as KubeConfig } from './api-config.js';
import { createHash, randomBytes } from 'node:crypto';
import { CredentialError, KubeApiError } from './api-error.js';
import { kubeRequest } from './kube-http.js';
import type { KubeObject } from './types.js';
import { oneLine } from '../util/safe-text.js';

/**
 * k9s's "node shell": a privileged pod pinned to the node (host PID, network and IPC namespaces, the node's `/` at
 * `/host`, every taint tolerated) that an exec pane opens a shell in. Its `zsh` and `bash` on the PATH are a small
 * wrapper that `chroot`s into `/host` (the node's own shell), so the exec pane's usual shell choice lands on the
 * node; `sh` stays the container's. The pod is deleted when the pane closes (and when the daemon stops).
 */

export const NODE_SHELL_LABEL = 'kubetile.io/node-shell';
/**
 * Which daemon made a node-shell pod (a hash of the host, the user and the daemon's state dir): a
 * daemon that died (kill -9, a crash) cannot delete its pods, so the next one on the same state
 * removes those it finds before it makes any, and never anyone else's.
 */
export const NODE_SHELL_OWNER_LABEL = 'kubetile.io/owner';
export const NODE_SHELL_CONTAINER = 'shell';

/** The script the container runs: the chroot wrappers, then sleep until it is told to stop. */
const SETUP = [
  'mkdir -p /kubetile/bin',
  `printf '%s\\n' '#!/bin/sh' 'for s in /bin/bash /usr/bin/bash /bin/sh /usr/bin/sh; do [ -x "/host$s" ] && exec chroot /host "$s" -l; done' 'echo "kubetile: no shell on the node; this is the node-shell container (the node is at /host)"' 'exec /bin/sh' > /kubetile/bin/node-shell`,
  'chmod 755 /kubetile/bin/node-shell',
  'ln -sf node-shell /kubetile/bin/zsh',
  'ln -sf node-shell /kubetile/bin/bash',
  "trap 'exit 0' TERM INT",
  'while :; do sleep 3600 & wait $!; done',
].join(' && ');

/** A pod name for `node`: `kubetile-node-shell-<node, cut>-<5 random>`, a valid DNS label. */
export function nodeShellPodName(node: string): string {
  return `${nodeShellPodPrefix(node)}${randomBytes(3).toString('hex').slice(0, 5)}`;
}

/** What every node-shell pod name for `node` starts with (the confirmation names it: the pod made must be the one it said). */
export function nodeShellPodPrefix(node: string): string {
  const stem = node.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '') || 'node';
  return `kubetile-node-shell-${stem}-`;
}

export function nodeShellPod(node: string, namespace: string, image: string, owner: string, name = nodeShellPodName(node)): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: '',
      labels: { [NODE_SHELL_LABEL]: 'true', [NODE_SHELL_OWNER_LABEL]: owner, 'app.kubernetes.io/managed-by': 'kubetile' },
      annotations: { 'kubetile.io/node': node },
    },
    spec: {
      nodeName: node,
      hostPID: true,
      hostNetwork: true,
      hostIPC: true,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: NODE_SHELL_CONTAINER,
          image,
          command: ['sh', '-c', SETUP],
          env: [{ name: 'PATH', value: '/kubetile/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }],
          stdin: true,
          tty: true,
          securityContext: { privileged: true, runAsUser: 0 },
          volumeMounts: [{ name: 'host', mountPath: '/host' }],
        },
      ],
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
    },
  };
}

/** What the confirmation says will be created. */
export function describeNodeShell(node: string, namespace: string, image: string): string {
  return (
    `Open a shell on node ${node}? This creates pod ${nodeShellPodPrefix(node)}… in namespace ${namespace}: ` +
    `image ${image}, privileged, host PID/network/IPC, the node's / at /host, scheduled on ${node} whatever its taints. ` +
    `The pod is deleted when the pane closes.`
  );
}

/**
 * Marks one creation: the pod a POST made is told from any other of the same name (a user's, a
 * later attempt's) by it, when the POST got no answer and the pod may or may not exist.
 */
export const NODE_SHELL_ATTEMPT_ANNOTATION = 'kubetile.io/node-shell-attempt';

/** One creation of a node-shell pod: its body (name and attempt mark chosen here), to POST once. */
export interface NodeShellAttempt {
  namespace: string;
  name: string;
  attempt: string;
  body: KubeObject;
}

export function nodeShellAttempt(node: string, namespace: string, image: string, owner: string): NodeShellAttempt {
  const body = nodeShellPod(node, namespace, image, owner);
  delete (body.metadata as { uid?: string }).uid;
  const attempt = randomBytes(8).toString('hex');
  body.metadata.annotations = { ...body.metadata.annotations, [NODE_SHELL_ATTEMPT_ANNOTATION]: attempt };
  return { namespace, name: body.metadata.name, attempt, body };
}

export async function createNodeShellPod(kc: KubeConfig, a: NodeShellAttempt): Promise<KubeObject> {
  return kubeRequest<KubeObject>(kc, { method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(a.namespace)}/pods`, body: a.body });
}

/**
 * Whether a failed POST may still have made the pod: the server never answered (a timeout, a
 * dropped connection), answered 5xx (a storage or webhook timeout: the write may land), or sent
 * something that is not a Status. A 4xx is a refusal: nothing was made.
 */
export function createMayHaveLanded(err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return true;
  if (err instanceof CredentialError) return false;
  return err.status === 0 || err.status >= 500;
}

/** How long a POST that got no answer may still land: the API server's own request timeout (60 s), and some. */
const LATE_CREATE_MS = 75_000;
const LATE_POLL_MS = 1_000;

/**
 * After a POST that may have landed unseen: watches for the pod under its name until it cannot
 * come any more, and deletes it (by uid) if it is this attempt's; a pod of that name without this
 * attempt's mark is someone else's and is left. Returns whether it deleted one; never throws.
 */
export async function reapUnansweredNodeShell(
  kc: KubeConfig,
  a: NodeShellAttempt,
  opts: { owner: string; windowMs?: number; pollMs?: number },
): Promise<boolean> {
  const deadline = Date.now() + (opts.windowMs ?? LATE_CREATE_MS);
  for (;;) {
    try {
      const pod = await kubeRequest<KubeObject>(kc, { path: `/api/v1/namespaces/${encodeURIComponent(a.namespace)}/pods/${encodeURIComponent(a.name)}` });
      const meta = pod?.metadata;
      if (meta?.annotations?.[NODE_SHELL_ATTEMPT_ANNOTATION] !== a.attempt || meta.labels?.[NODE_SHELL_OWNER_LABEL] !== opts.owner || !meta.uid) return false;
      await deleteNodeShellPod(kc, a.namespace, a.name, meta.uid);
      return true;
    } catch {
      // Not there (yet), or not readable now: looked at again until the window closes.
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? LATE_POLL_MS));
  }
}

/** Deletes the node-shell pod, only that very pod (uid precondition), at once; gone already is fine. */
export async function deleteNodeShellPod(kc: KubeConfig, namespace: string, name: string, uid: string): Promise<void> {
  try {
    await kubeRequest(kc, {
      method: 'DELETE',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
      body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid } },
    });
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 404 || err.status === 409)) return;
    throw err;
  }
}

/**
 * Deletes the node-shell pods `owner` left in `namespace` (each pinned by its uid), but those `keep`
 * says are in use; returns how many it deleted. Called before a daemon makes its first node shell in
 * a context, and when it restores one: any of its pods then is an orphan of a daemon that died.
 * `keep` is asked after the list has come, so a creation of this daemon's that is under way (its pod
 * listed, its POST not answered yet) is known by its attempt mark (`NODE_SHELL_ATTEMPT_ANNOTATION`).
 */
export async function deleteOrphanNodeShells(kc: KubeConfig, namespace: string, owner: string, keep: (pod: KubeObject) => boolean): Promise<number> {
  const selector = `${NODE_SHELL_LABEL}=true,${NODE_SHELL_OWNER_LABEL}=${owner}`;
  const list = await kubeRequest<{ items?: KubeObject[] }>(kc, {
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(selector)}`,
  });
  let deleted = 0;
  for (const p of list.items ?? []) {
    // The server filtered already; checked again so a server that ignores the selector deletes nothing of anyone else's.
    if (p.metadata.labels?.[NODE_SHELL_OWNER_LABEL] !== owner || p.metadata.labels?.[NODE_SHELL_LABEL] !== 'true') continue;
    if (!p.metadata.uid || keep(p)) continue;
    await deleteNodeShellPod(kc, namespace, p.metadata.name, p.metadata.uid);
    deleted++;
  }
  return deleted;
}

/** The owner label's value for a daemon: host, user and state dir, hashed (a valid label value). */
export function nodeShellOwner(host: string, uid: number, stateDir: string): string {
  return createHash('sha256').update(`${host}\0${uid}\0${stateDir}`).digest('hex').slice(0, 20);
}

/** The longest piece of a server's reason or message shown in a message (it is the API server's text). */
const REASON_MAX = 300;
const said = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? oneLine(v, REASON_MAX) : null);

/** `container`'s entry in the pod's status list `field` (containerStatuses, ephemeralContainerStatuses…), whatever shape the server sent. */
function containerStatus(pod: KubeObject, container: string, field: string): Record<string, unknown> | undefined {
  const statuses = pod.status?.[field];
  if (!Array.isArray(statuses)) return undefined;
  const cs: unknown = statuses.find((s: unknown) => typeof s === 'object' && s !== null && (s as Record<string, unknown>)['name'] === container);
  return cs as Record<string, unknown> | undefined;
}

/** Why a container will not start (image pull errors, bad config), from its waiting reason; null while it may. */
export function containerFailure(pod: KubeObject, container: string, field = 'containerStatuses'): string | null {
  const cs = containerStatus(pod, container, field);
  const waiting = (cs?.['state'] as { waiting?: { reason?: unknown; message?: unknown } } | undefined)?.waiting;
  const reason = typeof waiting?.reason === 'string' ? waiting.reason : '';
  if (/^(ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerConfigError|CreateContainerError|RunContainerError|ErrImageNeverPull)$/.test(reason)) {
    const message = said(waiting?.message);
    return `${reason}${message ? `: ${message}` : ''}`;
  }
  const terminated = (cs?.['state'] as { terminated?: { reason?: unknown; exitCode?: unknown } } | undefined)?.terminated;
  if (terminated) return `the container ended (${[said(terminated.reason) ?? 'exit', typeof terminated.exitCode === 'number' ? terminated.exitCode : null].filter((x) => x !== null).join(' ')})`;
  const phase = pod.status?.['phase'];
  if (phase === 'Failed' || phase === 'Succeeded') return `the pod ended (phase ${String(phase)})`;
  return null;
}

/**
 * What the pod last said about a container that is not running yet, for a timeout's message: the
 * container's waiting reason (ContainerCreating, PodInitializing…), else why the pod is not
 * scheduled, else its phase and that its kubelet has not reported on it (a node that is down).
 */
export function notRunningYet(pod: KubeObject, container: string, field = 'containerStatuses'): string {
  const cs = containerStatus(pod, container, field);
  const waiting = (cs?.['state'] as { waiting?: { reason?: unknown; message?: unknown } } | undefined)?.waiting;
  if (waiting) {
    const reason = said(waiting.reason) ?? 'waiting';
    const message = said(waiting.message);
    return `last seen: ${reason}${message ? `: ${message}` : ''}`;
  }
  const conditions = pod.status?.['conditions'];
  const scheduled = Array.isArray(conditions) ? (conditions.find((c: unknown) => (c as Record<string, unknown> | null)?.['type'] === 'PodScheduled') as Record<string, unknown> | undefined) : undefined;
  if (scheduled && scheduled['status'] === 'False') {
    const message = said(scheduled['message']) ?? said(scheduled['reason']);
    return `not scheduled${message ? `: ${message}` : ''}`;
  }
  const phase = said(pod.status?.['phase']) ?? 'no phase';
  const node = said((pod.spec as { nodeName?: unknown } | undefined)?.nodeName);
  return cs ? `last seen: phase ${phase}` : `last seen: phase ${phase}, no status of the container from ${node ? `node ${node}'s` : 'the'} kubelet yet`;
}

export function containerRunning(pod: KubeObject, container: string, field = 'containerStatuses'): boolean {
  const cs = containerStatus(pod, container, field);
  return typeof cs?.['state'] === 'object' && cs['state'] !== null && 'running' in (cs['state'] as object);
}

/**
 * Polls the pod until `container` runs (every 500 ms, within `timeoutMs`); throws with the reason when it cannot
 * (an image that cannot be pulled, the pod gone or ended, the deadline).
 */
export async function waitForContainer(
  kc: KubeConfig,
  namespace: string,
  name: string,
  container: string,
  /** `uid`: the pod's, as created or read; another pod under the name (deleted and re-made meanwhile) is never taken for it. */
  opts: { timeoutMs: number; signal?: AbortSignal; field?: string; uid?: string },
): Promise<KubeObject> {
  const deadline = Date.now() + opts.timeoutMs;
  const field = opts.field ?? 'containerStatuses';
  let blip: string | null = null;
  for (;;) {
    if (opts.signal?.aborted) throw new KubeApiError('cancelled', 0, 'Cancelled');
    let pod: KubeObject | null = null;
    try {
      pod = await kubeRequest<KubeObject>(kc, { path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}` });
      blip = null;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) throw new KubeApiError(`pod ${namespace}/${name} is gone`, 404, 'NotFound');
      // One look that failed (no answer, a 5xx, a 429) is asked again: a blip gave the starting pod up (and the node shell deleted it).
      if (!transient(err)) throw err;
      blip = errorText(err);
    }
    if (pod === null) {
      if (Date.now() > deadline) throw new KubeApiError(`container ${container} of pod ${namespace}/${name} could not be looked at within ${Math.round(opts.timeoutMs / 1000)} s: ${blip ?? 'no answer'}`, 0, 'Timeout');
      await pause(500, opts.signal);
      continue;
    }
    if (opts.uid && pod?.metadata?.uid !== opts.uid) {
      throw new KubeApiError(`pod ${namespace}/${name} was replaced by another pod of the same name (not the one made or chosen); nothing was opened in it`, 409, 'Replaced');
    }
    if (containerRunning(pod, container, field)) return pod;
    const failure = containerFailure(pod, container, field);
    if (failure) throw new KubeApiError(`container ${container} of pod ${namespace}/${name} cannot start: ${failure}`, 0, 'ContainerFailed');
    if (Date.now() > deadline) throw new KubeApiError(`container ${container} of pod ${namespace}/${name} did not start within ${Math.round(opts.timeoutMs / 1000)} s (${notRunningYet(pod, container, field)})`, 0, 'Timeout');
    await pause(500, opts.signal);
  }
}

/** A failure worth asking again: no answer, the server's own trouble (5xx), or too many requests. */
function transient(err: unknown): boolean {
  if (!(err instanceof KubeApiError) || err instanceof CredentialError) return false;
  return err.status === 0 || err.status === 429 || err.status >= 500;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Waits `ms`, or less if `signal` fires (its listener removed either way: one per look piled up for minutes). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
