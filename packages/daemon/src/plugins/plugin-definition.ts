import { CallStats } from './call-stats.js';
import { InstanceBudget } from './instance-budget.js';
import { apiRate, clipboardRate } from './rate-limit.js';
import { CollectionBudget } from './read-budget.js';
import type { LoadedModule } from './plugin-module.js';

/** A `[[plugins]]` entry with its path resolved and defaults applied. */
export interface ResolvedPluginEntry {
  key: string;
  /** Absolute path of the .wasm file. */
  path: string;
  permissions: string[];
  /** `grant`: permissions consented to in the config (headless pre-grant). */
  grant?: string[];
  keybinding?: string;
  /** Per-call time limit, already clamped to MAX_TIMEOUT_MS. */
  timeoutMs: number;
  /** Instances (panes) this plugin may run at once (`max_instances`). */
  maxInstances: number;
  /** What was wrong with the entry and has been corrected (e.g. a clamped timeout), for the user. */
  warnings: string[];
  /** The plugin's own `config` table, given to plugin_init as a JSON object. */
  config: Record<string, string | number | boolean>;
}

/** `consent`: loaded and checked, but not run until the user consents to what it asks for. */
export type PluginStatus = 'loading' | 'ready' | 'error' | 'consent';
/** What `plugin/list` shows: a loaded plugin whose instances all stopped at run time is `stopped`. */
export type PluginListStatus = PluginStatus | 'stopped';

/** Anything that holds instances of a plugin and can be swapped onto a new build. */
export interface SwappableSession {
  /** Stops the session's plugin for good with this reason (removed, re-permissioned, refused). */
  fail(message: string): void;
}

/**
 * One configured plugin: its entry, the compiled module its instances run (shared by all of
 * them), load status, call statistics, and the sessions (panes) running it.
 */
export class PluginDefinition<S extends SwappableSession = SwappableSession> {
  module: LoadedModule | null = null;
  status: PluginStatus = 'loading';
  /** Why it is not loaded, or why the last reload failed (the previous build still running). */
  error: string | null = null;
  readonly stats = new CallStats();
  /** The collections its instances read from the informers (list_pods, k8s_list), bounded. */
  readonly reads = new CollectionBudget();
  /** Its instances' requests straight to the API server (get_secret, k8s_logs), rate-limited. */
  readonly apiRate = apiRate();
  /** Its instances' clipboard_write calls, rate-limited. */
  readonly clipboardRate = clipboardRate();
  readonly sessions = new Set<S>();
  /** Live Extism instances (panes' and trial ones). */
  instances = 0;
  /**
   * Sessions (panes) entitled to run an instance: starting, running or restarting. With `beside`
   * and `ending`, at most `entry.maxInstances`; a pane stopped for good gives its seat up.
   */
  readonly seats = new Set<S>();
  /** Seats of instances beside the panes' own: a reload's new instance of a pane, a trial of a new build. */
  private readonly beside = new Set<object>();
  /**
   * Seats of instances that no longer serve a pane but have not ended yet (a closed pane's, whose
   * plugin_on_close may run up to its timeout; one replaced by a reload): held until `ended`.
   */
  private readonly ending = new Set<object>();
  private waiters: Array<() => void> = [];
  /** Why the last instance stopped at run time (crashes); cleared when one runs again. */
  lastStop: string | null = null;
  /** Settles when the first load attempt is over (instances wait for it, never for reloads). */
  firstLoad: Promise<void> = Promise.resolve();
  removed = false;
  /** A build that asks for permissions not consented to: it waits (and the dialog says `missing`). */
  pending: { mod: LoadedModule; missing: string[]; refused: boolean } | null = null;
  /** A consent dialog for this plugin is open. */
  asking = false;
  private serial: Promise<unknown> = Promise.resolve();

  /**
   * `budget`: the daemon's seats, all plugins together (the plugin host's); a seat here takes one
   * there too. Without it, this plugin's own cap is the only one.
   */
  constructor(
    public entry: ResolvedPluginEntry,
    readonly budget: InstanceBudget = new InstanceBudget(Number.MAX_SAFE_INTEGER),
  ) {}

  get key(): string {
    return this.entry.key;
  }

  /**
   * What counts against this plugin's max_instances, a number of panes: its panes' seats and the
   * instances of closed panes still ending. An instance beside a pane's own (a reload's, a trial) is
   * counted in the daemon's cap only: a plugin with max_instances = 1 and its one pane open must
   * still be reloadable.
   */
  get used(): number {
    return this.seats.size + this.ending.size;
  }

  /** Takes a seat for `s` (true), or says the plugin, or the daemon, already runs its maximum (false). */
  takeSeat(s: S): boolean {
    if (this.seats.has(s)) return true;
    if (this.overOwnCap()) return false;
    if (!this.budget.take(s)) return false;
    this.seats.add(s);
    return true;
  }

  /**
   * A seat for an instance beside a pane's own (`holder`: a token of its own), in the daemon's cap: a
   * reload's new instance runs beside the old one until it is swapped in, a trial with no pane.
   * Given back with `ended(holder)` once that instance has ended; refused, wait on `budget.freed()`.
   */
  takeBeside(holder: object): boolean {
    if (!this.budget.take(holder)) return false;
    this.beside.add(holder);
    return true;
  }

  /** Whether this plugin runs its own maximum (max_instances); else a refused seat was the daemon's. */
  overOwnCap(): boolean {
    return this.used >= this.entry.maxInstances;
  }

  /**
   * `s` gives its seat up. `closing`: its instance may still run (a closed pane's plugin_on_close,
   * an instance replaced by a reload): the seat is held, in this plugin's cap and the daemon's,
   * until `ended(s)`; a pane over either cap waits for it.
   */
  leaveSeat(s: object, closing = false): void {
    const had = this.seats.delete(s as S) || this.beside.delete(s);
    if (!had) return;
    if (closing) {
      this.ending.add(s);
      this.budget.closed(s);
    } else this.ended(s);
  }

  /** The instance of `s` (a pane, or a token of takeBeside) has ended: its seat is free. */
  ended(s: object): void {
    this.seats.delete(s as S);
    this.beside.delete(s);
    this.ending.delete(s);
    this.budget.leave(s);
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Refused a seat: waits for one held by an ending instance (of this plugin when its own cap is
   * full, else of any plugin) to come free; false at once when none is ending (the caller is
   * refused: nothing would free a seat but a pane closed).
   */
  async seatFreed(): Promise<boolean> {
    if (!this.overOwnCap()) return this.budget.freed();
    if (this.ending.size === 0) return false;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    return true;
  }

  /** The pane text for a session refused a seat: by this plugin's cap, or by the daemon's. */
  overCapMessage(): string {
    if (!this.overOwnCap()) return this.budget.overCapMessage();
    const n = this.entry.maxInstances;
    return `plugin '${this.key}' already runs ${n} instance${n === 1 ? '' : 's'}, its limit (max_instances = ${n} in its [[plugins]] entry): close one of its panes, or raise max_instances`;
  }

  /** Status for plugin/list: `stopped` (with lastStop) when loaded but nothing runs since a run-time stop. */
  listStatus(): { status: PluginListStatus; error: string | null } {
    if (this.status === 'ready' && this.lastStop !== null && this.seats.size === 0) return { status: 'stopped', error: this.lastStop };
    return { status: this.status, error: this.error };
  }

  /** Runs loads and reloads of this plugin one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  /** The Extism config_get strings for the entry's config table. */
  extismConfig(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.entry.config).map(([k, v]) => [k, String(v)]));
  }
}
