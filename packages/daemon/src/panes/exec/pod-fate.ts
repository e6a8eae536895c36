import type { KubeConfig } from '../../kube/kubeconfig.js';
import { KubeApiError } from '../../kube/api-error.js';
import { defaultContainer, podContainers } from '../../kube/exec/pod-containers.js';
import { getObject } from '../../kube/resource-ops.js';
import type { KubeObject } from '../../kube/types.js';
import type { ExecTargetArgs } from './exec-args.js';

/**
 * Why a shell may have died under an exec pane, asked of the API server once it has: its pod was
 * deleted (404), is being deleted (deletionTimestamp), or is a new pod of the same name created
 * after the shell started; or its container stopped (with the reason the kubelet gave: OOMKilled…)
 * or restarted since. Null when the pod and container are the same and running, or when the API
 * server cannot say (the pane then shows the exit code alone).
 */
export async function podFate(kc: KubeConfig, t: ExecTargetArgs, shellStartedAt: number): Promise<string | null> {
  let pod: KubeObject;
  try {
    pod = await getObject(kc, { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, kindId: 'pods', name: t.pod, namespace: t.namespace, context: t.context });
  } catch (err) {
    return err instanceof KubeApiError && err.status === 404 ? 'the pod was deleted' : null;
  }
  if (pod.metadata.deletionTimestamp) return 'the pod is being deleted';
  // creationTimestamp has whole seconds: only a pod created in a later second is surely new.
  const created = Date.parse(pod.metadata.creationTimestamp ?? '');
  if (Number.isFinite(created) && created >= Math.floor(shellStartedAt / 1000) * 1000 + 1000) return 'the pod was deleted (a new one of that name has been created since)';
  const runs = podContainers(pod);
  const c = t.container !== undefined ? runs.find((r) => r.name === t.container) : defaultContainer(pod, runs);
  if (!c) return null;
  if (!c.running) return `its container stopped (${c.state})`;
  // Its last instance ended at or after the shell's start (whole seconds: the API's precision).
  const ended = c.lastEndedAt !== undefined ? Date.parse(c.lastEndedAt) : NaN;
  return Number.isFinite(ended) && ended >= Math.floor(shellStartedAt / 1000) * 1000 ? 'its container restarted' : null;
}
