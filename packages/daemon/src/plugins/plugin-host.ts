import type { Logger } from '../logging/logger.js';
import { watchFile } from '../config/watch.js';
import type { Pane, PaneContext } from '../panes/pane.js';
import type { PaneRegistry } from '../panes/registry.js';
import { errorMessage } from '../util/errors.js';
import { isPermission } from './abi.js';
import type { ConsentUi } from './consent-ui.js';
import type { CrashPolicy } from './crash-policy.js';
import { consentText, refusedText, waitingText } from './consent-text.js';
import { GrantStore } from './grant-store.js';
import type { PluginKubeAccess } from './kube-access.js';
import { InstanceBudget, pluginInstancesCap, TRIALS_AT_ONCE, Turns } from './instance-budget.js';
import { PluginDefinition, type PluginListStatus, type ResolvedPluginEntry } from './plugin-definition.js';
import { PluginInstance } from './plugin-instance.js';
import { loadPluginFile, type LoadedModule } from './plugin-module.js';
import { PluginPane } from './plugin-pane.js';
import { WasmSession } from './wasm-session.js';
import { AuditLog, AUDIT_LIST_MAX, type AuditEntry } from './audit-log.js';
import { PluginWrites } from './plugin-writes.js';
import type { WriteConfirmUi } from './write-confirm.js';
import { compareText } from '../util/compare-text.js';

export interface PluginHostDeps {
  registry: PaneRegistry;
  logger: Logger;
  kube: PluginKubeAccess;
  /** Delivers a plugin's clipboard_write for a pane (see routeClipboard). */
  clipboard(paneId: number, text: string): void;
  /** A toast for every attached client. */
  toast(level: 'info' | 'success' | 'warn' | 'error', text: string): void;
  /** A `plugin/status` notification. */
  status(key: string, status: string, error: string | null): void;
  /** general.tick_rate_ms, read at every tick. */
  tickRateMs(): number;
  /** Watch plugin files for hot reload (default true). */
  watch?: boolean;
  policy?: CrashPolicy;
  /** Where consent is recorded ($XDG_STATE_HOME/kubetile); without it, grants last as long as the daemon. */
  stateDir?: string;
  /** Consent dialogs on clients; without it only the config and plugin/grant give consent. */
  consentUi?: ConsentUi;
  /** Write confirmations on clients (k8s_write); without it every plugin write is refused. */
  writeConfirm?: WriteConfirmUi;
  /** Read-only mode (`--readonly`, `readonly = true`): plugin writes are refused. */
  readonly?: () => boolean;
  /**
   * Plugin instances the daemon runs at once, all plugins together (default: KUBETILE_MAX_PLUGIN_INSTANCES,
   * else 64; the host is not made, and the daemon does not start, when that variable is invalid).
   */
  maxInstancesTotal?: number;
}

/** One row of `plugin/list`. */
export interface PluginInfo {
  key: string;
  path: string;
  sha256: string | null;
  permissions: string[];
  /** What the module asks for (its manifest, else its entry's permissions). */
  requested: string[];
  /** Consented to: the entry's permissions and grant, and recorded grants. */
  granted: string[];
  /** Asked for and not consented to (the build waiting, or refused). */
  pendingConsent: string[];
  consent: 'granted' | 'pending' | 'refused';
  status: string;
  error: string | null;
  instances: number;
  calls: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

type Def = PluginDefinition<WasmSession>;

const STOP_GRACE_MS = 3000;

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The daemon's plugin host: turns `[[plugins]]` into pane types, compiles each plugin once,
 * starts an instance per pane (WasmSession), ticks them, watches the files and hot-swaps rebuilt
 * plugins, and reports to `plugin/list` / `plugin/status`.
 */
export class PluginHost {
  private readonly defs = new Map<string, Def>();
  private readonly registered = new Set<string>();
  private readonly watchers = new Map<string, { path: string; close(): Promise<void> }>();
  private readonly lastStatus = new Map<string, string>();
  /** Panes of plugins removed from the config; they come back if their key does. */
  private readonly orphans = new Map<string, Set<WasmSession>>();
  private tickTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly grants: GrantStore;
  /** One consent dialog at a time (a second one would replace the first on the same client). */
  private asking = false;

