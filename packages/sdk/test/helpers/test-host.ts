// A small kubetile plugin host for tests: implements ABI v1 (packages/sdk/ABI.md)
// on @extism/extism 2.0.0-rc13 in worker mode, with canned pods and secrets.
//
// It is deliberately close to what the daemon must do:
//   - check the module before createPlugin (memory maximum, imports vs granted
//     permissions, plugin_on_command present) — in worker mode a missing import
//     makes createPlugin hang and throws an uncaughtException;
//   - register only the granted host functions under the "kubetile" namespace;
//   - host functions never throw: every outcome is a JSON envelope;
//   - one call at a time per instance (a queue), and a reset of the Extism
//     kernel blocks before each call (worker mode never frees them otherwise);
//   - errors normalised to Error (worker mode rejects with plain objects).

import { readFileSync } from 'node:fs';
import createPlugin, { type CurrentPlugin, type Plugin as ExtismPlugin } from '@extism/extism';
import { HOST_FUNCTIONS, HOST_MODULE, hostFunctionGranted, validatePluginModule } from '../../abi.mjs';

export interface CannedPod {
  name: string;
  namespace: string;
  phase: string;
  status: string;
  ready: string;
  restarts: number;
  node: string;
  age_seconds: number;
}

export interface CannedSecret {
  name: string;
  namespace: string;
  type: string;
  data: Record<string, string>;
}

export type HostFunctionName = keyof typeof HOST_FUNCTIONS;

export interface TestHostOptions {
  /** Path to a .wasm file, or its bytes. */
  wasm: string | Uint8Array;
  /** Granted permissions, e.g. ["k8s:list:pods"]. */
  permissions?: string[];
  paneId?: number;
  /** The pane's namespace (what "" means in requests). */
  namespace?: string;
  pods?: CannedPod[];
  secrets?: CannedSecret[];
  /** Per-call timeout (worker mode). Default 20 s: generous for a loaded CI box. */
  timeoutMs?: number;
  /** Extism kernel-block limit (memory.maxPages). */
  maxKernelPages?: number;
  /** Make a host function answer {"ok":false,"error":…}. */
  hostErrors?: Partial<Record<HostFunctionName, string>>;
  /** Skip the load-time ABI checks (to observe what an unchecked host would do). */
  skipValidation?: boolean;
  /** Extism logger (default: a silent one that records messages in `logs`). */
  logger?: Console;
}

export class PluginLoadError extends Error {
  constructor(
    message: string,
    readonly problems: { code: string; message: string }[],
  ) {
    super(message);
    this.name = 'PluginLoadError';
  }
}

export interface HostCall {
  fn: HostFunctionName;
  request: unknown;
}

type Envelope = { ok: true; value: unknown } | { ok: false; error: string };

/** Worker-mode Extism rejects with plain objects; make them Errors. */
export function toError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (err && typeof err === 'object' && 'message' in err) {
    return new Error(String((err as { message: unknown }).message));
  }
  return new Error(String(err));
}

export class TestHost {
  readonly paneId: number;
  readonly namespace: string;
  pods: CannedPod[];
  secrets: CannedSecret[];
  hostErrors: Partial<Record<HostFunctionName, string>>;
  /** Every render the pane received (call outputs and host_send_render), in order. */
  readonly renders: string[][] = [];
  /** Every render's parsed payload (ABI v2: with its span arrays and `table`), in order. */
  readonly payloads: Array<Record<string, unknown>> = [];
  /** Renders pushed through host_send_render. */
  readonly pushed: string[][] = [];
  /** Texts written through clipboard_write. */
  readonly clipboard: string[] = [];
  /** Every host function call with its decoded request. */
  readonly calls: HostCall[] = [];
  /** Messages the plugin logged (Extism log_* functions), as "level: text". */
  readonly logs: string[] = [];
  /** Raw byte sizes of pushed renders (for flood tests). */
  readonly pushedBytes: number[] = [];

  #plugin: ExtismPlugin | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #timeoutMs: number;
  /** Set when a call outlived the watchdog: the Extism worker is wedged. */
  poisoned = false;

