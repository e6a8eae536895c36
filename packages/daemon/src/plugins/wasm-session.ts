import type { KubeScope } from '../kube/types.js';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import { ABI_V2_EXPORT, SNAPSHOT_MAX_BYTES } from './abi.js';
import { CrashTracker, type CrashPolicy } from './crash-policy.js';
import type { PluginKubeAccess } from './kube-access.js';
import type { PluginDefinition, SwappableSession } from './plugin-definition.js';
import { commandInput, type PluginCommand } from './plugin-command.js';
import { PluginInstance, type CallResult } from './plugin-instance.js';
import type { LoadedModule } from './plugin-module.js';
import type { PluginRender, PluginSession, PluginSessionSink, PluginState } from './plugin-session.js';
import { deliverRender, readAnyRender } from './render-route.js';
import { EventFeed } from './event-feed.js';
import { limitedKubeAccess } from './read-budget.js';
import type { PluginWrites } from './plugin-writes.js';
import type { WriteRequest } from './write-request.js';

export interface WasmSessionDeps {
  def: PluginDefinition<WasmSession>;
  paneId: number;
  scope(): KubeScope;
  /** Delivers clipboard_write text to the client(s) looking at this pane. */
  clipboard(text: string): void;
  kube: PluginKubeAccess;
  logger: Logger;
  policy?: CrashPolicy;
  /** The plugin's run-time status may have changed (an instance stopped for good, or runs again). */
  onStatusChange?: () => void;
  /** k8s_write; without it, writes are refused. */
  writes?: PluginWrites;
}

/** `origin`: the attached client that sent the command (writes are confirmed there), null for scripts. */
type Job = { kind: 'command'; cmd: PluginCommand; origin: string | null } | { kind: 'tick' } | { kind: 'event' };

/** An instance with the routing of its host_send_render / clipboard_write calls. */
interface Slot {
  instance: PluginInstance;
  /** Only the pane's current instance may render or copy; a swap candidate's render waits here. */
  current: boolean;
  pushed: PluginRender | null;
}

/** A failed start says when its instance (if one was made) has ended: its seat is held until then. */
type Spawned = { ok: true; slot: Slot; render: PluginRender | null; notice: string | null } | { ok: false; reason: string; ended: Promise<void> };
/**
 * `beside`: the seat of the new instance, beside the pane's running `old` one (in the daemon's
 * cap), held until whichever of the two is let go has ended. `refused`: a pane
 * stopped for good got no seat for the new build (why, for the pane).
 */
export type PreparedSwap =
  | { ok: true; mod: LoadedModule; spawned: Extract<Spawned, { ok: true }> | null; beside: Beside | null; refused?: string }
  | { ok: false; reason: string };
interface Beside {
  seat: object;
  old: PluginInstance;
  def: PluginDefinition<WasmSession>;
}

/** Commands waiting for a busy or restarting instance; beyond this the oldest are dropped. */
const MAX_QUEUE = 256;

const describe = (fn: string, r: Extract<CallResult, { ok: false }>): string =>
  r.kind === 'plugin-error' ? `${fn} failed: ${r.message}` : r.message;

/**
 * A WASM plugin behind one pane: one Extism instance, fed from a queue (one call at a time; the
 * daemon never waits on it). A crash — trap, timeout, a limit broken — ends that call; the instance
 * is replaced after a backoff (plugin_init + plugin_on_open again) and, after repeated crashes,
 * stopped with the reason in the pane. Hot reload swaps a new instance in beside the old one.
 */
export class WasmSession implements PluginSession, SwappableSession {
  private sink: PluginSessionSink | null = null;
  private state: PluginState = { kind: 'loading' };
  private slot: Slot | null = null;
  /** The build the current instance runs. */
  private module: LoadedModule | null = null;
  private jobs: Job[] = [];
  private tickQueued = false;
  private eventQueued = false;
  /** Watch events for plugin_on_event (when the build exports it). */
  private events: EventFeed | null = null;
  /** The client whose command the instance is answering now (null: a tick, an event, a lifecycle call). */
  private origin: string | null = null;
  /** Aborted when the pane closes: a write waiting for confirmation is withdrawn. */
  private readonly closingAbort = new AbortController();
  private pumping = false;
  private paused = false;
  private disposed = false;
  private booting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartDeferred = false;
  /** prepareSwap took a seat for this pane (it had none): given back unless the swap commits. */
  private seatForSwap = false;
  private idleWaiters: Array<() => void> = [];
  /**
   * The state the instance gave after its last successful command (plugin_snapshot, at most
   * SNAPSHOT_MAX_BYTES): a crashed instance's replacement is restored from it.
   */
  private lastSnapshot: string | null = null;
  private readonly crashes: CrashTracker;
  /** The plugin this pane shows (a new definition when its key is re-added to the config). */
  private def: PluginDefinition<WasmSession>;

