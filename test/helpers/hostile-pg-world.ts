import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { TerminalView } from '@kubetile/rpc-schema';
import { startHostilePg, type HostilePg } from './hostile-pg-server.js';
import { postgresPodAt } from './postgres-pod.js';
import { rowsText, startWorld, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/** A daemon, kube-sim and a hostile PostgreSQL server behind the pod `db-0` of namespace `ns` (filled in by beforeAll). */
export interface HostilePgWorld {
  w: ExecWorld;
  server: HostilePg;
  ns: string;
}

/**
 * Registers the suite's beforeAll/afterAll (and a beforeEach that makes the server well-behaved again,
 * so a failed test leaves no script behind): the world, the server, and `config` as the daemon's config.
 */
export function useHostilePgWorld(prefix: string, config = ''): HostilePgWorld {
  const world = { ns: `${prefix}-${process.pid}` } as HostilePgWorld;
  beforeAll(async () => {
    world.server = await startHostilePg();
    world.w = await startWorld({}, config);
    postgresPodAt(world.w, world.ns, world.server.port);
  }, 120_000);
  afterAll(async () => {
    try {
      await world.w?.stop();
    } finally {
      await world.server?.stop();
    }
  });
  beforeEach(() => {
    if (world.server) world.server.script = {};
  });
  return world;
}

/** The pane's text as one line (a long message wraps or is split over rows). */
export const flat = (rows: string[]): string => rows.map((r) => r.trim()).join(' ');
export const flatText = (v: TerminalView): string => flat(rowsText(v));
