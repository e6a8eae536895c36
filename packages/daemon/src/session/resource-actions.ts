import type { ClusterManager } from '../kube/cluster.js';
import { deleteObject, restartRollout, scaleObject } from '../kube/resource-ops.js';
import type { Logger } from '../logging/logger.js';
import type { ResourceTarget } from '../panes/pane.js';
import { invalidParams, invalidState } from '../util/errors.js';
import type { ClientState } from './client-state.js';
import type { Workspace } from './workspace.js';

export type ResourceActionName = 'yaml' | 'describe' | 'detail' | 'logs' | 'exec' | 'port-forward' | 'delete' | 'scale' | 'restart' | 'debug';

const VIEWERS: Partial<Record<ResourceActionName, string>> = { yaml: 'resource-yaml', describe: 'resource-describe', detail: 'resource-detail' };

export const describeTarget = (t: ResourceTarget): string => `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

/** Actions on the selected resource of a pane, shared by key bindings and `resource/action`. */
export class ResourceActions {
  constructor(
    private readonly workspace: Workspace,
    private readonly kube: ClusterManager,
    private readonly logger: Logger,
  ) {}

  target(paneId: number): ResourceTarget {
    const pane = this.workspace.pane(paneId);
    if (!pane.selectedResource) throw invalidState(`pane ${paneId} (${pane.key}) has no resources to act on`);
    const t = pane.selectedResource();
    if (!t) throw invalidState(`pane ${paneId} has no selected resource`);
    return t;
  }

  /** Runs an action; viewers open beside the pane (focused for `client`), mutations go to the API. */
  async run(
    paneId: number,
    action: ResourceActionName,
    args: Record<string, unknown> = {},
    client?: ClientState,
  ): Promise<{ paneId?: number; message: string }> {
    const t = this.target(paneId);
    const viewer = VIEWERS[action];
    if (viewer) {
      const { session } = this.workspace.locate(paneId);
      const opened = this.workspace.openPane(session.name, { key: viewer, args: { ...t } }, { split: { paneId, direction: 'horizontal', ratio: 0.5 } }, client);
      return { paneId: opened.paneId, message: `${action} of ${describeTarget(t)}` };
    }
    const kc = this.kube.configFor(t.context);
    switch (action) {
      case 'delete':
        await deleteObject(kc, t);
        this.logger.info({ target: describeTarget(t) }, 'deleted');
        return { message: `deleted ${describeTarget(t)}` };
      case 'scale': {
        const replicas = args.replicas;
        if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > 10000) {
          throw invalidParams('scale needs args.replicas, a whole number from 0 to 10000');
        }
        await scaleObject(kc, t, replicas);
        this.logger.info({ target: describeTarget(t), replicas }, 'scaled');
        return { message: `scaled ${describeTarget(t)} to ${replicas}` };
      }
      case 'restart':
        await restartRollout(kc, t);
        return { message: `restarted ${describeTarget(t)}` };
      default:
        throw invalidState(`${action} is not available in this build yet`);
    }
  }
}