  private readonly auditLog: AuditLog;
  private readonly writes: PluginWrites;
  /** The daemon's seats for plugin panes, all plugins together (each plugin has its own cap too). */
  private readonly budget: InstanceBudget;
  /** Trial instances (new builds of plugins with no pane open) started at once, all plugins together. */
  private readonly trials = new Turns(TRIALS_AT_ONCE);

  constructor(private readonly deps: PluginHostDeps) {
    this.budget = new InstanceBudget(deps.maxInstancesTotal ?? pluginInstancesCap());
    this.grants = new GrantStore(deps.stateDir ?? null, deps.logger);
    this.auditLog = new AuditLog(deps.stateDir ?? null, deps.logger);
    const refuseAll: WriteConfirmUi = { attached: () => false, ask: async () => 'gone' };
    this.writes = new PluginWrites({
      kube: deps.kube,
      audit: this.auditLog,
      confirm: deps.writeConfirm ?? refuseAll,
      readonly: deps.readonly ?? (() => false),
      logger: deps.logger,
    });
  }

  /** `audit/list`: the newest plugin writes first (at most AUDIT_LIST_MAX), optionally of one plugin. */
  audit(limit: number, plugin?: string): Promise<AuditEntry[]> {
    return this.auditLog.list(Math.min(Math.max(1, limit), AUDIT_LIST_MAX), plugin);
  }

  // ---- configuration ------------------------------------------------------------------------

  /** Adds, removes, re-permissions and re-configures plugins to match the config. */
  async applyConfig(entries: readonly ResolvedPluginEntry[]): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map(entries.map((e) => [e.key, e]));
    for (const key of [...this.defs.keys()]) {
      if (!wanted.has(key)) this.remove(key, `plugin '${key}' was removed from the config`);
    }
    const work: Array<Promise<unknown>> = [];
    for (const entry of entries) {
      for (const w of entry.warnings) {
        this.deps.logger.warn({ plugin: entry.key }, w);
        this.deps.toast('warn', `plugin '${entry.key}': ${w}`);
      }
      const def = this.defs.get(entry.key);
      if (!def) {
        work.push(this.add(entry));
        continue;
      }
      const old = def.entry;
      const changed =
        old.path !== entry.path ||
        !sameList(old.permissions, entry.permissions) ||
        !sameList(old.grant ?? [], entry.grant ?? []) ||
        old.timeoutMs !== entry.timeoutMs ||
        JSON.stringify(old.config) !== JSON.stringify(entry.config);
      def.entry = entry;
      if (old.path !== entry.path) this.watch(def);
      if (changed) work.push(this.reloadDef(def, { entryChanged: true, force: true }));
    }
    await Promise.all(work);
  }

  private async add(entry: ResolvedPluginEntry): Promise<void> {
    const def: Def = new PluginDefinition<WasmSession>(entry, this.budget);
    this.defs.set(entry.key, def);
    if (this.deps.registry.has(entry.key)) {
      def.status = 'error';
      def.error = `key '${entry.key}' is already a built-in pane type; choose another key`;
      this.emitStatus(def);
      return;
    }
    this.deps.registry.register(entry.key, (ctx) => this.createPane(def, ctx));
    this.registered.add(entry.key);
    this.watch(def);
    def.firstLoad = def.exclusive(() => this.load(def));
    this.emitStatus(def);
    await def.firstLoad;
    await this.adoptOrphans(def);
  }

  /** Panes left open when this key was removed get the plugin back. */
  private async adoptOrphans(def: Def): Promise<void> {
    const orphans = [...(this.orphans.get(def.key) ?? [])].filter((s) => !s.closed);
    this.orphans.delete(def.key);
    if (orphans.length === 0) return;
    for (const s of orphans) s.rebind(def);
    if (def.module) await this.reloadDef(def, { entryChanged: false, force: true });
    else for (const s of orphans) s.fail(`plugin '${def.key}' ${def.error ?? 'is not loaded'}`);
  }

