import { CallStats } from './call-stats.js';
import type { LoadedModule } from './plugin-module.js';

/** A `[[plugins]]` entry with its path resolved and defaults applied. */
export interface ResolvedPluginEntry {
  key: string;
  /** Absolute path of the .wasm file. */
  path: string;
  permissions: string[];
  keybinding?: string;
  timeoutMs: number;
  /** The plugin's own `config` table, given to plugin_init as a JSON object. */
  config: Record<string, string | number | boolean>;
}

export type PluginStatus = 'loading' | 'ready' | 'error';

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
  readonly sessions = new Set<S>();
  /** Live Extism instances (panes' and trial ones). */
  instances = 0;
  /** Settles when the first load attempt is over (instances wait for it, never for reloads). */
  firstLoad: Promise<void> = Promise.resolve();
  removed = false;
  private serial: Promise<unknown> = Promise.resolve();

  constructor(public entry: ResolvedPluginEntry) {}

  get key(): string {
    return this.entry.key;
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
