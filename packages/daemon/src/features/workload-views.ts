import { PulsePane } from '../panes/pulse/pulse-pane.js';
import { XrayPane } from '../panes/xray/xray-pane.js';
import { TopPane } from '../panes/top/top-pane.js';
import type { FeatureHost } from './feature-host.js';

/**
 * k9s's overview panes: `pulse` (counts and health of the main kinds), `xray` (a workload as a tree),
 * and `top` / `top-nodes` (usage from metrics-server, `kubectl top` kept live).
 */
export function installWorkloadViews(host: FeatureHost): void {
  host.registry.register('pulse', (ctx) => new PulsePane(ctx));
  host.registry.register('xray', (ctx) => new XrayPane(ctx));
  host.registry.register('top', (ctx) => new TopPane(ctx));
  // The nodes' view is a top pane (key `top`, args.kind nodes), so a restart restores it as such.
  host.registry.register('top-nodes', (ctx) => new TopPane({ ...ctx, args: { ...ctx.args, kind: 'nodes' } }));
}
