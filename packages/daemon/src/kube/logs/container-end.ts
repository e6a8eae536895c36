import type { KubeConfig } from '../kubeconfig.js';
import { KubeApiError } from '../api-error.js';
import { kubeRequest } from '../kube-http.js';
import type { KubeObject } from '../types.js';
import { podPath, type LogTarget } from './log-request.js';

/**
 * Why a follow stream ended: the log is over (with the reason to show), or the server just cut it.
 * `restarts`: the container terminated and the pod will run it again (its restart policy): the
 * instance that ended, to tell the next one by (see nextInstance).
 */
/** `waiting`: why no log can come yet (the pod is not on a node: the API server answers its log empty). */
export type EndVerdict = { over: true; reason: string; restarts?: EndedInstance } | { over: false; waiting?: string };

/** One run of a container that ended: its container id (or, without one, when it started and finished). */
export interface EndedInstance {
  container: string;
  id: string;
}

type Rec = Record<string, unknown>;
const rec = (x: unknown): Rec | undefined => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Rec) : undefined);

const STATUS_FIELDS = ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'] as const;

function statusIn(pod: KubeObject, container: string): { status: Rec; field: (typeof STATUS_FIELDS)[number] } | undefined {
  for (const field of STATUS_FIELDS) {
    const list = pod.status?.[field];
    if (!Array.isArray(list)) continue;
    const s = list.map(rec).find((c) => c?.['name'] === container);
    if (s) return { status: s, field };
  }
  return undefined;
}

const statusOf = (pod: KubeObject, container: string): Rec | undefined => statusIn(pod, container)?.status;

/** Which run of a container `t` (a `state.terminated` or `lastState.terminated`) was. */
function instanceId(t: Rec): string {
  const id = t['containerID'];
  return typeof id === 'string' && id ? id : `${String(t['startedAt'] ?? '')}..${String(t['finishedAt'] ?? '')}`;
}

/**
 * Whether the pod runs `container` again after it terminated with `t`: its restart policy (the
 * pod's, Always by default; OnFailure after a non-zero exit; an init container only after a failure,
 * a sidecar always), never for an ephemeral container or a pod being deleted.
 */
function willRestart(pod: KubeObject, field: (typeof STATUS_FIELDS)[number], container: string, t: Rec): boolean {
  if (field === 'ephemeralContainerStatuses' || pod.metadata?.deletionTimestamp) return false;
  const policy = rec(pod.spec)?.['restartPolicy'];
  if (field === 'initContainerStatuses') {
    // A sidecar (an init container with restartPolicy Always) runs again whatever its exit; another
    // init container runs once when it succeeds, again after a failure unless the pod's policy is Never.
    const spec = (Array.isArray(rec(pod.spec)?.['initContainers']) ? (rec(pod.spec)!['initContainers'] as unknown[]) : []).map(rec).find((c) => c?.['name'] === container);
    if (spec?.['restartPolicy'] === 'Always') return true;
    return policy !== 'Never' && t['exitCode'] !== 0;
  }
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return t['exitCode'] !== 0;
  return true;
}

function describeTerminated(t: Rec): string {
  const code = typeof t['exitCode'] === 'number' ? t['exitCode'] : '?';
  const reason = typeof t['reason'] === 'string' && t['reason'] !== 'Completed' && t['reason'] !== 'Error' ? `, ${t['reason']}` : '';
  return `container terminated (exit code ${code}${reason})`;
}

/** The container a log without `container` means: the pod's only one. */
function defaultContainer(pod: KubeObject): string {
  const list = pod.spec?.['containers'];
  if (Array.isArray(list) && list.length === 1) {
    const n = rec(list[0])?.['name'];
    if (typeof n === 'string') return n;
  }
  return '';
}

/**
 * The pod `t` names as the API server has it now; `gone` with why when it was deleted, or when a new
 * pod took its name (not the one with `uid`); null when it could not be asked.
 */
