import type { FeatureHost } from './feature-host.js';

/** Logs: registers its pane types and resource actions (until then `resource/action` says "not available in this build yet"). */
export function installLogs(_host: FeatureHost): void {
  // Filled in by the Logs work (issue 9).
}
