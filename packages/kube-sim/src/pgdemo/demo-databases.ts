/**
 * The demo's databases: pods annotated `kube-sim.kubetile.dev/postgres: <name>` answer on 5432
 * with a real PostgreSQL engine (PGlite), started on the first connection. One engine per database:
 * the replicas of one workload (a StatefulSet's pods) share theirs, as replicas show the primary's
 * data; a copy of the workload under another name or in another namespace, or a bare pod, is a
 * database of its own even with the same annotation. Credentials are the pod's own:
 * POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, literal or from a Secret or ConfigMap, as the
 * official image reads them. At most MAX_ENGINES engine processes run: a database past the bound
 * takes the place of one whose pods are all gone (its data goes with them, as with deleted
 * volumes), else its connections are refused with a message saying why; an engine without a
 * connection for IDLE_STOP_MS is stopped (its data stays; the next connection restarts it).
 */
import type { KubeObject } from '../types.js';
import { sweepStaleDataDirs } from './data-dirs.js';
import { DemoEngine } from './engine.js';
import { openFrontDoor, type DbCredentials, type EngineSlot } from './front-door.js';

export const DATABASE_ANNOTATION = 'kube-sim.kubetile.dev/postgres';
export const POSTGRES_PORT = 5432;
/** Engine processes at most (each is a Node process with a WASM PostgreSQL: 280–380 MiB RSS measured while serving). */
export const MAX_ENGINES = 3;

/**
 * Which database a pod serves: its namespace, the workload that controls it (else the pod itself)
 * and the annotation's name; null for a pod without the annotation.
 */
export function databaseKey(pod: KubeObject): string | null {
  const name = pod.metadata.annotations?.[DATABASE_ANNOTATION];
  if (!name) return null;
  const refs = pod.metadata.ownerReferences ?? [];
  const owner = refs.find((r) => r.controller) ?? refs[0];
  const who = owner ? `${owner.kind}/${owner.name}` : `Pod/${pod.metadata.name ?? ''}`;
  return `${pod.metadata.namespace ?? ''}/${who}/${name}`;
}

/** An engine with no connection for this long is stopped (its data stays; the next connection restarts it in seconds). */
export const IDLE_STOP_MS = 10 * 60_000;

export class DemoDatabases {
  private readonly slots = new Map<string, EngineSlot>();
  /** Each pod's front door and the database it serves. */
  private readonly doors = new Map<string, { key: string; door: Promise<{ port: number; close(): Promise<void> }> }>();
  /** Since when a running engine has had no connection. */
  private readonly idleSince = new Map<EngineSlot, number>();
  private readonly idleTimer: NodeJS.Timeout;

  constructor(private readonly idle = { stopMs: IDLE_STOP_MS, checkMs: 30_000 }) {
    // Data dirs a crashed process left behind (not ones in use) go at the start.
    sweepStaleDataDirs();
    this.idleTimer = setInterval(() => this.stopIdle(), idle.checkMs);
    this.idleTimer.unref();
  }

  /** Stops engines that have had no connection for `idle.stopMs`: an idle demo database holds no memory. */
  private stopIdle(now = Date.now()): void {
    for (const slot of this.slots.values()) {
      if (!slot.engine.running || slot.byKey.size > 0) {
        this.idleSince.delete(slot);
        continue;
      }
      const since = this.idleSince.get(slot);
      if (since === undefined) this.idleSince.set(slot, now);
      else if (now - since >= this.idle.stopMs) {
        this.idleSince.delete(slot);
        slot.engine.interrupt();
      }
    }
  }

  /** Database keys whose engine process runs now. */
  running(): string[] {
    return [...this.slots].filter(([, s]) => s.engine.running).map(([k]) => k);
  }

  /** The loopback port that serves `podUid`'s 5432 for the database `key` (databaseKey). */
  async portFor(podUid: string, key: string, creds: () => DbCredentials | null): Promise<number> {
    let d = this.doors.get(podUid);
    if (!d) {
      d = { key, door: openFrontDoor(() => this.slotFor(key, creds), creds) };
      this.doors.set(podUid, d);
    }
    return (await d.door).port;
  }

  /** The database's engine slot, made on first use within the bound; a refusing one past it. */
  private slotFor(key: string, creds: () => DbCredentials | null): EngineSlot {
    const have = this.slots.get(key);
    if (have) return have;
    const c = creds();
    if (this.slots.size >= MAX_ENGINES) {
      const inUse = new Set([...this.doors.values()].map((d) => d.key));
      const idle = [...this.slots.keys()].find((k) => !inUse.has(k));
      if (idle === undefined) {
        const names = [...this.slots.keys()].join(', ');
        return { engine: new DemoEngine('postgres', 'postgres', `kube-sim runs at most ${MAX_ENGINES} demo databases at once (${names}); delete the pods of one to free its place`), byKey: new Map() };
      }
      const gone = this.slots.get(idle)!;
      this.slots.delete(idle);
      this.idleSince.delete(gone);
      void gone.engine.close();
    }
    const slot: EngineSlot = { engine: new DemoEngine(c?.database ?? 'postgres', c?.user ?? 'postgres'), byKey: new Map() };
    this.slots.set(key, slot);
    return slot;
  }

  /** Engines running or ready to start, by database key (for tests and metrics). */
  databases(): string[] {
    return [...this.slots.keys()];
  }

  async dropPod(uid: string): Promise<void> {
    const d = this.doors.get(uid);
    if (!d) return;
    this.doors.delete(uid);
    await (await d.door).close();
  }

  async closeAll(): Promise<void> {
    this.idleSince.clear();
    const doors = [...this.doors.values()];
    this.doors.clear();
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(doors.map(async (d) => (await d.door).close()));
    await Promise.all(slots.map((s) => s.engine.close()));
  }
}