  private constructor(opts: TestHostOptions) {
    this.#timeoutMs = opts.timeoutMs ?? 20_000;
    this.paneId = opts.paneId ?? 1;
    this.namespace = opts.namespace ?? 'default';
    this.pods = opts.pods ?? [];
    this.secrets = opts.secrets ?? [];
    this.hostErrors = opts.hostErrors ?? {};
  }

  /** The last render, or [] before any. */
  get lines(): string[] {
    return this.renders[this.renders.length - 1] ?? [];
  }

  static async load(opts: TestHostOptions): Promise<TestHost> {
    const bytes = typeof opts.wasm === 'string' ? new Uint8Array(readFileSync(opts.wasm)) : opts.wasm;
    const permissions = opts.permissions ?? [];
    if (!opts.skipValidation) {
      const problems = validatePluginModule(bytes, { permissions });
      if (problems.length > 0) {
        throw new PluginLoadError(`plugin refused: ${problems.map((p) => p.message).join('; ')}`, problems);
      }
    }
    const host = new TestHost(opts);
    const functions: Record<string, (cp: CurrentPlugin, off: bigint) => bigint> = {};
    for (const name of Object.keys(HOST_FUNCTIONS)) {
      if (hostFunctionGranted(name as HostFunctionName, permissions)) {
        functions[name] = (cp, off) => host.#dispatch(name as HostFunctionName, cp, off);
      }
    }
    const logger = opts.logger ?? host.#recordingLogger();
    host.#plugin = await createPlugin(
      { wasm: [{ data: bytes }] },
      {
        useWasi: false,
        runInWorker: true,
        timeoutMs: host.#timeoutMs,
        functions: { [HOST_MODULE]: functions },
        logger,
        logLevel: 'info',
        ...(opts.maxKernelPages ? { memory: { maxPages: opts.maxKernelPages } } : {}),
      },
    );
    return host;
  }

  #recordingLogger(): Console {
    const rec = (level: string) => (...args: unknown[]) => {
      this.logs.push(`${level}: ${args.map(String).join(' ')}`);
    };
    return { ...console, trace: rec('trace'), debug: rec('debug'), info: rec('info'), log: rec('log'), warn: rec('warn'), error: rec('error') } as Console;
  }

  // ---- host functions -------------------------------------------------------------

  #dispatch(fn: HostFunctionName, cp: CurrentPlugin, off: bigint): bigint {
    let envelope: Envelope;
    try {
      const text = cp.read(off)?.text() ?? '';
      const request = text.length > 0 ? JSON.parse(text) : {};
      this.calls.push({ fn, request });
      const forced = this.hostErrors[fn];
      if (forced !== undefined) envelope = { ok: false, error: forced };
      else envelope = { ok: true, value: this.#handle(fn, request, text.length) };
    } catch (err) {
      envelope = { ok: false, error: toError(err).message };
    }
    try {
      return cp.store(JSON.stringify(envelope));
    } catch {
      return 0n; // never throw across the boundary (it would poison the worker)
    }
  }

  #ns(requested: unknown): string {
    return typeof requested === 'string' && requested.length > 0 ? requested : this.namespace;
  }

  #handle(fn: HostFunctionName, req: Record<string, unknown>, size: number): unknown {
    switch (fn) {
      case 'host_send_render': {
        const lines = req.lines;
        if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string')) {
          throw new Error('host_send_render: "lines" must be an array of strings');
        }
        this.pushed.push(lines);
        this.pushedBytes.push(size);
        this.renders.push(lines);
        return null;
      }
      case 'list_pods': {
        const ns = req.namespace === '*' ? '*' : this.#ns(req.namespace);
        return this.pods.filter((p) => ns === '*' || p.namespace === ns);
      }
      case 'get_secret': {
        const ns = this.#ns(req.namespace);
        if (typeof req.name === 'string' && req.name.length > 0) {
          const s = this.secrets.find((x) => x.namespace === ns && x.name === req.name);
          if (!s) throw new Error(`secrets "${req.name}" not found in namespace "${ns}"`);
          return { name: s.name, namespace: s.namespace, type: s.type, data: { ...s.data } };
        }
        return {
          items: this.secrets
            .filter((x) => x.namespace === ns)
            .map((x) => ({ name: x.name, type: x.type, keys: Object.keys(x.data).length })),
        };
      }
      case 'clipboard_write': {
        if (typeof req.text !== 'string') throw new Error('clipboard_write: "text" must be a string');
        this.clipboard.push(req.text);
        return null;
      }
    }
  }

  // ---- calls ------------------------------------------------------------------------

  /**
   * Raw, serialised call. Resolves to the output text ('' when none).
   * A watchdog (2 × timeoutMs + 5 s) guards against Extism leaving a call
   * unsettled, which it does when it cannot recreate a timed-out worker in time.
   */
  call(fn: string, input?: string): Promise<string> {
    const run = async (): Promise<string> => {
      const plugin = this.#plugin;
      if (!plugin) throw new Error('plugin closed');
      if (this.poisoned) throw new Error('plugin poisoned by an earlier stuck call');
      let timer: NodeJS.Timeout | undefined;
      const watchdog = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          this.poisoned = true;
          reject(new Error(`watchdog: ${fn} did not settle`));
        }, this.#timeoutMs * 2 + 5_000);
      });
      try {
        const attempt = (async () => {
          await plugin.reset(); // free the previous calls' Extism blocks (see ABI.md section 6)
          const out = await plugin.call(fn, input);
          return out ? out.text() : '';
        })();
        return await Promise.race([attempt, watchdog]);
      } catch (err) {
        throw toError(err);
      } finally {
        clearTimeout(timer);
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async functionExists(name: string): Promise<boolean> {
    return (await this.#plugin?.functionExists(name)) ?? false;
  }

  /** Calls an export that may return a RenderPayload; records it. */
  async #render(fn: string, input: string): Promise<string[] | null> {
    const text = await this.call(fn, input);
    if (text.length === 0) return null;
    const payload = JSON.parse(text) as { lines?: unknown; table?: unknown };
    if (!Array.isArray(payload.lines)) throw new Error(`${fn}: output is not a RenderPayload: ${text.slice(0, 200)}`);
    // ABI v2: a line may be an array of spans (strings or {text,…}); `renders` keeps their text.
    const lines = (payload.lines as unknown[]).map((l) =>
      Array.isArray(l) ? l.map((s: unknown) => (typeof s === 'string' ? s : String((s as { text?: unknown }).text))).join('') : (l as string),
    );
    this.renders.push(lines);
    this.payloads.push(payload as Record<string, unknown>);
    return lines;
  }

  async init(config: Record<string, string | number | boolean> = {}): Promise<void> {
    await this.call('plugin_init', JSON.stringify(config));
  }

  open(): Promise<string[] | null> {
    return this.#render('plugin_on_open', JSON.stringify({ pane_id: this.paneId }));
  }

  command(cmd: { type: string; [k: string]: unknown }): Promise<string[] | null> {
    return this.#render('plugin_on_command', JSON.stringify({ ...cmd, pane_id: this.paneId }));
  }

  tick(): Promise<string[] | null> {
    return this.#render('plugin_on_tick', JSON.stringify({ pane_id: this.paneId }));
  }

  async closePane(): Promise<void> {
    await this.call('plugin_on_close', JSON.stringify({ pane_id: this.paneId }));
  }

  snapshot(): Promise<string> {
    return this.call('plugin_snapshot');
  }

  async restore(state: string): Promise<void> {
    await this.call('plugin_restore', state);
  }

  /** Ends the worker. Always call (an open worker keeps the process alive). */
  async close(): Promise<void> {
    const plugin = this.#plugin;
    this.#plugin = null;
    if (plugin) await plugin.close();
  }
}

/** Loads, initialises and opens a plugin in one go. */
export async function openPlugin(
  opts: TestHostOptions & { config?: Record<string, string | number | boolean> },
): Promise<TestHost> {
  const host = await TestHost.load(opts);
  try {
    await host.init(opts.config ?? {});
    await host.open();
  } catch (err) {
    await host.close();
    throw err;
  }
  return host;
}
