import type { FeatureHost } from './feature-host.js';
import { ForwardManager } from '../forwards/forward-manager.js';
import { publishForwards } from '../forwards/service-registry.js';
import { portForwardAction } from '../forwards/forward-action.js';
import { PortForwardsPane } from '../panes/forwards/port-forwards-pane.js';

/**
 * Port-forwards: the daemon's forward manager (forwards outlive the clients that started them and
 * stop with the daemon), the `port-forwards` pane (`:port-forwards`, `ctrl+shift+p`), and `p` /
 * `resource/action port-forward` on pods, Services and workloads.
 */
export function installPortForwards(host: FeatureHost): ForwardManager {
  const manager = new ForwardManager({ kube: host.kube, streams: host.streams, logger: host.logger.child({ part: 'port-forward' }) });
  host.registry.register('port-forwards', (ctx) => new PortForwardsPane(ctx, manager));
  host.actions.register('port-forward', portForwardAction(manager, host.kube));
  host.onStop(() => manager.stopAll());
  publishForwards(host.workspace, manager);
  return manager;
}
