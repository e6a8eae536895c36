/** The pod runtime: what a kubelet would provide (logs, exec, port-forward) plus the demo controller. */
import type { SubresourceHandler, UpgradeHandler } from '../http/api-server.js';
import type { PodRuntime, SeedName } from '../sim.js';
import type { World } from '../world.js';

export class SimPodRuntime implements PodRuntime {
  readonly subresources = new Map<string, SubresourceHandler>();
  readonly upgrades = new Map<string, UpgradeHandler>();
  private controllerRunning = false;

  attach(_world: World, _seed: SeedName, controller: boolean): void {
    this.controllerRunning = controller;
  }

  gracefulPodDeletion(): boolean {
    return this.controllerRunning;
  }

  async stop(): Promise<void> {}
}