  constructor(private readonly deps: WasmSessionDeps) {
    this.crashes = new CrashTracker(deps.policy);
    this.def = deps.def;
    this.def.sessions.add(this);
  }

  private get key(): string {
    return this.def.key;
  }

  /** The pane's key came back in the config as a new definition: follow it (then swap onto it). */
  rebind(def: PluginDefinition<WasmSession>): void {
    if (this.disposed) return;
    this.def.sessions.delete(this);
    this.def.leaveSeat(this);
    this.def = def;
    def.sessions.add(this);
  }

  get closed(): boolean {
    return this.disposed;
  }

  get paneId(): number {
    return this.deps.paneId;
  }

  private get instance(): PluginInstance | null {
    return this.slot?.instance ?? null;
  }

  get status(): PluginState {
    return this.state;
  }

  start(sink: PluginSessionSink): void {
    this.sink = sink;
    this.setState({ kind: 'loading' });
    void this.boot();
  }

  command(cmd: PluginCommand, origin: string | null = null): void {
    if (this.disposed || this.state.kind === 'error') return;
    if (cmd.type === 'resize' || cmd.type === 'focus') {
      // Only the latest size/focus matters while it waits.
      const waiting = this.jobs.find((j) => j.kind === 'command' && j.cmd.type === cmd.type);
      if (waiting && waiting.kind === 'command') {
        waiting.cmd = cmd;
        return;
      }
    }
    if (this.jobs.length >= MAX_QUEUE) {
      const dropped = this.jobs.shift();
      if (dropped?.kind === 'tick') this.tickQueued = false;
      if (dropped?.kind === 'event') this.eventQueued = false;
      this.deps.logger.warn({ plugin: this.key }, 'plugin command queue full: dropped the oldest');
    }
    this.jobs.push({ kind: 'command', cmd, origin });
    void this.pump();
  }

  /** Watch events wait: one plugin_on_event call is queued (it takes what waits when it runs). */
  private wakeEvents(): void {
    if (this.disposed || this.eventQueued || this.state.kind !== 'ready') return;
    this.eventQueued = true;
    this.jobs.push({ kind: 'event' });
    void this.pump();
  }

  /** Events follow the build's exports and the pane's scope (checked every tick). */
  private syncEvents(): void {
    const wants = !this.disposed && this.state.kind === 'ready' && this.module?.exports.has('plugin_on_event') === true;
    if (!wants) {
      this.events?.close();
      this.events = null;
      return;
    }
    this.events ??= new EventFeed(this.deps.kube, this.module!.requested, this.deps.logger, () => this.wakeEvents());
    this.events.follow(this.deps.scope());
  }

  /** The daemon's tick: plugin_on_tick, if exported and none is waiting already. */
  tick(): void {
    this.syncEvents();
    if (this.events?.waiting) this.wakeEvents();
    if (this.disposed || this.state.kind !== 'ready' || this.tickQueued || !this.module?.exports.has('plugin_on_tick')) return;
    this.tickQueued = true;
    this.jobs.push({ kind: 'tick' });
    void this.pump();
  }

  // ---- starting and crashing ----------------------------------------------------------------

  private boot(): Promise<void> {
    const run = async (): Promise<void> => {
      const def = this.def;
      await def.firstLoad;
      if (this.disposed) return;
      const mod = def.module;
      if (!mod) {
        this.setState({ kind: 'error', message: `plugin '${this.key}' ${def.error ?? 'is not loaded'}` });
        return;
      }
      // A cap (the plugin's or the daemon's) reached while panes closed just now still end their
      // instances: this one waits for them (each ends within its plugin's timeout); otherwise it is
      // refused, saying which cap.
      while (!def.takeSeat(this)) {
        if (!(await def.seatFreed())) {
          this.setState({ kind: 'error', message: def.overCapMessage() });
          return;
        }
        if (this.disposed) return;
      }
      // A restart after a crash is offered the last snapshot; one that fails with it goes without.
      const snapshot = this.lastSnapshot;
      const s = await this.spawn(mod, snapshot);
      if (!s.ok) {
        if (snapshot !== null) this.lastSnapshot = null;
        if (!this.disposed) this.crash(s.reason);
        return;
      }
      this.adopt(mod, s);
    };
    this.booting = run().finally(() => {
      this.booting = null;
      this.wakeIdle();
      void this.pump();
    });
    return this.booting;
  }

