import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { errorMessage } from '../../util/errors.js';
import { MAX_MEMORY_PAGES } from '../abi.js';
import type { CallRequest, HostAnswer, HostRequest, WorkerCallResult, WorkerInit, WorkerMessage } from './protocol.js';

export type ThreadCallResult = WorkerCallResult | { ok: false; kind: 'closed'; message: string };

export interface PluginThreadOptions {
  init: Omit<WorkerInit, 'flag' | 'hostPort'>;
  /** Answers a host-function call (an envelope); must not throw. */
  onHostCall(req: HostRequest): string | Promise<string>;
  onLog(level: 'error' | 'warn' | 'info' | 'debug', message: string): void;
  /** Instantiation (start function included) must be over within this time. */
  startTimeoutMs: number;
  /** Aborted when nobody wants the thread any more (its pane closed): the starting worker is ended at once. */
  signal?: AbortSignal;
}

/**
 * JS heap of a plugin worker (the guest's memory and Extism blocks are outside it, bounded by the
 * module checks and the kernel limit): enough for Extism, small enough that a runaway stays small.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 2, stackSizeMb: 4 };

/**
 * The process-wide backstop on WebAssembly memory: no wasm memory in this process — a plugin's in
 * its worker thread included — can grow past this many pages of 64 KiB (32 MiB), whatever its
 * module declares. The load check (module-check.ts) already refuses a module that declares more;
 * this holds even if a module got past it. V8's `--wasm-max-mem-pages` is process-wide: a Worker's
 * execArgv refuses V8 flags (ERR_WORKER_INVALID_EXEC_ARGV on Node 20) and resourceLimits do not
 * cover wasm memory, so it is set on this process, before the first plugin worker starts. Node's
 * own wasm (undici's HTTP parser) stays far below it.
 */
export const WASM_MAX_MEM_PAGES = MAX_MEMORY_PAGES;
let backstopApplied = false;

/** Sets `--wasm-max-mem-pages` for the whole process (once; later calls do nothing). */
export function applyWasmMemoryBackstop(): void {
  if (backstopApplied) return;
  setFlagsFromString(`--wasm-max-mem-pages=${WASM_MAX_MEM_PAGES}`);
  backstopApplied = true;
}

/** The sources the worker entry is built from (for the up-to-date check below). */
const ENTRY_SOURCES = ['./worker-entry.ts', './protocol.ts', '../abi.ts'];

function mtime(url: URL): number {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return Number.NaN;
  }
}

let entryCache: { filename: string | URL; eval: boolean } | null = null;

/**
 * How to start the worker: the built entry next to this file. Running from the TypeScript sources
 * (the tests), the built one if it is up to date, else the .ts entry through tsx (slower to start).
 */
function workerEntry(): { filename: string | URL; eval: boolean } {
  if (entryCache) return entryCache;
  const here = import.meta.url;
  if (here.endsWith('.js')) return (entryCache = { filename: new URL('./worker-entry.js', here), eval: false });
  const built = new URL(here.replace('/src/plugins/sandbox/', '/dist/plugins/sandbox/').replace(/plugin-thread\.ts$/, 'worker-entry.js'));
  const newestSource = Math.max(...ENTRY_SOURCES.map((p) => mtime(new URL(p, here))));
  if (built.href !== here && mtime(built) >= newestSource) return (entryCache = { filename: built, eval: false });
  // tsx's ESM entry, found from here (its CommonJS one cannot register the hooks).
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./worker-entry.ts', here).href;
  return (entryCache = { filename: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, eval: true });
}

const isHostRequest = (m: unknown): m is HostRequest =>
  typeof m === 'object' &&
  m !== null &&
  typeof (m as HostRequest).fn === 'string' &&
  ((m as HostRequest).request === null || (m as HostRequest).request instanceof Uint8Array) &&
  ((m as HostRequest).oversize === undefined || Number.isSafeInteger((m as HostRequest).oversize));

/**
 * The daemon's side of one plugin worker thread: starts it, sends calls, answers its host calls
 * (the worker waits on a shared flag meanwhile) and ends it. Results are values, never rejections;
 * if the thread dies, calls in flight end as traps saying why.
 */
export class PluginThread {
  private nextId = 1;
  private readonly pending = new Map<number, (r: ThreadCallResult) => void>();
  private exitReason: string | null = null;
  private terminated = false;

