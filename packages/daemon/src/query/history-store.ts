import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, salvage, WriteQueue, writeJsonFile } from './json-file.js';

export interface HistoryEntry {
  sql: string;
  /** Milliseconds since the epoch. */
  ts: number;
}

/** Entries kept per pod and database (KubeTile's 200), and the longest query kept. */
export const MAX_HISTORY = 200;
export const MAX_SQL_CHARS = 64 * 1024;

const EntrySchema = z.object({ sql: z.string().max(MAX_SQL_CHARS), ts: z.number() }).strip();

/** Who a history belongs to: the pod and the database, in a context. */
export interface HistoryKey {
  context: string;
  namespace: string;
  pod: string;
  database: string;
}

const part = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 60) || '_';

/**
 * `<ns>__<pod>__<db>__<hash>.json`: KubeTile's name, plus a short hash of the exact context,
 * namespace, pod and database (names that differ only in characters a file name cannot hold never
 * share a file).
 */
export function historyFileName(k: HistoryKey): string {
  const h = createHash('sha256').update(JSON.stringify([k.context, k.namespace, k.pod, k.database])).digest('hex').slice(0, 10);
  return `${part(k.namespace)}__${part(k.pod)}__${part(k.database)}__${h}.json`;
}

/**
 * Query history per pod and database under `$XDG_STATE_HOME/kubetile/query-history/`: newest
 * first, at most MAX_HISTORY, a query equal to the newest is not added again. Survives restarts.
 */
export class HistoryStore {
  private readonly queues = new Map<string, WriteQueue>();

  constructor(
    readonly dir: string,
    private readonly warn: (msg: string) => void,
  ) {}

  pathFor(k: HistoryKey): string {
    return join(this.dir, historyFileName(k));
  }

  async list(k: HistoryKey): Promise<HistoryEntry[]> {
    const raw = await readJsonFile(this.pathFor(k), this.warn);
    if (raw === null) return [];
    return (await salvage(this.pathFor(k), raw, EntrySchema, 'a query history', this.warn)).slice(0, MAX_HISTORY);
  }

  private queue(path: string): WriteQueue {
    let q = this.queues.get(path);
    if (!q) {
      q = new WriteQueue();
      this.queues.set(path, q);
    }
    return q;
  }

  /** Adds a query (trimmed) at the top; returns the new list. */
  add(k: HistoryKey, sql: string, now = Date.now()): Promise<HistoryEntry[]> {
    const path = this.pathFor(k);
    return this.queue(path).run(async () => {
      const text = sql.trim().slice(0, MAX_SQL_CHARS);
      const list = await this.list(k);
      if (text === '' || list[0]?.sql === text) return list;
      const next = [{ sql: text, ts: now }, ...list].slice(0, MAX_HISTORY);
      await writeJsonFile(path, next);
      return next;
    });
  }

  /** Deletes the entry at `index` (as listed); returns the new list. */
  remove(k: HistoryKey, index: number): Promise<HistoryEntry[]> {
    const path = this.pathFor(k);
    return this.queue(path).run(async () => {
      const list = await this.list(k);
      if (index < 0 || index >= list.length) return list;
      list.splice(index, 1);
      await writeJsonFile(path, list);
      return list;
    });
  }
}