  /** A new instance of `mod`: created, plugin_init (+ plugin_restore), plugin_on_open. */
  private async spawn(mod: LoadedModule, snapshot: string | null): Promise<Spawned> {
    const def = this.def;
    const paneId = this.deps.paneId;
    const holder: { slot: Slot | null } = { slot: null };
    let instance: PluginInstance;
    try {
      instance = await PluginInstance.create({
        key: def.key,
        module: mod.module,
        permissions: mod.requested,
        timeoutMs: def.entry.timeoutMs,
        config: def.extismConfig(),
        logger: this.deps.logger,
        onClosed: () => def.instances--,
        // A pane closed while its plugin starts ends the worker at once (see below).
        signal: this.closingAbort.signal,
        pane: {
          paneId,
          abi: mod.exports.has(ABI_V2_EXPORT) ? 2 : 1,
          scope: this.deps.scope,
          // Its informer reads and API requests count against the plugin's limits (all its panes together).
          kube: limitedKubeAccess(this.deps.kube, def.reads, def.apiRate),
          render: (lines, rich) => {
            const slot = holder.slot;
            if (!slot) return;
            const r: PluginRender = rich ? { kind: 'rich', render: rich } : { kind: 'plain', lines };
            if (slot.current) deliverRender(this.sink, r);
            else slot.pushed = r;
          },
          clipboard: (text) => {
            def.clipboardRate.take(); // throws, saying the limit, to the plugin's clipboard_write
            if (holder.slot?.current) this.deps.clipboard(text);
          },
          write: (req, signal) => this.write(mod, req, signal, holder.slot?.current === true),
          writeUnreadable: (reason) => void this.deps.writes?.unreadable({ plugin: this.key, sha256: mod.sha256, client: holder.slot?.current === true ? this.origin : null }, reason).catch((err: unknown) => this.deps.logger.warn({ err: String(err) }, 'audit of an unreadable write failed')),
        },
      });
    } catch (err) {
      return { ok: false, reason: errorMessage(err), ended: Promise.resolve() };
    }
    def.instances++;
    const slot: Slot = { instance, current: false, pushed: null };
    holder.slot = slot;
    const fail = (reason: string): Spawned => ({ ok: false, reason, ended: instance.close() });
    // The pane closed while this instance starts: no init or open for a pane nobody has, and its
    // worker ends now — not after init and open ran (a script opening and closing plugin panes in
    // a loop had dozens of workers starting at once, past max_instances).
    const closing = this.closingAbort.signal;
    if (closing.aborted) return fail('the pane was closed');
    const stop = (): void => void instance.close();
    closing.addEventListener('abort', stop, { once: true });
    try {
      return await this.open(instance, mod, snapshot, slot, fail);
    } finally {
      closing.removeEventListener('abort', stop);
    }
  }

  /** plugin_init (+ plugin_restore), plugin_on_open of a new instance. */
  private async open(instance: PluginInstance, mod: LoadedModule, snapshot: string | null, slot: Slot, fail: (reason: string) => Spawned): Promise<Spawned> {
    const def = this.def;
    const paneId = this.deps.paneId;
    if (mod.exports.has('plugin_init')) {
      const r = await this.call(instance, 'plugin_init', JSON.stringify(def.entry.config));
      if (!r.ok) return fail(describe('plugin_init', r));
    }
    if (snapshot !== null && mod.exports.has('plugin_restore')) {
      const r = await this.call(instance, 'plugin_restore', snapshot);
      if (!r.ok && r.kind !== 'plugin-error') return fail(describe('plugin_restore', r));
    }
    let render: PluginRender | null = null;
    let notice: string | null = null;
    if (mod.exports.has('plugin_on_open')) {
      const r = await this.call(instance, 'plugin_on_open', JSON.stringify({ pane_id: paneId }));
      if (!r.ok && r.kind !== 'plugin-error') return fail(describe('plugin_on_open', r));
      if (!r.ok) notice = describe('plugin_on_open', r);
      else {
        const rr = readAnyRender(r.output, 'plugin_on_open', mod.exports.has(ABI_V2_EXPORT));
        if (rr.ok) render = rr.render;
        else if (rr.kind === 'oversize') return fail(rr.reason);
        else notice = rr.reason;
      }
    }
    return { ok: true, slot, render: render ?? slot.pushed, notice };
  }

