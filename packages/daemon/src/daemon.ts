import { mkdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { paneAlias, type ViewSpec } from '@kubetile/rpc-schema';
import { basename, join } from 'node:path';
import { configStartNotices } from './config/start-notices.js';
import { SessionPersistence } from './state/session-persistence.js';
import { DEFAULT_KEYMAP, formatProblem, type LoadedConfig } from './config/load.js';
import { parseConfigSource } from './config/parse-off-thread.js';
import { readConfigSource } from './config/read-source.js';
import { DEFAULT_CONFIG, type Config } from './config/schema.js';
import { fileStamp, watchFile } from './config/watch.js';
import { kubeconfigStamps, watchKubeconfig, withNamedStamps } from './runtime/kubeconfig-reload.js';
import { Keymap } from './keys/keymap.js';
import type { Logger } from './logging/logger.js';
import type { LogRing } from './logging/log-ring.js';
import { registerBuiltins } from './panes/builtin/register.js';
import { PaneRegistry } from './panes/registry.js';
import { limits as connectionLimits, RpcConnection } from './rpc/connection.js';
import type { DaemonContext } from './rpc/context.js';
import type { Listening } from './rpc/socket-listener.js';
import { listenEarly, type EarlyListener } from './rpc/early-listener.js';
import { IdleCompaction } from './rpc/idle-compaction.js';
import { NamespaceFavorites } from './session/namespace-favorites.js';
import { KeyRouter } from './session/key-router.js';
import { Workspace } from './session/workspace.js';
import { oneLine } from './util/safe-text.js';
import { Signal } from './util/signal.js';
import type { ObjectRef } from './kube/object-ref.js';
import { OpenStreams } from './util/open-streams.js';
import { FEATURES } from './features/index.js';
import type { FeatureHost } from './features/feature-host.js';
import { ClusterManager, kubeconfigFiles } from './kube/cluster.js';
import { startDemoCluster, type DemoCluster } from './kube/demo.js';
import type { DiscoveredResource } from './kube/discovery.js';
import { ResourceActions } from './session/resource-actions.js';
import { ResourceEdits } from './edit/resource-edits.js';
import { builtinKindIds } from './panes/resource/kind-resolution.js';
import { workspaceConsentUi } from './plugins/consent-ui.js';
import { workspaceWriteConfirm } from './plugins/write-confirm.js';
import { KNOWN_KINDS } from './kube/kinds/builtin.js';
import { findKind } from './kube/kinds/find-kind.js';
import { aliasesByResource, labelName, resolveName, switcherLabel } from './kube/aliases.js';
import { PluginHost } from './plugins/plugin-host.js';
import { clusterPluginAccess } from './plugins/kube-access.js';
import { resolvePluginEntries } from './plugins/config-entries.js';
import { routeClipboard } from './plugins/clipboard-route.js';
import { ClusterObjects } from './kube/cluster-objects.js';
import { oneAtATime } from './util/one-shot-worker.js';
import { compareText } from './util/compare-text.js';

/** The `:` item that opens the context selector (`:ctx NAME` switches at once). */
export const CONTEXT_ITEM = 'ctx (switch context)';

/** How long the config file must be quiet before it is read (a write in progress is not). */
const CONFIG_QUIET_MS = 400;

export interface DaemonOptions {
  socketPath: string;
  /** True when the socket sits in our own runtime directory (then it is made 0700). */
  privateSocketDir: boolean;
  configPath: string;
  stateDir: string;
  logger: Logger;
  logRing: LogRing;
  watchConfig?: boolean;
  /** The socket, already listening (main listens before loading the daemon); else start() listens. */
  early?: EarlyListener;
  /** `true`: always run the built-in demo cluster; `auto`: only when no kubeconfig exists. */
  demo?: boolean | 'auto';
  /** `--readonly`: plugin writes are refused (also when the config says `readonly = true`). */
  readonly?: boolean;
}

/** The composition root: socket, workspace, panes, keys, config and its hot reload. */
/** The kinds with printers of their own, as discovery would list them (when discovery is not there). */
const knownResources = (): DiscoveredResource[] =>
  KNOWN_KINDS.map((k) => ({ group: k.group, version: k.version, plural: k.id, kind: k.kind, namespaced: k.namespaced, shortNames: [...k.shortNames] }));

export class Daemon implements DaemonContext {
  readonly logger: Logger;
  readonly workspace: Workspace;
  /** Each context's favorite namespaces (keys 1–9 in a list; 0 is all). */
  private readonly favorites: NamespaceFavorites;
  readonly keys: KeyRouter;
  readonly registry = new PaneRegistry();
  readonly startedAt = Date.now();
  readonly connections = new Set<RpcConnection>();
  readonly bindingsChanged = new Signal();
  readonly stopped = new Signal<string>();
  readonly kube: ClusterManager;
  readonly actions: ResourceActions;
  readonly edits: ResourceEdits;
  /** An object written by an edit: the YAML and describe panes showing it read it again. */
  private readonly objectEdited = new Signal<ObjectRef>();
  readonly plugins: PluginHost;
  readonly streams = new OpenStreams();
  readonly persistence: SessionPersistence;
  private readonly clusterObjects: ClusterObjects;
  /**
   * The `:` switcher's labels and the views they open, per context (null: ''): one map for the daemon
   * was rebuilt by any terminal opening `:`, and a terminal picking after another opened it on another
   * context got that context's view for the label (another group or version of a custom resource).
   */
  private readonly switchViews = new Map<string, Map<string, ViewSpec>>();
  private config: Config = DEFAULT_CONFIG;
  private keymap: Keymap = Keymap.build().keymap;
  private listening: Listening | null = null;
  private configWatch: { close(): Promise<void> } | null = null;
  private kubeconfigWatch: { close(): Promise<void> } | null = null;
  /** Each kubeconfig file's stamp when it was read at start (a change before the watch is ready is seen). */
  private kubeconfigStamps: Map<string, string> = new Map();
  private stopping: Promise<void> | null = null;
  /** Features' stop hooks (streams, forwards), run before the cluster connections close. */
  private readonly stopHooks: Array<() => Promise<void> | void> = [];
  /** Gives the young generation back once no client has been connected for a moment. */
  private readonly idleMemory: IdleCompaction;

  constructor(private readonly opts: DaemonOptions) {
    this.logger = opts.logger;
    this.idleMemory = new IdleCompaction(this.logger);
    this.kube = new ClusterManager(this.logger.child({ part: 'kube' }));
    registerBuiltins(this.registry);
    this.favorites = new NamespaceFavorites(join(opts.stateDir, 'namespace-favorites.json'), (msg) => this.logger.warn({}, msg));
    this.workspace = new Workspace({
      registry: this.registry,
      logger: this.logger,
      services: {
        logRing: opts.logRing,
        bindings: () => this.keymap.snapshot(),
        bindingsChanged: this.bindingsChanged,
        kube: this.kube,
        config: () => this.config,
        streams: this.streams,
        objectEdited: this.objectEdited,
      },
      keymap: () => this.keymap,
      defaultView: (): ViewSpec => this.defaultView(),
      defaultNamespace: () => this.kube.defaultScope(),
      status: (context) => this.kube.status(context),
      readonly: () => this.readonly(),
      favorites: (context) => this.favorites.list(context),
    });
    this.workspace.scopeChosen.subscribe(({ context, namespace }) => this.favorites.add(context, namespace));
    // A credential plugin waiting for a browser or device-code login: its URL to every terminal (the
    // daemon's own browser, if it can open one at all, may be on no screen the user looks at).
    this.kube.credentials.loginWaits.subscribe(({ user, command, prompt }) => {
      // The prompt first: a toast shows four lines, and a device code at the end of a long prefix was cut off.
      for (const c of this.workspace.clients.values()) c.sink.toast('warn', `log in: ${prompt} (for user '${oneLine(user, 60)}', credential plugin "${oneLine(basename(command), 60)}")`);
      // Lists still loading show the prompt, the status bar says what they wait for.
      this.workspace.refreshAll();
    });
    // The login ended: panes that showed its prompt show what came of it (a failure may leave their state as it was).
    this.kube.credentials.loginEnded.subscribe(() => this.workspace.refreshAll());
    this.clusterObjects = new ClusterObjects(this.kube);
    this.plugins = new PluginHost({
      registry: this.registry,
      logger: this.logger.child({ part: 'plugins' }),
      kube: clusterPluginAccess(this.clusterObjects),
      clipboard: (paneId, text) => routeClipboard(this.workspace, paneId, text),
      toast: (level, text) => {
        for (const c of this.workspace.clients.values()) c.sink.toast(level, text);
      },
      status: (key, status, error) => {
        for (const c of this.connections) c.pluginStatus(key, status, error ?? undefined);
      },
      tickRateMs: () => this.config.general.tick_rate_ms,
      stateDir: opts.stateDir,
      consentUi: workspaceConsentUi(this.workspace),
      writeConfirm: workspaceWriteConfirm(this.workspace),
      readonly: () => this.readonly(),
    });
    this.actions = new ResourceActions(this.workspace, this.kube, this.logger, () => this.readonly());
    this.edits = new ResourceEdits(this.workspace, this.kube, this.logger.child({ part: 'edit' }), join(opts.stateDir, 'edits'), this.objectEdited, () => this.readonly());
    this.persistence = new SessionPersistence(this.workspace, join(opts.stateDir, 'sessions.json'), this.logger.child({ part: 'state' }));
    const host: FeatureHost = {
      registry: this.registry,
      actions: this.actions,
      workspace: this.workspace,
      kube: this.kube,
      streams: this.streams,
      logger: this.logger,
      stateDir: opts.stateDir,
      config: () => this.config,
      readonly: () => this.readonly(),
      onStop: (fn) => this.stopHooks.push(fn),
      persist: (key, feature) => this.persistence.register(key, feature),
    };
    for (const install of FEATURES) install(host);
    this.keys = new KeyRouter({
      workspace: this.workspace,
      keymap: () => this.keymap,
      logger: this.logger,
      switchableViews: (client) => this.switchItems(this.workspace.activeTab(client).context),
      viewFor: (item, client) => this.viewFor(item, this.workspace.activeTab(client).context),
      resolveView: (query, client) => this.resolveView(query, this.workspace.activeTab(client).context),
      actions: this.actions,
      edits: this.edits,
      readonly: () => this.readonly(),
      kube: this.kube,
      hasPaneType: (key) => this.registry.has(key),
      historyFile: join(opts.stateDir, 'command-history.json'),
      favorites: (context) => this.favorites.list(context),
    });
  }

  get socketPath(): string {
    return this.opts.socketPath;
  }

  /** How this daemon was started (daemon/status): `kubetile daemon restart` starts the next one the same way. */
  get startedWith(): { demo: boolean | 'auto'; readonlyFlag: boolean; config: string; stateDir: string } {
    return { demo: this.opts.demo ?? false, readonlyFlag: this.opts.readonly === true, config: this.opts.configPath, stateDir: this.opts.stateDir };
  }

  /** The resources `:` knows for a context: discovery's (shared with plugins' names), else the last that worked, else the kinds with printers of their own. */
  private async resourcesOf(context: string | null): Promise<DiscoveredResource[]> {
    if (context === null || !this.kube.available) return knownResources();
    try {
      // A user's `:` asks again after a failure; each `:` pressed during a slow discovery joins it.
      return await this.kube.discovery.get(context, { retry: true });
    } catch (err) {
      this.logger.warn({ context, err: String(err) }, 'discovery failed');
      return this.kube.discovery.last(context) ?? knownResources();
    }
  }

  /**
   * The `:` switcher: the built-in kinds in KubeTile's order, then every other kind the API serves (labelled with
   * its short names and config aliases: `services (svc)`), `ctx`, then pane types.
   */
  private async switchItems(context: string | null): Promise<string[]> {
    const resources = await this.resourcesOf(context);
    const aliases = aliasesByResource(resources, this.config.aliases);
    const builtin = builtinKindIds();
    // One label per plural: the one kubectl resolves the plural to; others of that plural get `.group`.
    const owner = new Map<string, DiscoveredResource>();
    for (const r of resources) {
      const hit = resolveName(r.plural, resources);
      if (hit && !owner.has(r.plural)) owner.set(r.plural, hit.resource);
    }
    const entries = resources.map((r) => ({ r, label: switcherLabel(r, owner.get(r.plural) !== r, aliases.get(r) ?? []) }));
    const rank = (e: { r: DiscoveredResource }): number => {
      const i = builtin.indexOf(e.r.plural);
      return i >= 0 && owner.get(e.r.plural) === e.r ? i : builtin.length;
    };
    entries.sort((a, b) => rank(a) - rank(b) || (rank(a) === builtin.length ? compareText(labelName(a.label), labelName(b.label)) : 0));
    const views = new Map<string, ViewSpec>();
    for (const { r, label } of entries) views.set(label, this.resourceView(r));
    this.switchViews.set(context ?? '', views);
    // Only the contexts the kubeconfig has now keep theirs (a context renamed or removed over weeks of kubeconfig churn would stay).
    const known = new Set(this.kube.available ? this.kube.contexts().contexts.map((c) => c.name) : []);
    for (const key of this.switchViews.keys()) if (key !== '' && !known.has(key)) this.switchViews.delete(key);
    const panes = this.registry.switchable();
    return [...entries.map((e) => e.label), CONTEXT_ITEM, ...panes];
  }

  private resourceView(r: DiscoveredResource): ViewSpec {
    const known = KNOWN_KINDS.find((k) => k.id === r.plural && k.group === r.group && k.version === r.version);
    if (known) return { key: 'resource-list', args: { kind: known.id } };
    return { key: 'resource-list', args: { kind: r.plural, group: r.group, version: r.version, namespaced: r.namespaced, kindName: r.kind } };
  }

  /** The `:` label a typed name means (a short name, plural, singular or config alias), as kubectl resolves it. */
  private resolveView(query: string, context: string | null): string | null {
    const resources = (context !== null ? this.kube.discovery.last(context) : undefined) ?? knownResources();
    const hit = resolveName(query, resources, this.config.aliases);
    if (!hit) {
      const pane = paneAlias(query);
      return pane !== null && this.registry.switchable().includes(pane) ? pane : null;
    }
    for (const [label, view] of this.switchViews.get(context ?? '') ?? []) {
      const a = view.args ?? {};
      if (a.kind === hit.resource.plural && (a.group ?? KNOWN_KINDS.find((k) => k.id === a.kind)?.group ?? '') === hit.resource.group) return label;
    }
    return null;
  }

  private viewFor(item: string, context: string | null): ViewSpec {
    if (this.registry.has(item)) return { key: item };
    const known = this.switchViews.get(context ?? '')?.get(item);
    if (known) return known;
    return { key: 'resource-list', args: { kind: labelName(item) } };
  }

  /** `general.default_view`: a pane type, or a resource kind shown as a resource list; the pods list when it is neither. */
  private defaultView(): ViewSpec {
    const v = this.config.general.default_view;
    if (this.registry.has(v)) return { key: v };
    if (this.defaultViewProblem(v) !== null) return { key: 'resource-list', args: { kind: 'pods' } };
    return { key: 'resource-list', args: { kind: v } };
  }

  /** Why `default_view` names nothing a tab can open (null when it does; a configured plugin's key counts before it loads). */
  private defaultViewProblem(v: string): string | null {
    if (this.registry.has(v) || findKind(v) !== undefined || this.config.plugins.some((p) => p.key === v)) return null;
    const shown = v.length > 64 ? `${v.slice(0, 64)}…` : v;
    return `general.default_view: '${shown}' is neither a pane type (${this.registry.switchable().join(', ')}) nor a built-in kind (pods, deployments, svc, …); new tabs open the pods list`;
  }

  /** Plugin writes and dangerous [[commands]] are refused: `--readonly`, or `readonly = true` in the (reloaded) config. */
  readonly(): boolean {
    return this.opts.readonly === true || this.config.readonly;
  }

  counts() {
    const streams = this.streams.snapshot();
    return { plugins: this.plugins.count(), watches: this.kube.pool.size, portForwards: streams['port-forward-listeners'], streams };
  }

  async start(): Promise<void> {
    await mkdir(this.opts.stateDir, { recursive: true, mode: 0o700 });
    await this.startCluster();
    const saved = await this.persistence.load();
    // Plugins load after the socket listens: a slow plugin must never keep clients (or
    // `kubetile daemon start`) from connecting; its panes say "loading" meanwhile.
    const loadedStamp = fileStamp(this.opts.configPath); // before reading: a write after it is looked at again
    const first = await this.reloadConfig({ plugins: 'defer' });
    if (!first.ok) this.logger.warn({ errors: first.errors }, 'config has errors; using defaults');
    // Said to the first terminal that attaches, as a hot reload's are: they went only to the log, and a
    // config refused at the start (a typo, a duplicate plugin key) left its keys and plugins silently unapplied.
    this.workspace.startNotices.push(...configStartNotices(basename(this.opts.configPath), first));
    const early = this.opts.early ?? (await listenEarly(this.opts.socketPath, { privateDir: this.opts.privateSocketDir }));
    // Stopped while loading (a signal): stop() closed the early socket; serve nothing.
    if (this.stopping) return;
    this.listening = early.listening;
    if (early.viaSystemd) this.logger.info('using the socket passed by systemd');
    early.handOff((s) => this.accept(s));
    this.plugins.start();
    void this.applyPlugins(); // registers plugin pane types at once; modules load in the background
    // Synchronously after listening and registering: no client can attach before the sessions are back.
    this.workspace.startNotices.push(...this.persistence.apply(saved));
    // Tabs saved while there was no cluster take the one there is now (as on a kubeconfig that appears).
    if (this.kube.available) this.workspace.adoptScope(this.kube.defaultScope());
    if (this.opts.watchConfig !== false) {
      // 400 ms of quiet before reading: a file written in chunks is read once, when it is complete.
      this.configWatch = watchFile(
        this.opts.configPath,
        () => {
          void this.reloadConfig().then((r) => {
            for (const c of this.workspace.clients.values()) {
              if (r.ok && r.errors.length === 0) c.sink.toast('success', 'config reloaded');
              for (const e of r.errors) c.sink.toast(r.ok || r.kept ? 'warn' : 'error', e);
            }
          });
        },
        CONFIG_QUIET_MS,
        loadedStamp,
      );
    }
    // kubectl reads the kubeconfig on every run; a daemon that runs for days reads it again when it changes.
    if (this.opts.watchConfig !== false) this.kubeconfigWatch = watchKubeconfig(this.kube, this.workspace, this.logger.child({ part: 'kubeconfig' }), this.kubeconfigStamps);
    this.logger.info({ socket: this.opts.socketPath, pid: process.pid }, 'daemon listening');
    if (this.connections.size === 0) this.idleMemory.idle();
  }

  private demo: DemoCluster | null = null;

  /** Loads the kubeconfig, or starts the built-in demo cluster (`--demo`, or `auto` without a kubeconfig). */
  private async startCluster(): Promise<void> {
    const wantDemo = this.opts.demo === true || (this.opts.demo === 'auto' && kubeconfigFiles().length === 0);
    if (wantDemo) {
      this.demo = await startDemoCluster(this.opts.stateDir, this.logger.child({ part: 'demo' }));
      process.env.KUBECONFIG = this.demo.kubeconfigPath;
      this.kube.label = 'demo cluster';
    }
    const stamps = kubeconfigStamps();
    this.kube.load();
    if (!this.kube.available) this.logger.warn({ problem: this.kube.problem }, 'no cluster');
    this.kube.pool.stateChanged.subscribe(() => this.workspace.refreshAll());
    this.kubeconfigStamps = withNamedStamps(stamps, this.kube);
  }

  /** Connections refused for being over the limit, until they close (a second or two). */
  private readonly refused = new Set<RpcConnection>();

  private accept(socket: Socket): void {
    const max = connectionLimits().maxConnections;
    if (this.connections.size >= max) {
      this.refuse(socket, max);
      return;
    }
    const c = new RpcConnection(socket, this, (closed) => {
      this.connections.delete(closed);
      if (this.connections.size === 0 && !this.stopping) this.idleMemory.idle();
    });
    this.connections.add(c);
    this.idleMemory.busy();
  }

  /**
   * One connection over the limit: its first request is answered with why, and it closes (within
   * two seconds either way). Past a few such at once (a flood), they are closed unanswered.
   */
  private refuse(socket: Socket, max: number): void {
    if (this.refused.size >= 64) {
      socket.destroy();
      return;
    }
    if (this.refused.size === 0) this.logger.warn({ open: this.connections.size, max }, 'refusing connections: the daemon has as many open as it takes');
    const why =
      `the daemon already has ${this.connections.size} connections open, as many as it takes (KUBETILE_MAX_CONNECTIONS; by default a quarter of its ` +
      'open-files limit): is a script leaving connections open? They close when its processes end';
    const c = new RpcConnection(socket, this, (closed) => this.refused.delete(closed), why);
    this.refused.add(c);
  }

  /** Brings the plugin host in line with the config in force, in the background (errors are logged). */
  private applyPlugins(): Promise<void> {
    return this.plugins
      .applyConfig(resolvePluginEntries(this.config.plugins, this.opts.configPath))
      .catch((err: unknown) => this.logger.error({ err: String(err) }, 'applying the plugin config failed'));
  }

  /** Whether a config has been applied yet (the first load may fall back to the defaults silently). */
  private configApplied = false;

  /**
   * Re-reads the config file; on errors the last good config stays in force. An empty or missing
   * file (a write in progress, an accidental delete) also keeps it, unless `reset` asks for the
   * built-in defaults; at start-up it simply means the defaults. Plugins are applied and awaited
   * unless `plugins: 'defer'` (start-up: they load once the socket listens).
   */
  reloadConfig(opts: { plugins?: 'await' | 'defer'; reset?: boolean } = {}): Promise<{ ok: boolean; errors: string[]; kept?: boolean }> {
    // One at a time, read to apply: a watcher's reload and a config/reload call that overlapped could
    // finish their reads out of order, and the older file was then parsed and applied last.
    return this.reloads(() => this.reloadConfigNow(opts));
  }

  private readonly reloads = oneAtATime();

  private async reloadConfigNow(opts: { plugins?: 'await' | 'defer'; reset?: boolean }): Promise<{ ok: boolean; errors: string[]; kept?: boolean }> {
    const file = this.opts.configPath;
    const src = await readConfigSource(file);
    let loaded: LoadedConfig;
    if (src.kind === 'missing' || src.kind === 'empty') {
      if (this.configApplied && !opts.reset) {
        const what = src.kind === 'missing' ? 'was removed' : 'is empty';
        const msg = `${basename(file)} ${what}; keeping the last good config (config/reload with {"reset": true} goes back to the defaults)`;
        this.logger.warn({ file }, msg);
        return { ok: false, errors: [msg], kept: true };
      }
      loaded = { config: DEFAULT_CONFIG, keymap: DEFAULT_KEYMAP(), problems: [] };
    } else if (src.kind === 'refused') {
      loaded = { config: null, keymap: null, problems: [{ file, message: src.message, severity: 'error' }] };
    } else {
      loaded = await parseConfigSource(file, src.source);
    }
    const errors = loaded.problems.map(formatProblem);
    for (const p of loaded.problems) this.logger[p.severity === 'error' ? 'error' : 'warn']({ file: p.file, line: p.line, key: p.key }, p.message);
    if (!loaded.config || !loaded.keymap) return { ok: false, errors };
    this.config = loaded.config;
    this.keymap = loaded.keymap;
    this.configApplied = true;
    const viewProblem = this.defaultViewProblem(loaded.config.general.default_view);
    if (viewProblem) {
      errors.push(viewProblem);
      this.logger.warn({ file }, viewProblem);
    }
    if (opts.plugins !== 'defer') await this.applyPlugins();
    this.logger.level = loaded.config.general.log_level;
    this.bindingsChanged.emit();
    this.workspace.refreshAll();
    this.logger.info({ file }, src.kind === 'text' ? 'config loaded' : 'using the built-in defaults');
    return { ok: true, errors };
  }

  shutdown(reason: string, opts: { restarting?: boolean } = {}): void {
    void this.stop(reason, opts);
  }

  /**
   * Clients get daemon/exit first (saying whether another daemon takes over, so attached ones
   * reconnect instead of leaving); then the socket file is removed and panes disposed.
   */
  stop(reason: string, opts: { restarting?: boolean } = {}): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info({ reason }, 'daemon stopping');
      this.idleMemory.stop();
      await Promise.all([...this.connections].map((c) => c.sayGoodbye(reason, opts.restarting === true)));
      // Saved before the panes go: a kill-server brings the same layout back on the next start.
      await this.persistence.stop();
      await this.keys.flush();
      await this.favorites.flush();
      await this.configWatch?.close();
      await this.kubeconfigWatch?.close();
      // Before start() took the socket over, the early listener holds it (a signal while loading). Its
      // close ends once every connection has: they are closed now, not waited for (a client slow to
      // close its side after the goodbye held the daemon's exit, and `daemon restart` gave up on it).
      const closing = (this.listening ?? this.opts.early?.listening)?.close();
      for (const c of [...this.connections]) c.close();
      await closing;
      this.workspace.disposeAll();
      for (const hook of this.stopHooks) await Promise.resolve(hook()).catch((err: unknown) => this.logger.error({ err: String(err) }, 'a stop hook failed'));
      await this.plugins.stop();
      this.clusterObjects.stop();
      this.kube.stop();
      await this.demo?.stop().catch(() => undefined);
      this.logger.info('daemon stopped');
      this.stopped.emit(reason);
    })();
    return this.stopping;
  }
}
