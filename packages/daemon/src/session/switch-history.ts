import { readStateFileSync, WriteQueue, writeJsonFile } from '../query/json-file.js';

/** How many recent `:` picks are kept (and listed first by the switcher). */
export const SWITCH_HISTORY = 10;
/** The longest pick kept (a kind label, a pane type): longer entries in the file are dropped. */
const MAX_ITEM_CHARS = 200;
/** The history file is a few hundred bytes; one bigger than this is not ours to read. */
const MAX_FILE_BYTES = 64 * 1024;

/**
 * The `:` command line's history, newest first, kept in `$XDG_STATE_HOME/kubetile/command-history.json`
 * so that it survives a daemon restart: bounded (SWITCH_HISTORY entries), written atomically (a
 * temp file renamed over the old one, writes one after another), and a file that is not a history
 * (not JSON, not a list of names, too big) is moved aside with a warning and a new one started.
 */
export class SwitchHistory {
  private items: string[] = [];
  private readonly writes = new WriteQueue();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string | null,
    private readonly warn: (msg: string) => void,
  ) {
    if (file) this.items = this.read(file);
  }

  /** Newest first. */
  list(): readonly string[] {
    return this.items;
  }

  remember(item: string): void {
    if (item.length > MAX_ITEM_CHARS) return;
    const next = [item, ...this.items.filter((i) => i !== item)].slice(0, SWITCH_HISTORY);
    this.items = next;
    const file = this.file;
    if (!file) return;
    this.pending = this.writes.run(() => (this.items === next ? writeJsonFile(file, next) : Promise.resolve())).catch((err: unknown) => {
      this.warn(`the command-line history was not saved to ${file}: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /** Resolves once the last change is on disk (the daemon waits for it when it stops). */
  flush(): Promise<void> {
    return this.pending;
  }

  private read(file: string): string[] {
    return readStateFileSync(file, MAX_FILE_BYTES, 'the command-line history', [], (raw) => {
      if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'string')) return 'it is not a list of names';
      return [...new Set((raw as string[]).filter((x) => x !== '' && x.length <= MAX_ITEM_CHARS))].slice(0, SWITCH_HISTORY);
    }, this.warn);
  }
}
