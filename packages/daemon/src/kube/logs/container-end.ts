import type { KubeConfig } from '../kubeconfig.js';
import { KubeApiError } from '../api-error.js';
import { kubeRequest } from '../kube-http.js';
import type { KubeObject } from '../types.js';
import { podPath, type LogTarget } from './log-request.js';

/** Why a follow stream ended: the log is over (with the reason to show), or the server just cut it. */
export type EndVerdict = { over: true; reason: string } | { over: false };

type Rec = Record<string, unknown>;
const rec = (x: unknown): Rec | undefined => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Rec) : undefined);

function statusOf(pod: KubeObject, container: string): Rec | undefined {
  for (const field of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    const list = pod.status?.[field];
    if (!Array.isArray(list)) continue;
    const s = list.map(rec).find((c) => c?.['name'] === container);
    if (s) return s;
  }
  return undefined;
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
 * Asks the API server why a follow stream ended: the pod is gone (or a new pod took its name), the
 * container terminated — then the log is over — or it still runs and the server cut the stream
 * (resume). A failed check counts as a cut: the resume then says what is wrong.
 */
export async function whyEnded(kc: KubeConfig, t: LogTarget, uid: string | undefined): Promise<EndVerdict> {
  let pod: KubeObject;
  try {
    pod = await kubeRequest<KubeObject>(kc, { path: podPath(t), answerMs: 10_000, timeoutMs: 15_000 });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return { over: true, reason: 'pod deleted' };
    return { over: false };
  }
  if (uid && pod.metadata?.uid && pod.metadata.uid !== uid) return { over: true, reason: 'pod deleted (a new pod took its name)' };
  const container = t.container || defaultContainer(pod);
  const s = statusOf(pod, container);
  const state = rec(s?.['state']);
  const terminated = rec(state?.['terminated']);
  if (terminated) return { over: true, reason: describeTerminated(terminated) };
  const last = rec(rec(s?.['lastState'])?.['terminated']);
  if (rec(state?.['waiting']) && last) return { over: true, reason: describeTerminated(last) };
  if (pod.metadata?.deletionTimestamp && !rec(state?.['running'])) return { over: true, reason: 'pod deleted' };
  return { over: false };
}

/**
 * Whether the pod named by `t` is still the one with `uid`, asked after a resumed log request was
 * answered: that log came from this pod then. A reason when it is not (deleted, or a new pod took the
 * name); null when it is, or when the check failed (the stream itself then says what is wrong).
 */
export async function podReplaced(kc: KubeConfig, t: LogTarget, uid: string): Promise<string | null> {
  try {
    const pod = await kubeRequest<KubeObject>(kc, { path: podPath(t), answerMs: 10_000, timeoutMs: 15_000 });
    const now = rec(pod)?.['metadata'];
    const got = rec(now)?.['uid'];
    return typeof got === 'string' && got !== '' && got !== uid ? 'pod deleted (a new pod took its name)' : null;
  } catch (err) {
    return err instanceof KubeApiError && err.status === 404 ? 'pod deleted' : null;
  }
}
