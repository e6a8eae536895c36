import type { ViewSpec } from '@kubetile/rpc-schema';
import type { ClusterManager } from '../../kube/cluster.js';
import { badContainer } from '../../kube/logs/log-request.js';
import { describeObject } from '../../kube/object-ref.js';
import type { Logger } from '../../logging/logger.js';
import type { InteractionRequest } from '../../session/resource-actions.js';
import type { Workspace } from '../../session/workspace.js';
import { errorMessage, invalidParams, invalidState } from '../../util/errors.js';
import { LOG_KINDS, SINCE_CHOICES, type LogKind, type SinceChoice } from './logs-args.js';
import { containerLabel, containersOf, fetchPod } from './pod-containers.js';
import { describedKind, isBuiltinKind } from '../../kube/builtin-target.js';

export const LOGS_PANE = 'logs';
const ALL = 'all containers';

interface ActionArgs {
  container?: string;
  allContainers?: boolean;
  previous?: boolean;
  since?: SinceChoice;
}

/** `resource/action logs` args: `container` (a name, or `*` for all), `previous`, `since`. Bad ones are named. */
function actionArgs(args: Record<string, unknown>): ActionArgs {
  const out: ActionArgs = {};
  const c = args['container'];
  if (c !== undefined) {
    if (c === '*' || c === ALL) out.allContainers = true;
    else {
      const bad = badContainer(c, 'args.container');
      if (bad) throw invalidParams(bad);
      out.container = c as string;
    }
  }
  const p = args['previous'];
  if (p !== undefined) {
    if (typeof p !== 'boolean') throw invalidParams(`args.previous must be true or false, not ${JSON.stringify(p)}`);
    out.previous = p;
  }
  const s = args['since'];
  if (s !== undefined) {
    if (typeof s !== 'string' || !(SINCE_CHOICES as readonly string[]).includes(s)) throw invalidParams(`args.since must be one of ${SINCE_CHOICES.join(', ')}, not ${JSON.stringify(s)}`);
    out.since = s as SinceChoice;
  }
  return out;
}

const isLogKind = (k: string): k is LogKind => (LOG_KINDS as readonly string[]).includes(k);

/** Whether a logs pane's args show the same object (context, namespace, kind, name). */
function sameObject(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return a['context'] === b['context'] && a['namespace'] === b['namespace'] && (a['kind'] ?? 'Pod') === (b['kind'] ?? 'Pod') && a['name'] === b['name'];
}

function sameChoice(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return (['container', 'allContainers', 'previous', 'since'] as const).every((k) => (a[k] ?? null) === (b[k] ?? null));
}

/**
 * KubeTile's placement: focus the tab's logs pane for the same object (showing the new choice if it
 * differs), else replace the tab's logs pane, else split the pane the key was pressed in (the logs
 * below it).
 */
export function placeLogsPane(ws: Workspace, fromPaneId: number, view: ViewSpec, client: InteractionRequest['client']): number {
  const { session, tab } = ws.locate(fromPaneId);
  const attached = client && ws.clients.has(client.id) && client.sessionName === session.name ? client : undefined;
  const args = view.args ?? {};
  const logsPanes = tab.paneIds().filter((id) => ws.pane(id).key === LOGS_PANE);
  const same = logsPanes.find((id) => sameObject(ws.pane(id).args, args));
  const reuse = same ?? logsPanes[0];
  if (reuse !== undefined) {
    const keep = same !== undefined && sameChoice(ws.pane(same).args, args);
    const id = keep ? reuse : ws.replaceView(reuse, view);
    if (attached) ws.focusPane(attached, id);
    return id;
  }
  return ws.openPane(session.name, view, { split: { paneId: fromPaneId, direction: 'horizontal', ratio: 0.5 } }, attached).paneId;
}

export interface LogsActionDeps {
  workspace: Workspace;
  kube: ClusterManager;
  logger: Logger;
}

/**
 * `l` / `resource/action logs`: a pod (asking which container when it has several: one of them,
 * an init container, or all interleaved), or a workload or service (every pod it selects).
 */
export function logsAction(deps: LogsActionDeps) {
  return async (req: InteractionRequest): Promise<{ paneId?: number; message: string }> => {
    const t = req.target;
    if (!isLogKind(t.kind) || !isBuiltinKind(t) || t.namespace === null) throw invalidState(`${isLogKind(t.kind) ? describedKind(t) : t.kind} has no logs: use l on a Pod, Deployment, StatefulSet, DaemonSet, Job, ReplicaSet or Service`);
    const a = actionArgs(req.args);
    const viewArgs: Record<string, unknown> = { context: t.context, namespace: t.namespace, kind: t.kind, name: t.name };
    if (t.uid) viewArgs['uid'] = t.uid;
    if (a.previous) viewArgs['previous'] = true;
    if (a.since) viewArgs['since'] = a.since;
    if (a.container) viewArgs['container'] = a.container;
    if (a.allContainers) viewArgs['allContainers'] = true;
    if (t.kind === 'Pod' && !a.container && !a.allContainers) {
      // Several containers: ask which (scripts get all of them); one: straight in. A pod we cannot
      // read is left to the pane, which says what is wrong.
      let names: string[] = [];
      try {
        names = containersOf(await fetchPod(deps.kube.configFor(t.context), t.namespace, t.name)).map(containerLabel);
      } catch (err) {
        deps.logger.debug({ err: errorMessage(err) }, 'logs: reading the pod for its containers failed');
      }
      if (names.length > 1) {
        if (req.prompts.interactive) {
          const picked = await req.prompts.pick(`Logs of ${t.name}: container`, [ALL, ...names]);
          if (picked === null) return { message: 'logs: cancelled' };
          if (picked === ALL) viewArgs['allContainers'] = true;
          else viewArgs['container'] = picked.replace(/ \(init\)$/, '');
        } else viewArgs['allContainers'] = true;
      }
    }
    const view: ViewSpec = { key: LOGS_PANE, args: viewArgs };
    const paneId = placeLogsPane(deps.workspace, req.paneId, view, req.client);
    return { paneId, message: `logs of ${describeObject(t)}` };
  };
}