  private remove(key: string, reason: string): void {
    const def = this.defs.get(key);
    if (!def) return;
    def.removed = true;
    this.defs.delete(key);
    if (this.registered.delete(key)) this.deps.registry.unregister(key);
    void this.unwatch(key);
    def.pending = null;
    for (const s of def.sessions) s.fail(reason);
    this.orphans.set(key, new Set([...def.sessions]));
    this.lastStatus.delete(key);
    this.deps.status(key, 'removed', null);
    this.deps.logger.info({ plugin: key }, 'plugin removed');
  }

  private async load(def: Def): Promise<void> {
    try {
      const mod = await loadPluginFile(def.entry.path, def.entry.permissions);
      const missing = this.missing(def, mod);
      if (missing.length > 0) {
        this.awaitConsent(def, mod, missing, false);
        return;
      }
      this.noteConsent(def, mod);
      def.module = mod;
      def.status = 'ready';
      def.error = null;
      this.deps.logger.info({ plugin: def.key, path: def.entry.path, sha256: mod.sha256 }, 'plugin loaded');
    } catch (err) {
      def.module = null;
      def.status = 'error';
      def.error = errorMessage(err);
      this.deps.logger.warn({ plugin: def.key, path: def.entry.path, err: def.error }, 'plugin not loaded');
    }
    this.emitStatus(def);
  }

  // ---- reload -------------------------------------------------------------------------------

  /**
   * `plugin/reload`: re-reads the file and swaps every instance onto it (or keeps the old build).
   * Asked while the plugin is still being loaded for the first time, it waits for that load (which
   * is reading the file anyway) and answers with its outcome.
   */
  async reload(key: string): Promise<{ ok: boolean; error?: string }> {
    const def = this.defs.get(key);
    if (!def) throw new Error(`no plugin '${key}'`);
    if (def.status === 'loading') {
      await def.firstLoad;
      if (def.status !== 'loading') return def.module ? { ok: true } : { ok: false, error: def.error ?? 'not loaded' };
    }
    return this.reloadDef(def, { entryChanged: false, force: true });
  }

  private reloadDef(def: Def, opts: { entryChanged: boolean; force: boolean }): Promise<{ ok: boolean; error?: string }> {
    return def.exclusive(async () => {
      if (def.removed || this.stopped) return { ok: false, error: 'plugin removed' };
      let mod: LoadedModule;
      try {
        mod = await loadPluginFile(def.entry.path, def.entry.permissions);
      } catch (err) {
        return this.reloadFailed(def, errorMessage(err), opts.entryChanged);
      }
      if (!opts.force && def.module?.sha256 === mod.sha256 && def.status === 'ready' && def.error === null) return { ok: true };
      if (!opts.force && def.pending?.mod.sha256 === mod.sha256) return { ok: false, error: def.error ?? 'waiting for consent' };
      const missing = this.missing(def, mod);
      if (missing.length > 0) return this.awaitConsent(def, mod, missing, opts.entryChanged);
      def.pending = null;
      const sessions = [...def.sessions];
      if (sessions.length === 0) {
        const trial = await this.trial(def, mod);
        if (trial !== null) return this.reloadFailed(def, trial, opts.entryChanged);
      } else {
        const preps = await Promise.all(sessions.map((s) => s.prepareSwap(mod)));
        const bad = preps.find((p) => !p.ok);
        if (bad && !bad.ok) {
          preps.forEach((p, i) => sessions[i]!.abortSwap(p));
          return this.reloadFailed(def, bad.reason, opts.entryChanged);
        }
        preps.forEach((p, i) => sessions[i]!.commitSwap(p));
      }
      const wasLoaded = def.module !== null;
      this.noteConsent(def, mod);
      def.module = mod;
      def.status = 'ready';
      def.error = null;
      this.emitStatus(def, true);
      this.deps.logger.info({ plugin: def.key, sha256: mod.sha256, instances: sessions.length }, 'plugin reloaded');
      this.deps.toast('success', wasLoaded ? `plugin '${def.key}' reloaded` : `plugin '${def.key}' loaded`);
      return { ok: true };
    });
  }

