import { readStateFileSync, WriteQueue, writeJsonFile } from '../query/json-file.js';
import { badNamespace } from '../kube/resource-ref.js';
import { isRecord } from '../util/is-record.js';

/** Keys 1–9 pick them (0 is all namespaces), as k9s's favorites. */
export const MAX_FAVORITES = 9;
/** Contexts remembered (the oldest-changed go first). */
const MAX_CONTEXTS = 64;
const MAX_CONTEXT_CHARS = 253;
const MAX_FILE_BYTES = 64 * 1024;

/**
 * Each context's favorite namespaces, as k9s keeps them: a namespace a tab is pointed at joins the
 * front of its context's list unless it is there already (so the number keys stay put), the tenth
 * drops off the end. Kept in `$XDG_STATE_HOME/kubetile/namespace-favorites.json` across restarts,
 * written atomically one write after another; a file that is not such a list is moved aside.
 */
export class NamespaceFavorites {
  private byContext = new Map<string, string[]>();
  private readonly writes = new WriteQueue();
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string | null,
    private readonly warn: (msg: string) => void,
  ) {
    if (file) this.byContext = this.read(file);
  }

  /** The context's favorites, keys 1… in order. */
  list(context: string | null): readonly string[] {
    return context === null ? [] : (this.byContext.get(context) ?? []);
  }

  add(context: string, namespace: string): void {
    if (namespace === '*' || badNamespace(namespace) !== null || context.length === 0 || context.length > MAX_CONTEXT_CHARS) return;
    const have = this.byContext.get(context) ?? [];
    if (have.includes(namespace)) return;
    const next = new Map(this.byContext);
    next.delete(context);
    next.set(context, [namespace, ...have].slice(0, MAX_FAVORITES));
    while (next.size > MAX_CONTEXTS) next.delete(next.keys().next().value!);
    this.byContext = next;
    const file = this.file;
    if (!file) return;
    this.pending = this.writes
      .run(() => (this.byContext === next ? writeJsonFile(file, Object.fromEntries(next)) : Promise.resolve()))
      .catch((err: unknown) => this.warn(`the favorite namespaces were not saved to ${file}: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Resolves once the last change is on disk. */
  flush(): Promise<void> {
    return this.pending;
  }

  private read(file: string): Map<string, string[]> {
    return readStateFileSync(file, MAX_FILE_BYTES, 'the favorite namespaces list', new Map<string, string[]>(), (raw) => {
      if (!isRecord(raw)) return 'it is not a map of contexts to namespaces';
      const out = new Map<string, string[]>();
      for (const [context, list] of Object.entries(raw)) {
        if (context.length === 0 || context.length > MAX_CONTEXT_CHARS || !Array.isArray(list)) continue;
        const names = [...new Set(list.filter((n): n is string => typeof n === 'string' && n !== '*' && badNamespace(n) === null))].slice(0, MAX_FAVORITES);
        if (names.length > 0) out.set(context, names);
        if (out.size >= MAX_CONTEXTS) break;
      }
      return out;
    }, this.warn);
  }
}
