import type { ForwardManager } from './forward-manager.js';

/**
 * The daemon's forward manager, found through an object the RPC layer already holds (the
 * workspace), until the daemon hands it to `DaemonContext.portForwards` itself.
 */
const managers = new WeakMap<object, ForwardManager>();

export function publishForwards(anchor: object, manager: ForwardManager): void {
  managers.set(anchor, manager);
}

export function publishedForwards(anchor: object): ForwardManager | undefined {
  return managers.get(anchor);
}
