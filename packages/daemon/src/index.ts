export { Daemon, type DaemonOptions } from './daemon.js';
export { PaneRegistry } from './panes/registry.js';
export type { Pane, PaneContext, PaneFactory } from './panes/pane.js';
