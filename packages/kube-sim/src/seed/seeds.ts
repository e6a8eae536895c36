/** Loads a named seed into a fresh world. */
import type { SeedName } from '../sim.js';
import type { World } from '../world.js';
import { seedDemo } from './demo.js';
import { seedEmpty } from './empty.js';

export function loadSeed(world: World, seed: SeedName): void {
  seedEmpty(world.store);
  if (seed === 'demo') seedDemo(world.store);
}
