import createPlugin, { type Plugin as ExtismPlugin } from '@extism/extism';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import { MAX_KERNEL_PAGES, MAX_VAR_BYTES, START_TIMEOUT_MS } from './abi.js';
import { hostFunctions, type HostBridge } from './host-functions.js';
import type { WasmModule } from './wasm-api.js';

/** What the host functions of an instance reach: its pane. */
export type PaneBridge = Pick<HostBridge, 'paneId' | 'scope' | 'render' | 'clipboard' | 'kube'>;

export interface InstanceOptions {
  key: string;
  module: WasmModule;
  permissions: readonly string[];
  /** Per-call time limit; a call over it is cancelled (its worker terminated). */
  timeoutMs: number;
  /** Strings for Extism's config_get (the JSON config goes to plugin_init). */
  config: Record<string, string>;
  pane: PaneBridge;
  logger: Logger;
  onClosed?: () => void;
}

export type CallFailureKind = 'timeout' | 'trap' | 'plugin-error' | 'limit' | 'closed';
export type CallResult =
  | { ok: true; output: Uint8Array | null; ms: number }
  | { ok: false; kind: CallFailureKind; message: string; ms: number };

const PLUGIN_ERROR = 'Plugin-originated error: ';
const TIMED_OUT = Symbol('timed out');
const CLOSED = Symbol('closed');
/** Async host work must answer this long before the call's deadline (so its reply reaches the worker). */
const hostMargin = (timeoutMs: number): number => Math.max(20, Math.round(timeoutMs * 0.2));

/**
 * One Extism plugin in worker mode. Calls are serialised (Extism is not reentrant), each bounded
 * by the per-call timeout: past it the worker is terminated and the instance is dead (its guest
 * state is gone either way). Results are values, never rejections; worker errors (plain objects)
 * are normalised. After each call the Extism kernel blocks are reset, off the caller's path.
 */
export class PluginInstance {
  private chain: Promise<unknown> = Promise.resolve();
  private closedFlag = false;
  private closing: Promise<void> | null = null;
  private markClosed!: () => void;
  private readonly closedSignal = new Promise<typeof CLOSED>((resolve) => (this.markClosed = () => resolve(CLOSED)));
  private deadline = 0;
  private callAbort = new AbortController();
  private violations: string[] = [];

  private constructor(
    private readonly opts: InstanceOptions,
    private plugin: ExtismPlugin | null,
  ) {}

