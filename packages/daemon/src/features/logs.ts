import { LogSources } from '../kube/logs/log-sources.js';
import { LogsPane } from '../panes/logs/logs-pane.js';
import { LOGS_PANE, logsAction } from '../panes/logs/open-logs.js';
import type { FeatureHost } from './feature-host.js';

/** The most a shared stream keeps for panes that join it later (beyond it they get a backfill). */
const RING_BYTES = 2 * 1024 * 1024;

/**
 * Logs: the `logs` pane type (a pod, or every pod of a workload), the `logs` resource action
 * (`l`), and the daemon's shared log streams (stopped with the daemon).
 */
export function installLogs(host: FeatureHost): void {
  const sources = new LogSources({
    configFor: (context) => host.kube.configFor(context),
    track: () => host.streams.open('logs'),
    limits: () => {
      const c = host.config().logs;
      return {
        ringLines: Math.max(c.tail_lines, 100),
        ringBytes: Math.min(RING_BYTES, c.max_bytes),
        backfillLines: c.max_lines,
        backfillBytes: c.max_bytes,
      };
    },
    logger: host.logger.child({ part: 'logs' }),
  });
  // Shows one pod's or workload's logs: opened by `l` or with args, not offered by `:` (which has nothing to name).
  host.registry.register(LOGS_PANE, (ctx) => new LogsPane(ctx, sources), { needsTarget: true });
  host.actions.register('logs', logsAction({ workspace: host.workspace, kube: host.kube, logger: host.logger }));
  host.onStop(() => sources.stopAll());
}