  private reloadFailed(def: Def, reason: string, entryChanged: boolean): { ok: false; error: string } {
    if (def.module && !entryChanged) {
      def.error = `${reason} (the previous build keeps running)`;
      this.deps.toast('error', `plugin '${def.key}': ${reason}; the previous build keeps running`);
    } else {
      // Nothing runs, or the entry changed (a grant may be gone): nothing of the old build may stay.
      def.module = null;
      def.status = 'error';
      def.error = reason;
      for (const s of def.sessions) s.fail(`plugin '${def.key}' ${reason}`);
      this.deps.toast('error', `plugin '${def.key}' ${reason}`);
    }
    this.deps.logger.warn({ plugin: def.key, err: reason }, 'plugin reload failed');
    this.emitStatus(def, true);
    return { ok: false, error: reason };
  }

  /**
   * With no pane open, a new build is still started and initialised once before it is accepted
   * (a few at a time, daemon-wide: see TRIALS_AT_ONCE).
   */
  private trial(def: Def, mod: LoadedModule): Promise<string | null> {
    return this.trials.run(() => this.trialNow(def, mod));
  }

  private async trialNow(def: Def, mod: LoadedModule): Promise<string | null> {
    // Its instance is one more the daemon runs: it takes a seat in the daemon's cap (waiting only for
    // instances that end by themselves), and is refused, saying so, when none comes free.
    const seat = {};
    while (!def.takeBeside(seat)) {
      if (!(await def.budget.freed())) return `could not start its new build to try it: ${def.budget.overCapMessage()}`;
    }
    let inst: PluginInstance;
    try {
      inst = await PluginInstance.create({
        key: def.key,
        module: mod.module,
        permissions: mod.requested,
        timeoutMs: def.entry.timeoutMs,
        config: def.extismConfig(),
        logger: this.deps.logger,
        onClosed: () => def.instances--,
        pane: { paneId: 0, scope: () => ({ context: null, namespace: 'default' }), kube: this.deps.kube, render: () => undefined, clipboard: () => undefined },
      });
    } catch (err) {
      def.ended(seat);
      return errorMessage(err);
    }
    def.instances++;
    try {
      if (!mod.exports.has('plugin_init')) return null;
      const r = await inst.call('plugin_init', JSON.stringify(def.entry.config));
      def.stats.record(r.ms, r.ok);
      return r.ok ? null : r.kind === 'plugin-error' ? `plugin_init failed: ${r.message}` : r.message;
    } finally {
      await inst.close();
      def.ended(seat);
    }
  }

  // ---- consent ------------------------------------------------------------------------------

  /** Consented for this plugin: its entry's permissions and grant (the config is the user's own), and recorded grants. */
  private consented(def: Def): Set<string> {
    return new Set([...def.entry.permissions, ...(def.entry.grant ?? []), ...this.grants.granted(def.key)]);
  }

  private missing(def: Def, mod: LoadedModule): string[] {
    const ok = this.consented(def);
    return mod.requested.filter((p) => !ok.has(p));
  }

  /**
   * A build that runs on recorded consent is recorded against its sha256 with those permissions
   * (once per build). What the config grants is not recorded: it holds only while the config
   * says so (taking a permission out of the entry withdraws it).
   */
  private noteConsent(def: Def, mod: LoadedModule): void {
    const fromConfig = new Set([...def.entry.permissions, ...(def.entry.grant ?? [])]);
    const recorded = mod.requested.filter((p) => !fromConfig.has(p));
    if (recorded.length === 0 || this.grants.covers(def.key, mod.sha256, recorded)) return;
    void this.grants.record(def.key, mod.sha256, recorded, 'earlier');
  }