  /** Spawns the worker and instantiates the module; rejects with an Error saying why not. */
  static async create(opts: InstanceOptions): Promise<PluginInstance> {
    // The instance object must exist before createPlugin, since its host functions close over it.
    const inst = new PluginInstance(opts, null);
    const bridge: HostBridge = {
      ...opts.pane,
      paneId: opts.pane.paneId,
      timeLeft: () => inst.deadline - Date.now() - hostMargin(opts.timeoutMs),
      signal: () => inst.callAbort.signal,
      violation: (reason) => inst.violations.push(reason),
    };
    let plugin: ExtismPlugin;
    try {
      plugin = await createPlugin(
        { wasm: [{ module: opts.module }] },
        {
          useWasi: false,
          runInWorker: true,
          // Extism races instantiation against timeoutMs; calls are timed here instead (see below).
          timeoutMs: START_TIMEOUT_MS,
          functions: hostFunctions(opts.permissions, bridge),
          config: opts.config,
          logger: inst.extismLogger(),
          logLevel: 'warn',
          enableWasiOutput: false,
          memory: { maxPages: MAX_KERNEL_PAGES, maxVarBytes: MAX_VAR_BYTES },
          sharedArrayBufferSize: 1 << 18,
          nodeWorkerArgs: { name: `kubetile plugin ${opts.key}` },
        },
      );
    } catch (err) {
      throw new Error(`could not start: ${errorMessage(err)}`);
    }
    // rc13 keeps its options on the plugin object. Its own call timeout, on expiry, recreates the
    // worker — racing that against the same limit, and leaking the new worker if it loses — so
    // switch it off and time calls here: past the limit the worker is terminated, and the session
    // starts a fresh instance anyway (a timed-out worker has lost its guest state either way).
    const internal = plugin as unknown as { opts?: { timeoutMs?: number | null } };
    if (!internal.opts || !('timeoutMs' in internal.opts)) {
      await plugin.close();
      throw new Error('unsupported @extism/extism build: cannot manage call timeouts (expected 2.0.0-rc13)');
    }
    internal.opts.timeoutMs = null;
    inst.plugin = plugin;
    return inst;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Calls an export with a string input; serialised after earlier calls. Never rejects. */
  call(fn: string, input: string): Promise<CallResult> {
    let deliver!: (r: CallResult) => void;
    const result = new Promise<CallResult>((resolve) => (deliver = resolve));
    this.chain = this.chain
      .then(async () => {
        deliver(await this.run(fn, input));
        await this.resetKernel();
      })
      .catch((err: unknown) => {
        deliver({ ok: false, kind: 'trap', message: `${fn}: host error: ${errorMessage(err)}`, ms: 0 });
      });
    return result;
  }

  private async run(fn: string, input: string): Promise<CallResult> {
    const started = performance.now();
    const ms = (): number => performance.now() - started;
    const plugin = this.plugin;
    if (this.closedFlag || !plugin) return { ok: false, kind: 'closed', message: 'the instance is closed', ms: 0 };
    const limit = this.opts.timeoutMs;
    this.deadline = Date.now() + limit;
    this.callAbort = new AbortController();
    this.violations = [];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), limit)));
    try {
      const out = await Promise.race([plugin.call(fn, input), timedOut, this.closedSignal]);
      if (out === TIMED_OUT) {
        await this.close();
        return { ok: false, kind: 'timeout', message: `${fn} timed out after ${limit} ms`, ms: ms() };
      }
      if (out === CLOSED) return { ok: false, kind: 'closed', message: 'the instance was closed during the call', ms: ms() };
      if (this.violations.length > 0) return { ok: false, kind: 'limit', message: `${fn}: ${this.violations[0]}`, ms: ms() };
      return { ok: true, output: out ? new Uint8Array(out.bytes()) : null, ms: ms() };
    } catch (err) {
      if (this.violations.length > 0) return { ok: false, kind: 'limit', message: `${fn}: ${this.violations[0]}`, ms: ms() };
      const msg = errorMessage(err);
      if (msg.startsWith(PLUGIN_ERROR)) return { ok: false, kind: 'plugin-error', message: msg.slice(PLUGIN_ERROR.length).trim() || 'error', ms: ms() };
      return { ok: false, kind: 'trap', message: `${fn} trapped: ${msg}`, ms: ms() };
    } finally {
      clearTimeout(timer);
      this.callAbort.abort();
    }
  }

  /** Frees the Extism kernel blocks of the last call (worker mode keeps them otherwise). */
  private async resetKernel(): Promise<void> {
    if (this.closedFlag || !this.plugin) return;
    try {
      await Promise.race([this.plugin.reset(), this.closedSignal]);
    } catch (err) {
      this.opts.logger.debug({ err: errorMessage(err) }, 'plugin reset failed');
    }
  }

  /** Terminates the worker. Idempotent; a call in flight resolves as `closed`. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closedFlag = true;
      this.markClosed();
      this.callAbort.abort();
      const p = this.plugin;
      this.plugin = null;
      try {
        await p?.close();
      } catch (err) {
        this.opts.logger.warn({ err: errorMessage(err) }, 'closing a plugin worker failed');
      }
      this.opts.onClosed?.();
    })();
    return this.closing;
  }

  /** Extism's logger: guest log lines go to ours; kernel memory refusals are limit violations. */
  private extismLogger(): Console {
    const log = this.opts.logger;
    const text = (args: unknown[]): string => args.map((a) => (typeof a === 'string' ? a : errorMessage(a))).join(' ');
    const onError = (...args: unknown[]): void => {
      const msg = text(args);
      if (/memory limit exceeded/.test(msg)) this.violations.push(`Extism memory limit exceeded (${msg})`);
      log.warn({ plugin: this.opts.key }, `plugin: ${msg}`);
    };
    const at = (level: 'debug' | 'info' | 'warn') => (...args: unknown[]) => log[level]({ plugin: this.opts.key }, `plugin: ${text(args)}`);
    return { ...console, error: onError, warn: at('warn'), info: at('info'), log: at('info'), debug: at('debug'), trace: at('debug') } as Console;
  }
}