  private write(mod: LoadedModule, req: WriteRequest, signal: AbortSignal, current: boolean): Promise<unknown> {
    const writes = this.deps.writes;
    if (!writes) return Promise.reject(new Error('k8s_write: writes are not available in this daemon'));
    return writes.perform(
      {
        plugin: this.key,
        sha256: mod.sha256,
        permissions: mod.requested,
        // A swap candidate (not yet the pane's instance) answers no client.
        client: current ? this.origin : null,
        scope: this.deps.scope(),
        signal: AbortSignal.any([signal, this.closingAbort.signal]),
      },
      req,
    );
  }

  private adopt(mod: LoadedModule, s: Extract<Spawned, { ok: true }>): void {
    this.slot = s.slot;
    s.slot.current = true;
    this.module = mod;
    if (this.disposed) return; // close() says plugin_on_close to it
    if (this.def.lastStop !== null) {
      this.def.lastStop = null;
      this.deps.onStatusChange?.();
    }
    this.setState({ kind: 'ready' });
    // A new build may ask for other kinds (or no events): its feed starts afresh.
    this.events?.close();
    this.events = null;
    this.syncEvents();
    this.sink?.notice(s.notice);
    if (s.render) deliverRender(this.sink, s.render);
    void this.pump();
  }

  private crash(reason: string): void {
    const inst = this.instance;
    if (this.slot) this.slot.current = false;
    this.slot = null;
    void inst?.close();
    const verdict = this.crashes.record(Date.now());
    this.deps.logger.warn({ plugin: this.key, reason, crashes: verdict.count }, 'plugin instance crashed');
    if (verdict.stop) {
      this.jobs = [];
      this.tickQueued = false;
      const message = `plugin '${this.key}' stopped after ${verdict.why}: ${reason}`;
      this.def.leaveSeat(this);
      this.def.lastStop = message;
      this.setState({ kind: 'error', message });
      this.deps.onStatusChange?.();
      return;
    }
    this.setState({ kind: 'restarting', reason, crashes: verdict.count });
    if (this.paused) {
      this.restartDeferred = true;
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.boot();
    }, verdict.delayMs);
  }

  /** Stops this pane's plugin for good (removed from the config, re-permissioned, refused). */
  fail(message: string): void {
    if (this.disposed) return;
    this.clearRestart();
    this.events?.close();
    this.events = null;
    this.eventQueued = false;
    const inst = this.instance;
    if (this.slot) this.slot.current = false;
    this.slot = null;
    void inst?.close();
    this.jobs = [];
    this.tickQueued = false;
    this.def.leaveSeat(this);
    this.setState({ kind: 'error', message });
  }

  // ---- running calls ------------------------------------------------------------------------

  private async call(instance: PluginInstance, fn: string, input: string): Promise<CallResult> {
    const r = await instance.call(fn, input);
    if (!(r.ok === false && r.kind === 'closed')) this.def.stats.record(r.ms, r.ok);
    if (!r.ok && r.kind !== 'closed') this.deps.logger.debug({ plugin: this.key, fn, kind: r.kind, err: r.message }, 'plugin call failed');
    return r;
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.paused || this.disposed || this.booting || !this.instance) return;
    this.pumping = true;
    try {
      for (;;) {
        const slot = this.slot;
        if (this.paused || this.disposed || !slot) break;
        const job = this.jobs.shift();
        if (!job) break;
        if (job.kind === 'tick') this.tickQueued = false;
        if (job.kind === 'event') this.eventQueued = false;
        await this.run(slot, job);
      }
    } finally {
      this.pumping = false;
      this.wakeIdle();
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    const paneId = this.deps.paneId;
    let fn: string;
    let input: string;
    if (job.kind === 'event') {
      const batch = this.events?.next(paneId) ?? null;
      if (batch === null || !this.module?.exports.has('plugin_on_event')) return;
      fn = 'plugin_on_event';
      input = batch;
    } else {
      fn = job.kind === 'tick' ? 'plugin_on_tick' : 'plugin_on_command';
      input = job.kind === 'tick' ? JSON.stringify({ pane_id: paneId }) : commandInput(job.cmd, paneId);
    }
    this.origin = job.kind === 'command' ? job.origin : null;
    let r: CallResult;
    try {
      r = await this.call(slot.instance, fn, input);
    } finally {
      this.origin = null;
    }
    // What arrived while the plugin was busy goes in the next call.
    if (job.kind === 'event' && this.events?.waiting) this.wakeEvents();
    if (slot !== this.slot || this.disposed) return; // replaced meanwhile
    if (!r.ok) {
      if (r.kind === 'closed') return;
      if (r.kind === 'plugin-error') {
        this.crashes.succeeded();
        this.sink?.notice(describe(fn, r));
      } else this.crash(r.message);
      return;
    }
    this.crashes.succeeded();
    const v2 = this.module?.exports.has(ABI_V2_EXPORT) === true;
    const rr = readAnyRender(r.output, fn, v2);
    if (!rr.ok) {
      if (rr.kind === 'oversize') this.crash(rr.reason);
      else this.sink?.notice(rr.reason);
      return;
    }
    // v1: any successful call clears the notice. v2: only a new render does (a refused render's
    // reason stays on screen while the plugin answers resizes and focus changes with nothing).
    if (!v2 || rr.render) this.sink?.notice(null);
    if (rr.render) deliverRender(this.sink, rr.render);
    if (job.kind === 'command' && this.module?.exports.has('plugin_snapshot')) {
      const snap = await this.takeSnapshot(slot);
      if (slot !== this.slot || this.disposed || snap.ok) return;
      if (snap.crash) this.crash(snap.reason);
      else this.sink?.notice(snap.reason);
    }
  }

  /**
   * plugin_snapshot after a successful command, kept for a restart after a crash. A snapshot
   * that is refused (an error, over the size limit) keeps the previous one and is shown in the
   * pane; a trap or timeout is a crash like any other.
   */
  private async takeSnapshot(slot: Slot): Promise<{ ok: true } | { ok: false; crash: boolean; reason: string }> {
    const r = await this.call(slot.instance, 'plugin_snapshot', '');
    if (r.ok) {
      this.lastSnapshot = r.output && r.output.byteLength > 0 ? new TextDecoder().decode(r.output) : null;
      return { ok: true };
    }
    if (r.kind === 'closed') return { ok: true };
    if (r.kind === 'plugin-error' || r.oversize) {
      this.deps.logger.warn({ plugin: this.key, err: r.message }, 'plugin_snapshot failed; keeping the previous snapshot');
      return { ok: false, crash: false, reason: `${describe('plugin_snapshot', r)} (the previous snapshot is kept)` };
    }
    return { ok: false, crash: true, reason: r.message };
  }

  private wakeIdle(): void {
    if (this.pumping || this.booting) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Waits until no boot and no call of the queue is in progress. */
  private async idle(): Promise<void> {
    while (this.booting || this.pumping) {
      if (this.booting) await this.booting;
      else await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  // ---- hot reload ---------------------------------------------------------------------------

  /**
   * Starts an instance of a new build beside the running one (which keeps its state but gets no
   * calls meanwhile): snapshot → init → restore → open. Nothing changes for the pane until
   * commitSwap; abortSwap resumes the old instance. The new instance takes a seat of its own in the
   * daemon's cap (a reload of every pane ran twice the instances, past it): refused one, the swap
   * fails saying so.
   */
  async prepareSwap(mod: LoadedModule): Promise<PreparedSwap> {
    this.paused = true;
    if (this.restartTimer) {
      this.clearRestart();
      this.restartDeferred = true;
    }
    await this.idle();
    if (this.disposed) return { ok: true, mod, spawned: null, beside: null };
    const def = this.def;
    // A pane stopped for good comes back on a new build if the plugin has a seat free for it.
    const seated = def.seats.has(this);
    if (!seated && !def.takeSeat(this)) return { ok: true, mod, spawned: null, beside: null, refused: def.overCapMessage() };
    this.seatForSwap = !seated;
    const old = this.instance;
    let beside: Beside | null = null;
    if (old) {
      const seat = {};
      // Waits only for instances that end by themselves (closed panes'): never for another pane's swap.
      while (!def.takeBeside(seat)) {
        if (!(await def.budget.freed())) return { ok: false, reason: `could not start its new build beside the running one (a reload runs both until it swaps them): ${def.budget.overCapMessage()}` };
      }
      beside = { seat, old, def };
    }
    let snapshot: string | null = null;
    if (old && this.module?.exports.has('plugin_snapshot') && mod.exports.has('plugin_restore')) {
      const r = await this.call(old, 'plugin_snapshot', '');
      // An empty snapshot means "nothing to carry": plugin_restore is not called then.
      if (r.ok && r.output && r.output.byteLength > 0 && r.output.byteLength <= SNAPSHOT_MAX_BYTES) snapshot = new TextDecoder().decode(r.output);
      if (r.ok) this.lastSnapshot = snapshot;
      else if (!r.ok) this.deps.logger.warn({ plugin: this.key, err: r.message }, 'plugin_snapshot failed; reloading without state');
    }
    const spawned = await this.spawn(mod, snapshot);
    if (spawned.ok) return { ok: true, mod, spawned, beside };
    if (beside) endBeside(beside, spawned.ended);
    return { ok: false, reason: spawned.reason };
  }

  /** The seat taken by prepareSwap for a pane that had none goes back if the swap does not happen. */
  private releaseSwapSeat(): void {
    if (this.seatForSwap) this.def.leaveSeat(this);
    this.seatForSwap = false;
  }

  commitSwap(p: PreparedSwap): void {
    if (!p.ok || !p.spawned || this.disposed) {
      if (p.ok) this.discard(p);
      // A pane stopped for good that got no seat for the new build says so (it kept its old reason).
      if (p.ok && p.refused !== undefined && !this.disposed) this.setState({ kind: 'error', message: `the new build of plugin '${this.key}' was not started in this pane: ${p.refused}` });
      this.releaseSwapSeat();
      return this.resume();
    }
    this.seatForSwap = false;
    const old = this.slot;
    if (old) old.current = false;
    this.slot = null;
    this.restartDeferred = false;
    this.crashes.reset();
    this.adopt(p.mod, p.spawned);
    void old?.instance.close();
    // The new instance is the pane's now: the seat it took stands for the old one until that has ended.
    if (p.beside) endBeside(p.beside, p.beside.old.close());
    this.resume();
  }

  abortSwap(p: PreparedSwap): void {
    if (p.ok) this.discard(p);
    this.releaseSwapSeat();
    this.resume();
  }

  /** The new instance of a swap that does not happen ends; its seat is held until it has. */
  private discard(p: Extract<PreparedSwap, { ok: true }>): void {
    const ended = p.spawned ? p.spawned.slot.instance.close() : Promise.resolve();
    if (p.beside) endBeside(p.beside, ended);
  }

  private resume(): void {
    this.paused = false;
    if (this.restartDeferred && !this.disposed && !this.slot && this.state.kind === 'restarting') {
      this.restartDeferred = false;
      void this.boot();
      return;
    }
    this.restartDeferred = false;
    void this.pump();
  }

  // ---- closing ------------------------------------------------------------------------------

  /** plugin_on_close (after the call in flight), then the worker is terminated. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.disposed = true;
      this.closingAbort.abort();
      this.events?.close();
      this.events = null;
      // The pane is gone, but its instance runs on (plugin_on_close, up to its timeout): its seat, in
      // the plugin's cap and the daemon's, is held until the instance has ended (below).
      const def = this.def;
      def.leaveSeat(this, true);
      try {
        this.clearRestart();
        this.jobs = [];
        if (this.booting) await this.booting;
        const slot = this.slot;
        this.slot = null;
        if (slot) {
          slot.current = false;
          if (this.module?.exports.has('plugin_on_close')) await this.call(slot.instance, 'plugin_on_close', JSON.stringify({ pane_id: this.deps.paneId }));
          await slot.instance.close();
        }
      } finally {
        def.ended(this);
      }
      this.def.sessions.delete(this);
      this.wakeIdle();
    })();
    return this.closing;
  }

  /** Ends the instance now, without waiting for calls (daemon shutdown past its grace period). */
  terminate(): void {
    void this.slot?.instance.close();
  }

  private setState(s: PluginState): void {
    this.state = s;
    this.sink?.state(s);
  }
}

/** The instance a swap's seat stands for is let go: the seat is held (ending) until `ended` settles. */
function endBeside(b: Beside, ended: Promise<unknown>): void {
  b.def.leaveSeat(b.seat, true);
  const free = (): void => b.def.ended(b.seat);
  void ended.then(free, free);
}
