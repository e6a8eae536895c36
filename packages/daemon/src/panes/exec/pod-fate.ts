import type { KubeConfig } from '../../kube/kubeconfig.js';
import { KubeApiError } from '../../kube/api-error.js';
import { getObject } from '../../kube/resource-ops.js';
import type { ExecTargetArgs } from './exec-args.js';

/**
 * Why a shell may have died under an exec pane, asked of the API server once it has: its pod was
 * deleted (404), is being deleted (deletionTimestamp), or is a new pod of the same name created
 * after the shell started. Null when the pod is the same and not going away, or when the API
 * server cannot say (the pane then shows the exit code alone).
 */
export async function podFate(kc: KubeConfig, t: ExecTargetArgs, shellStartedAt: number): Promise<string | null> {
  try {
    const pod = await getObject(kc, { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, kindId: 'pods', name: t.pod, namespace: t.namespace, context: t.context });
    if (pod.metadata.deletionTimestamp) return 'the pod is being deleted';
    // creationTimestamp has whole seconds: only a pod created in a later second is surely new.
    const created = Date.parse(pod.metadata.creationTimestamp ?? '');
    if (Number.isFinite(created) && created >= Math.floor(shellStartedAt / 1000) * 1000 + 1000) return 'the pod was deleted (a new one of that name has been created since)';
    return null;
  } catch (err) {
    return err instanceof KubeApiError && err.status === 404 ? 'the pod was deleted' : null;
  }
}