async function podNow(kc: KubeConfig, t: LogTarget, uid: string | undefined): Promise<{ pod: KubeObject } | { gone: string } | null> {
  let pod: KubeObject;
  try {
    pod = await kubeRequest<KubeObject>(kc, { path: podPath(t), answerMs: 10_000, timeoutMs: 15_000 });
  } catch (err) {
    return err instanceof KubeApiError && err.status === 404 ? { gone: 'pod deleted' } : null;
  }
  const got = rec(rec(pod)?.['metadata'])?.['uid'];
  if (uid && typeof got === 'string' && got !== '' && got !== uid) return { gone: 'pod deleted (a new pod took its name)' };
  return { pod };
}

/**
 * Asks the API server why a follow stream ended: the pod is gone (or a new pod took its name), the
 * container terminated — then the log is over — or it still runs and the server cut the stream
 * (resume). A failed check counts as a cut: the resume then says what is wrong.
 */
export async function whyEnded(kc: KubeConfig, t: LogTarget, uid: string | undefined): Promise<EndVerdict> {
  const now = await podNow(kc, t, uid);
  if (!now) return { over: false };
  if ('gone' in now) return { over: true, reason: now.gone };
  const { pod } = now;
  const container = t.container || defaultContainer(pod);
  const found = statusIn(pod, container);
  const s = found?.status;
  const state = rec(s?.['state']);
  const last = rec(rec(s?.['lastState'])?.['terminated']);
  const ended = rec(state?.['terminated']) ?? (rec(state?.['waiting']) ? last : undefined);
  if (ended) {
    const restarts = found && willRestart(pod, found.field, container, ended) ? { restarts: { container, id: instanceId(ended) } } : {};
    return { over: true, reason: describeTerminated(ended), ...restarts };
  }
  if (pod.metadata?.deletionTimestamp && !rec(state?.['running'])) return { over: true, reason: 'pod deleted' };
  // Not scheduled: the API server answers its log with an empty 204 each time (no error to show).
  const node = rec(pod.spec)?.['nodeName'];
  if (typeof node !== 'string' || node === '') {
    return { over: false, waiting: 'the pod is not on a node yet (Pending): its log starts once a container runs' };
  }
  return { over: false };
}

/**
 * Whether the pod named by `t` is still the one with `uid`, asked after a resumed log request was
 * answered: that log came from this pod then. A reason when it is not (deleted, or a new pod took the
 * name); null when it is, or when the check failed (the stream itself then says what is wrong).
 */
export async function podReplaced(kc: KubeConfig, t: LogTarget, uid: string): Promise<string | null> {
  const now = await podNow(kc, t, uid);
  return now && 'gone' in now ? now.gone : null;
}

/** What became of a container waited for after one of its runs ended (see nextInstance). */
export type NextInstance = { kind: 'started' } | { kind: 'not yet' } | { kind: 'over'; reason: string };

/**
 * Whether the pod named by `t` (still the one with `uid`) has run `ended.container` again since
 * the run `ended`: it runs now, or a later run already ended (its log is read then). `over` when the
 * pod is gone or will not run it again; `not yet` while it waits (CrashLoopBackOff) or the check failed.
 */
export async function nextInstance(kc: KubeConfig, t: LogTarget, uid: string | undefined, ended: EndedInstance): Promise<NextInstance> {
  const now = await podNow(kc, t, uid);
  if (!now) return { kind: 'not yet' };
  if ('gone' in now) return { kind: 'over', reason: now.gone };
  const { pod } = now;
  const found = statusIn(pod, ended.container);
  const state = rec(found?.status['state']);
  if (rec(state?.['running'])) return { kind: 'started' };
  const latest = rec(state?.['terminated']) ?? rec(rec(found?.status['lastState'])?.['terminated']);
  if (latest && instanceId(latest) !== ended.id) return { kind: 'started' };
  if (!found || (latest && !willRestart(pod, found.field, ended.container, latest))) return { kind: 'over', reason: latest ? describeTerminated(latest) : 'container gone' };
  return { kind: 'not yet' };
}
