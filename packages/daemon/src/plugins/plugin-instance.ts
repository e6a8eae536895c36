import type { Logger } from '../logging/logger.js';
import { grantedHostFunctions, MAX_KERNEL_BYTES, MAX_VAR_BYTES, RENDER_HARD_MAX_BYTES, SNAPSHOT_MAX_BYTES, START_TIMEOUT_MS, mib } from './abi.js';
import { answerHostCall, type HostBridge } from './host-functions.js';
import { sanitizeLine } from './render-payload.js';
import { PluginThread, type ThreadCallResult } from './sandbox/plugin-thread.js';
import type { WasmModule } from './wasm-api.js';

/** What the host functions of an instance reach: its pane. */
export type PaneBridge = Pick<HostBridge, 'paneId' | 'scope' | 'render' | 'clipboard' | 'kube'> & Partial<Pick<HostBridge, 'write' | 'writeUnreadable' | 'abi'>>;

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
  /** Called once, as soon as the instance is closed (it takes no calls from then on). */
  onClosed?: () => void;
  /** Aborted when the instance is no longer wanted while it starts: its worker is ended at once. */
  signal?: AbortSignal;
}

export type CallFailureKind = 'timeout' | 'trap' | 'plugin-error' | 'limit' | 'closed';
export type CallResult =
  | { ok: true; output: Uint8Array | null; ms: number }
  | { ok: false; kind: CallFailureKind; message: string; ms: number; /** the output was over its size limit (the instance lives on) */ oversize?: true };

const TIMED_OUT = Symbol('timed out');
/** Async host work must answer this long before the call's deadline (so its reply reaches the worker). */
const hostMargin = (timeoutMs: number): number => Math.max(20, Math.round(timeoutMs * 0.2));

/** The most output an export may return: a snapshot, or a render. */
const maxOutput = (fn: string): number => (fn === 'plugin_snapshot' ? SNAPSHOT_MAX_BYTES : RENDER_HARD_MAX_BYTES);

function oversize(fn: string, size: number): string {
  return fn === 'plugin_snapshot'
    ? `plugin_snapshot sent ${mib(size)} of state, over the ${mib(SNAPSHOT_MAX_BYTES)} limit`
    : `${fn} sent a render of ${mib(size)}, over the ${mib(RENDER_HARD_MAX_BYTES)} limit`;
}

/**
 * One plugin instance: an Extism plugin in its own worker thread (sandbox/). Calls are serialised,
 * each bounded by the per-call timeout: past it the worker is terminated and the instance is dead
 * (its guest state is gone either way). Results are values, never rejections. Only bounded bytes
 * cross to this thread; a limit broken in the worker (an alloc over the kernel limit, a render too
 * big) ends the call as a `limit` failure.
 */
let abortedSignal: AbortSignal | null = null;

export class PluginInstance {
  private chain: Promise<unknown> = Promise.resolve();
  private closedFlag = false;
  private closing: Promise<void> | null = null;
  private deadline = 0;
  /** The running call's controller, made only when a host function asks for its signal. */
  private callAbort: AbortController | null = null;
  private inCall = false;
  private violations: string[] = [];
  private thread: PluginThread | null = null;
  /** The clock of the call in progress: stopped while a host function holds it (a write dialog). */
  private clock: { pause(): void; resume(): void } | null = null;

  private constructor(private readonly opts: InstanceOptions) {}

