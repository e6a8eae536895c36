import type { FeatureHost } from './feature-host.js';

/** Port-forwards: registers its pane types and resource actions (until then `resource/action` says "not available in this build yet"). */
export function installPortForwards(_host: FeatureHost): void {
  // Filled in by the Port-forwards work (issue 9).
}