  /**
   * A build asks for permissions not consented to: it does not run. A build already running (of
   * an unchanged entry) keeps running meanwhile; otherwise the panes say what is awaited. The
   * dialog goes to a client looking at one of its panes (now, or when one attaches).
   */
  private awaitConsent(def: Def, mod: LoadedModule, missing: string[], entryChanged: boolean): { ok: false; error: string } {
    const refused = def.pending?.mod.sha256 === mod.sha256 && def.pending.refused && sameList(def.pending.missing, missing);
    def.pending = { mod, missing, refused };
    const text = refused ? refusedText(def.key, mod, missing) : waitingText(def.key, mod, missing);
    if (def.module && !entryChanged) {
      def.error = `a new build ${text}; the previous build keeps running`;
    } else {
      def.module = null;
      def.status = 'consent';
      def.error = text;
      for (const s of def.sessions) s.fail(`plugin '${def.key}' ${text}`);
    }
    this.deps.logger.info({ plugin: def.key, sha256: mod.sha256, missing }, refused ? 'plugin build refused consent' : 'plugin build waits for consent');
    this.emitStatus(def, true);
    setImmediate(() => void this.askConsent(def));
    return { ok: false, error: def.error };
  }

  private async askConsent(def: Def): Promise<void> {
    const p = def.pending;
    const ui = this.deps.consentUi;
    if (!p || p.refused || def.asking || this.asking || !ui || def.removed || this.stopped) return;
    // Consent may have come meanwhile (plugin/grant, a config grant) before its reload ran.
    if (this.missing(def, p.mod).length === 0) return;
    const paneIds = [...def.sessions].filter((s) => !s.closed).map((s) => s.paneId);
    if (paneIds.length === 0) return; // nobody opened it yet: asked when a pane does
    // Held until the answer is acted on, so no tick asks the same again meanwhile.
    def.asking = this.asking = true;
    try {
      const answer = await ui.ask(paneIds, consentText(def.key, p.mod, p.missing));
      if (def.pending !== p || def.removed || this.stopped) return; // settled otherwise meanwhile
      if (answer === 'yes') {
        // What the config grants stays the config's (withdrawn with it); the rest is recorded.
        const fromConfig = new Set([...def.entry.permissions, ...(def.entry.grant ?? [])]);
        await this.grants.record(def.key, p.mod.sha256, p.mod.requested.filter((x) => !fromConfig.has(x)), 'dialog');
        this.deps.logger.info({ plugin: def.key, sha256: p.mod.sha256, granted: p.missing }, 'plugin consent given');
        await this.reloadDef(def, { entryChanged: false, force: true });
      } else if (answer === 'no') {
        p.refused = true;
        const text = refusedText(def.key, p.mod, p.missing);
        if (def.module) def.error = `a new build ${text}; the previous build keeps running`;
        else {
          def.error = text;
          for (const s of def.sessions) s.fail(`plugin '${def.key}' ${text}`);
        }
        this.deps.logger.info({ plugin: def.key, sha256: p.mod.sha256, refused: p.missing }, 'plugin consent refused');
        this.emitStatus(def, true);
      }
      // no client, or dismissed unanswered: asked again at the next tick
    } finally {
      def.asking = this.asking = false;
    }
  }

  /**
   * `plugin/grant`: records consent for `permissions` (default: all the plugin asks for) against
   * its current or waiting build, and runs a build that waited for it.
   */
  async grant(key: string, permissions?: readonly string[]): Promise<{ granted: string[]; sha256: string | null; status: string }> {
    const def = this.defs.get(key);
    if (!def) throw new Error(`no plugin '${key}'`);
    const bad = (permissions ?? []).filter((p) => !isPermission(p));
    if (bad.length > 0) throw new Error(`unknown permission${bad.length === 1 ? '' : 's'} ${bad.map((p) => `'${p}'`).join(', ')}`);
    const mod = def.pending?.mod ?? def.module;
    const perms = permissions ? [...permissions] : (mod?.requested ?? [...def.entry.permissions]);
    await this.grants.record(key, mod?.sha256 ?? null, perms, 'rpc');
    this.deps.logger.info({ plugin: key, sha256: mod?.sha256 ?? null, granted: perms }, 'plugin consent given over RPC');
    const p = def.pending;
    if (p) {
      const missing = this.missing(def, p.mod);
      if (missing.length === 0) await this.reloadDef(def, { entryChanged: false, force: true });
      else if (def.pending === p) this.awaitConsent(def, p.mod, missing, false);
    }
    return { granted: [...this.consented(def)].sort(), sha256: (def.pending?.mod ?? def.module)?.sha256 ?? null, status: def.listStatus().status };
  }

