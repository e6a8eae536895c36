import type { FeatureHost } from './feature-host.js';

/** Exec: registers its pane types and resource actions (until then `resource/action` says "not available in this build yet"). */
export function installExec(_host: FeatureHost): void {
  // Filled in by the Exec work (issue 9).
}