  private constructor(
    private readonly worker: Worker,
    private readonly hostPort: MessagePort,
    /** Raised (index 0 = 1) once a host answer is on the port; the worker waits on it. */
    private readonly flag: Int32Array,
    private readonly opts: PluginThreadOptions,
  ) {
    hostPort.on('message', (m: unknown) => void this.answerHost(m));
    worker.on('message', (m: WorkerMessage) => this.onMessage(m));
    worker.on('error', (err) => this.ended(`the plugin worker failed: ${errorMessage(err)}`));
    worker.on('exit', (code) => this.ended(`the plugin worker exited (code ${code})`));
  }

  /** Spawns the worker and instantiates the module in it; rejects with an Error saying why not. */
  static start(opts: PluginThreadOptions): Promise<PluginThread> {
    applyWasmMemoryBackstop();
    const channel = new MessageChannel();
    const entry = workerEntry();
    const flagBuffer = new SharedArrayBuffer(4);
    const workerData: WorkerInit = { ...opts.init, flag: flagBuffer, hostPort: channel.port2 };
    const worker = new Worker(entry.filename, {
      eval: entry.eval,
      workerData,
      transferList: [channel.port2],
      resourceLimits: RESOURCE_LIMITS,
      // Extism loads node:wasi (unused: plugins get no WASI), which warns once per thread.
      execArgv: ['--disable-warning=ExperimentalWarning'],
      stdout: false,
      stderr: false,
    });
    return new Promise<PluginThread>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = (reason: string): void => {
        cleanup();
        channel.port1.close();
        void worker.terminate();
        reject(new Error(reason));
      };
      const onMessage = (m: WorkerMessage): void => {
        if (m?.type === 'ready') {
          cleanup();
          resolve(new PluginThread(worker, channel.port1, new Int32Array(flagBuffer), opts));
        } else if (m?.type === 'start-failed') fail(m.message);
        else if (m?.type === 'log') opts.onLog(m.level, m.message);
      };
      const onError = (err: unknown): void => fail(errorMessage(err));
      const onExit = (code: number): void => fail(`the plugin worker exited while starting (code ${code})`);
      const onAbort = (): void => fail('closed while starting');
      const cleanup = (): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => fail(`not started within ${opts.startTimeoutMs} ms (a start function that does not return?)`), opts.startTimeoutMs);
    });
  }

  get alive(): boolean {
    return this.exitReason === null;
  }

  /** Runs an export. Resolves when it returns, or when the thread ends. */
  call(fn: string, input: string, maxOutput: number): Promise<ThreadCallResult> {
    if (this.exitReason !== null) return Promise.resolve({ ok: false, kind: this.terminated ? 'closed' : 'trap', message: this.exitReason });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const req: CallRequest = { type: 'call', id, fn, input, maxOutput };
      this.worker.postMessage(req);
    });
  }

  /** Ends the thread at once (a guest in a loop or waiting on a host call included). */
  async terminate(): Promise<void> {
    if (this.exitReason === null) this.terminated = true;
    this.ended('the instance was closed');
    await this.worker.terminate();
  }

  private onMessage(m: WorkerMessage): void {
    if (m?.type === 'result') {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m.result);
    } else if (m?.type === 'log') this.opts.onLog(m.level, m.message);
  }

  private async answerHost(m: unknown): Promise<void> {
    let response: string;
    if (!isHostRequest(m)) response = JSON.stringify({ ok: false, error: 'malformed host call' });
    else {
      try {
        response = await this.opts.onHostCall(m);
      } catch (err) {
        response = JSON.stringify({ ok: false, error: `${m.fn}: ${errorMessage(err)}` });
      }
    }
    if (this.exitReason !== null) return;
    const answer: HostAnswer = { response };
    this.hostPort.postMessage(answer);
    Atomics.store(this.flag, 0, 1);
    Atomics.notify(this.flag, 0);
  }

  private ended(reason: string): void {
    if (this.exitReason !== null) return;
    this.exitReason = reason;
    this.hostPort.close();
    const kind = this.terminated ? 'closed' : 'trap';
    for (const resolve of this.pending.values()) resolve({ ok: false, kind, message: reason });
    this.pending.clear();
  }
}
