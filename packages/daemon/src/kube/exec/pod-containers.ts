import type { KubeObject } from '../types.js';

/** A container of a pod as exec sees it: whether it runs, and in words what it is doing otherwise. */
export interface ContainerRun {
  name: string;
  running: boolean;
  /** `running`, `waiting: CrashLoopBackOff`, `terminated: Completed (exit code 0)`, `no status yet`. */
  state: string;
  /** When its previous instance ended (`lastState.terminated.finishedAt`), if it had one. */
  lastEndedAt?: string;
}

const rec = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function stateWords(status: Record<string, unknown> | null): { running: boolean; state: string } {
  const st = rec(status?.state);
  if (!st) return { running: false, state: 'no status yet' };
  if (rec(st.running)) return { running: true, state: 'running' };
  const waiting = rec(st.waiting);
  if (waiting) return { running: false, state: `waiting: ${str(waiting.reason) ?? 'no reason given'}` };
  const term = rec(st.terminated);
  if (term) {
    const code = typeof term.exitCode === 'number' ? ` (exit code ${term.exitCode})` : '';
    return { running: false, state: `terminated: ${str(term.reason) ?? 'no reason given'}${code}` };
  }
  return { running: false, state: 'no status yet' };
}

/** The app containers of a pod (spec order) with their states; read defensively, it comes from the API server. */
export function podContainers(pod: KubeObject): ContainerRun[] {
  const statuses = new Map<string, Record<string, unknown>>();
  for (const s of list(rec(pod.status)?.containerStatuses)) {
    const r = rec(s);
    const name = str(r?.name);
    if (r && name) statuses.set(name, r);
  }
  const out: ContainerRun[] = [];
  for (const c of list(rec(pod.spec)?.containers)) {
    const name = str(rec(c)?.name);
    if (!name || out.some((o) => o.name === name)) continue;
    const status = statuses.get(name) ?? null;
    const lastEndedAt = str(rec(rec(status?.lastState)?.terminated)?.finishedAt);
    out.push({ name, ...stateWords(status), ...(lastEndedAt !== undefined ? { lastEndedAt } : {}) });
  }
  return out;
}

/** The container `kubectl exec` picks when none is named: the default-container annotation, else the first. */
export function defaultContainer(pod: KubeObject, among: readonly ContainerRun[]): ContainerRun | undefined {
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  return among.find((c) => c.name === annotated) ?? among[0];
}

/** The pod's phase when it has finished (nothing runs in it any more), else null. */
export function finishedPhase(pod: KubeObject): string | null {
  const phase = str(rec(pod.status)?.phase);
  return phase === 'Succeeded' || phase === 'Failed' ? phase : null;
}
