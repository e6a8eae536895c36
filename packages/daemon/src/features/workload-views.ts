import { PulsePane } from '../panes/pulse/pulse-pane.js';
import { XrayPane } from '../panes/xray/xray-pane.js';
import type { FeatureHost } from './feature-host.js';

/** k9s's overview panes: `pulse` (counts and health of the main kinds) and `xray` (a workload as a tree). */
export function installWorkloadViews(host: FeatureHost): void {
  host.registry.register('pulse', (ctx) => new PulsePane(ctx));
  host.registry.register('xray', (ctx) => new XrayPane(ctx));
}