  // ---- panes, ticks, files ------------------------------------------------------------------

  private createPane(def: Def, ctx: PaneContext): Pane {
    const session = new WasmSession({
      def,
      paneId: ctx.paneId,
      scope: ctx.scope,
      clipboard: (text) => this.deps.clipboard(ctx.paneId, text),
      kube: this.deps.kube,
      logger: ctx.logger,
      writes: this.writes,
      ...(this.deps.policy ? { policy: this.deps.policy } : {}),
      onStatusChange: () => {
        if (!def.removed) this.emitStatus(def);
      },
    });
    if (def.pending) setImmediate(() => void this.askConsent(def));
    return new PluginPane(ctx, def.key, session);
  }

  /** Starts the tick loop (plugin_on_tick every general.tick_rate_ms). */
  start(): void {
    if (this.tickTimer || this.stopped) return;
    const next = (): void => {
      this.tickTimer = setTimeout(() => {
        for (const def of this.defs.values()) {
          for (const s of def.sessions) s.tick();
          if (def.pending && !def.pending.refused) void this.askConsent(def);
        }
        next();
      }, Math.max(10, this.deps.tickRateMs()));
    };
    next();
  }

  private watch(def: Def): void {
    if (this.deps.watch === false) return;
    const prev = this.watchers.get(def.key);
    if (prev?.path === def.entry.path) return;
    void prev?.close();
    const w = watchFile(def.entry.path, () => {
      if (def.removed) return;
      void this.reloadDef(def, { entryChanged: false, force: false });
    });
    this.watchers.set(def.key, { path: def.entry.path, close: () => w.close() });
  }

  private async unwatch(key: string): Promise<void> {
    const w = this.watchers.get(key);
    this.watchers.delete(key);
    await w?.close();
  }

  // ---- reporting ----------------------------------------------------------------------------

  private emitStatus(def: Def, always = false): void {
    const { status, error } = def.listStatus();
    const sig = `${status}\u0000${error ?? ''}`;
    if (!always && this.lastStatus.get(def.key) === sig) return;
    this.lastStatus.set(def.key, sig);
    this.deps.status(def.key, status, error);
  }

  has(key: string): boolean {
    return this.defs.has(key);
  }

  count(): number {
    return this.defs.size;
  }

  status(key: string): PluginListStatus | null {
    return this.defs.get(key)?.listStatus().status ?? null;
  }

  list(): PluginInfo[] {
    return [...this.defs.values()]
      .sort((a, b) => compareText(a.key, b.key))
      .map((d) => ({
        key: d.key,
        path: d.entry.path,
        sha256: d.module?.sha256 ?? null,
        permissions: [...d.entry.permissions],
        requested: [...((d.pending?.mod ?? d.module)?.requested ?? d.entry.permissions)],
        granted: [...this.consented(d)].sort(),
        pendingConsent: d.pending ? [...d.pending.missing] : [],
        consent: d.pending ? (d.pending.refused ? ('refused' as const) : ('pending' as const)) : ('granted' as const),
        ...d.listStatus(),
        instances: d.instances,
        calls: d.stats.calls,
        errors: d.stats.errors,
        p50Ms: d.stats.percentile(50),
        p99Ms: d.stats.percentile(99),
      }));
  }

  /** Ends every instance (after plugin_on_close, within a grace period) and stops watching. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickTimer = null;
    await Promise.all([...this.watchers.keys()].map((k) => this.unwatch(k)));
    const sessions = [...this.defs.values()].flatMap((d) => [...d.sessions]);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_GRACE_MS)));
    const done = Promise.all(sessions.map((s) => s.close()));
    if ((await Promise.race([done, graceOver])) === 'late') {
      for (const s of sessions) s.terminate();
      await done;
    }
    clearTimeout(timer);
  }
}
