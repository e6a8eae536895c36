import { badExecTarget } from '../../kube/exec/exec-session.js';
import type { KubeScope } from '../../kube/types.js';

/** Where an exec pane's shell runs: `{context?, namespace?, pod, container?}` (context and namespace default to the tab's). */
export interface ExecTargetArgs {
  context: string;
  namespace: string;
  pod: string;
  container?: string;
}

/** The pane's args checked (they may come from a script's `pane/open`), or why they cannot be used. */
export function parseExecArgs(args: Record<string, unknown>, scope: KubeScope): ExecTargetArgs | { error: string } {
  const context = args.context ?? scope.context;
  if (typeof context !== 'string' || context === '') return { error: 'exec needs a cluster context (args.context, or a tab with one)' };
  const namespace = args.namespace ?? (scope.namespace === '*' ? undefined : scope.namespace);
  if (typeof namespace !== 'string') return { error: 'exec needs args.namespace (the tab shows all namespaces)' };
  const pod = args.pod;
  if (typeof pod !== 'string') return { error: 'exec needs args.pod, the name of a pod' };
  const container = args.container;
  if (container !== undefined && typeof container !== 'string') return { error: 'args.container must be a container name' };
  const bad = badExecTarget({ namespace, pod, ...(container !== undefined ? { container } : {}) });
  if (bad) return { error: `exec: ${bad}` };
  return { context, namespace, pod, ...(container !== undefined ? { container } : {}) };
}
