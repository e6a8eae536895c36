/**
 * The demo's databases: pods annotated `kube-sim.kubetile.dev/postgres: <name>` answer on 5432
 * with a real PostgreSQL engine (PGlite), one engine per name (a StatefulSet's replicas share it),
 * started on the first connection. Credentials are the pod's own: POSTGRES_USER / POSTGRES_PASSWORD
 * / POSTGRES_DB, literal or from a Secret or ConfigMap, as the official image reads them.
 */
import { sweepStaleDataDirs } from './data-dirs.js';
import { DemoEngine } from './engine.js';
import { openFrontDoor, type DbCredentials, type EngineSlot } from './front-door.js';

export const DATABASE_ANNOTATION = 'kube-sim.kubetile.dev/postgres';
export const POSTGRES_PORT = 5432;

export class DemoDatabases {
  private readonly slots = new Map<string, EngineSlot>();
  private readonly doors = new Map<string, Promise<{ port: number; close(): Promise<void> }>>();

  constructor() {
    // Data dirs a crashed process left behind (not ones in use) go at the start.
    sweepStaleDataDirs();
  }

  /** The loopback port that serves `podUid`'s 5432 for the engine `name`. */
  async portFor(podUid: string, name: string, creds: () => DbCredentials | null): Promise<number> {
    let slot = this.slots.get(name);
    if (!slot) {
      const c = creds();
      slot = { engine: new DemoEngine(c?.database ?? 'postgres', c?.user ?? 'postgres'), byKey: new Map() };
      this.slots.set(name, slot);
    }
    let door = this.doors.get(podUid);
    if (!door) {
      door = openFrontDoor(slot, creds);
      this.doors.set(podUid, door);
    }
    return (await door).port;
  }

  async dropPod(uid: string): Promise<void> {
    const d = this.doors.get(uid);
    if (!d) return;
    this.doors.delete(uid);
    await (await d).close();
  }

  async closeAll(): Promise<void> {
    const doors = [...this.doors.values()];
    this.doors.clear();
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(doors.map(async (d) => (await d).close()));
    await Promise.all(slots.map((s) => s.engine.close()));
  }
}