  /** Spawns the worker and instantiates the module; rejects with an Error saying why not. */
  static async create(opts: InstanceOptions): Promise<PluginInstance> {
    // The instance object must exist before its worker, since the host functions close over it.
    const inst = new PluginInstance(opts);
    const bridge: HostBridge = {
      ...opts.pane,
      paneId: opts.pane.paneId,
      timeLeft: () => inst.deadline - Date.now() - hostMargin(opts.timeoutMs),
      signal: () => inst.callSignal(),
      violation: (reason) => inst.violations.push(reason),
      permissions: opts.permissions,
      write: opts.pane.write ?? (() => Promise.reject(new Error('k8s_write: writes are not available here'))),
      hold: (work) => inst.hold(work),
    };
    try {
      inst.thread = await PluginThread.start({
        init: {
          module: opts.module,
          hostFunctions: grantedHostFunctions(opts.permissions),
          config: opts.config,
          kernelBytes: MAX_KERNEL_BYTES,
          maxVarBytes: MAX_VAR_BYTES,
        },
        onHostCall: (req) => answerHostCall(req.fn, req.request, bridge, req.oversize),
        onLog: (level, message) => opts.logger[level]({ plugin: opts.key }, `plugin: ${message}`),
        startTimeoutMs: START_TIMEOUT_MS,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      throw new Error(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    return inst;
  }

  /**
   * The call is over: its signal (if a host call asked for one) is aborted. Made only on demand: an
   * AbortController and its abort (a DOMException with a stack) per call were a good part of the
   * daemon's allocations per plugin command.
   */
  private endCall(): void {
    this.inCall = false;
    const c = this.callAbort;
    this.callAbort = null;
    c?.abort();
  }

  /** Aborted when the running call ends or the instance closes; outside a call, already aborted. */
  private callSignal(): AbortSignal {
    if (!this.inCall || this.closedFlag) return (abortedSignal ??= AbortSignal.abort());
    return (this.callAbort ??= new AbortController()).signal;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Calls an export with a string input; serialised after earlier calls. Never rejects. */
  call(fn: string, input: string): Promise<CallResult> {
    const result = this.chain.then(() => this.run(fn, input));
    this.chain = result.catch(() => undefined);
    return result.catch((err: unknown) => ({ ok: false, kind: 'trap', message: `${fn}: host error: ${String(err)}`, ms: 0 }) as const);
  }

  private async run(fn: string, input: string): Promise<CallResult> {
    const started = performance.now();
    const ms = (): number => performance.now() - started;
    const thread = this.thread;
    if (this.closedFlag || !thread) return { ok: false, kind: 'closed', message: 'the instance is closed', ms: 0 };
    const limit = this.opts.timeoutMs;
    this.inCall = true;
    this.violations = [];
    let timer: NodeJS.Timeout | undefined;
    let left = limit;
    let armedAt = 0;
    let fire: () => void = () => undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => (fire = () => resolve(TIMED_OUT)));
    const arm = (): void => {
      armedAt = Date.now();
      this.deadline = armedAt + left;
      timer = setTimeout(fire, left);
    };
    const clock = {
      pause: () => {
        clearTimeout(timer);
        left = Math.max(0, left - (Date.now() - armedAt));
        this.deadline = Number.POSITIVE_INFINITY;
      },
      resume: () => {
        if (this.clock === clock) arm();
      },
    };
    this.clock = clock;
    arm();
    try {
      const out: ThreadCallResult | typeof TIMED_OUT = await Promise.race([thread.call(fn, input, maxOutput(fn)), timedOut]);
      if (out === TIMED_OUT) {
        await this.close();
        return { ok: false, kind: 'timeout', message: `${fn} timed out after ${limit} ms`, ms: ms() };
      }
      if (this.violations.length > 0) return { ok: false, kind: 'limit', message: `${fn}: ${this.violations[0]}`, ms: ms() };
      if (out.ok) return { ok: true, output: out.output, ms: ms() };
      switch (out.kind) {
        case 'oversize':
          return { ok: false, kind: 'limit', message: oversize(fn, out.size), ms: ms(), oversize: true };
        case 'limit':
          return { ok: false, kind: 'limit', message: `${fn}: ${out.message}`, ms: ms() };
        case 'plugin-error':
          // The plugin's own text (error_set): shown in its pane and in plugin/list, so no control characters.
          return { ok: false, kind: 'plugin-error', message: sanitizeLine(out.message), ms: ms() };
        case 'closed':
          return { ok: false, kind: 'closed', message: 'the instance was closed during the call', ms: ms() };
        case 'trap':
          return { ok: false, kind: 'trap', message: `${fn} trapped: ${out.message}`, ms: ms() };
      }
    } finally {
      this.clock = null;
      clearTimeout(timer);
      this.endCall();
    }
  }

  /** Stops the current call's clock while `work` runs; it goes on with the time that was left. */
  async hold<T>(work: Promise<T>): Promise<T> {
    const clock = this.clock;
    clock?.pause();
    try {
      return await work;
    } finally {
      clock?.resume();
    }
  }

  /** Terminates the worker. Idempotent; a call in flight resolves as `closed`. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closedFlag = true;
    this.callAbort?.abort();
    // Counted out at once: from now on this instance takes no calls (its thread ends below).
    this.opts.onClosed?.();
    const thread = this.thread;
    this.thread = null;
    this.closing = (thread?.terminate() ?? Promise.resolve()).catch((err: unknown) => {
      this.opts.logger.warn({ plugin: this.opts.key, err: String(err) }, 'ending a plugin worker failed');
    });
    return this.closing;
  }
}
