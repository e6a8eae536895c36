import { z } from 'zod';
import { readJsonFile, salvage, WriteQueue, writeJsonFile } from './json-file.js';
import { MAX_SQL_CHARS } from './history-store.js';
import { compareText } from '../util/compare-text.js';

export interface SavedQuery {
  name: string;
  sql: string;
  ts: number;
}

export const MAX_SAVED = 1000;
export const MAX_NAME_CHARS = 200;

const EntrySchema = z.object({ name: z.string().max(MAX_NAME_CHARS), sql: z.string().max(MAX_SQL_CHARS), ts: z.number() }).strip();

/** Why `name` cannot name a saved query, or null. */
export function badQueryName(name: string): string | null {
  const n = name.trim();
  if (n === '') return 'a saved query needs a name';
  if (n.length > MAX_NAME_CHARS) return `a name is at most ${MAX_NAME_CHARS} characters`;
  if (/[\u0000-\u001f\u007f]/.test(n)) return 'a name cannot hold control characters';
  return null;
}

/**
 * Saved queries, one global list (KubeTile's `saved_queries.json`) under `$XDG_DATA_HOME/kubetile/`:
 * saving under an existing name replaces that query; sorted by name.
 */
export class SavedQueries {
  private readonly queue = new WriteQueue();

  constructor(
    readonly path: string,
    private readonly warn: (msg: string) => void,
  ) {}

  async list(): Promise<SavedQuery[]> {
    const raw = await readJsonFile(this.path, this.warn);
    if (raw === null) return [];
    const list = await salvage(this.path, raw, EntrySchema, 'saved queries', this.warn);
    return list.slice(0, MAX_SAVED).sort((a, b) => compareText(a.name, b.name));
  }

  save(name: string, sql: string, now = Date.now()): Promise<SavedQuery[]> {
    return this.queue.run(async () => {
      const bad = badQueryName(name);
      if (bad) throw new Error(bad);
      const text = sql.trim();
      if (text === '') throw new Error('the editor is empty: nothing to save');
      if (text.length > MAX_SQL_CHARS) throw new Error(`a saved query is at most ${MAX_SQL_CHARS} characters`);
      const list = (await this.list()).filter((q) => q.name !== name.trim());
      if (list.length >= MAX_SAVED) throw new Error(`at most ${MAX_SAVED} saved queries; delete some first`);
      list.push({ name: name.trim(), sql: text, ts: now });
      list.sort((a, b) => compareText(a.name, b.name));
      await writeJsonFile(this.path, list);
      return list;
    });
  }

  remove(name: string): Promise<SavedQuery[]> {
    return this.queue.run(async () => {
      const list = (await this.list()).filter((q) => q.name !== name);
      await writeJsonFile(this.path, list);
      return list;
    });
  }

  rename(from: string, to: string): Promise<SavedQuery[]> {
    return this.queue.run(async () => {
      const bad = badQueryName(to);
      if (bad) throw new Error(bad);
      const list = await this.list();
      const q = list.find((x) => x.name === from);
      if (!q) throw new Error(`no saved query is named ${JSON.stringify(from)}`);
      if (from !== to.trim() && list.some((x) => x.name === to.trim())) throw new Error(`a saved query is already named ${JSON.stringify(to.trim())}`);
      q.name = to.trim();
      list.sort((a, b) => compareText(a.name, b.name));
      await writeJsonFile(this.path, list);
      return list;
    });
  }
}
