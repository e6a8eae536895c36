/**
 * A plugin worker: one Extism plugin instance run in the foreground of this worker thread.
 * Host functions block this thread (never the daemon's) while the daemon answers them. Whatever
 * the guest does — loop, grow its memory, ask for huge blocks — stays here, and the daemon can
 * end it at any moment by terminating the thread.
 */
import createPlugin, { type CurrentPlugin, type Plugin } from '@extism/extism';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import {
  ERROR_MAX_BYTES, EXTISM_ENV_MODULE, HOST_MODULE, LOG_LINE_MAX_BYTES, LOG_LINES_PER_CALL, RENDER_HARD_MAX_BYTES, REQUEST_MAX_BYTES, mib,
} from '../abi.js';
import type { CallRequest, HostAnswer, HostRequest, WorkerCallResult, WorkerInit, WorkerMessage } from './protocol.js';

/** The guest broke a limit: the call ends as a crash with this message. */
class LimitError extends Error {}

const PLUGIN_ERROR = 'Plugin-originated error: ';
const init = workerData as WorkerInit & { hostPort: MessagePort };
const port = parentPort!;
const flag = new Int32Array(init.flag);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

const post = (m: WorkerMessage, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);

function cut(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  return bytes.byteLength <= maxBytes ? text : `${decoder.decode(bytes.subarray(0, maxBytes))}…`;
}

let logLines = 0;
function log(level: 'error' | 'warn' | 'info' | 'debug', args: unknown[]): void {
  logLines++;
  if (logLines > LOG_LINES_PER_CALL) {
    if (logLines === LOG_LINES_PER_CALL + 1) post({ type: 'log', level: 'warn', message: `more than ${LOG_LINES_PER_CALL} log lines in one call; the rest are dropped` });
    return;
  }
  post({ type: 'log', level, message: cut(args.map(String).join(' '), LOG_LINE_MAX_BYTES) });
}

/** What the Extism kernel logs when it refuses a block (`alloc`) or a variable (`var_set`). */
const KERNEL_REFUSAL = /^(var )?memory limit exceeded: \d+ (pages|bytes) requested, \d+ allowed$/;

/** Extism's logger. The kernel reports a refused alloc (or var) only here: that ends the call. */
const logger = {
  ...console,
  error: (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (KERNEL_REFUSAL.test(text)) throw new LimitError(`Extism memory limit exceeded (${cut(text, 200)})`);
    log('error', args);
  },
  warn: (...args: unknown[]) => log('warn', args),
  info: (...args: unknown[]) => log('info', args),
  log: (...args: unknown[]) => log('info', args),
  debug: (...args: unknown[]) => log('debug', args),
  trace: (...args: unknown[]) => log('debug', args),
} as Console;

/** A view of a block (no copy). */
const bytesOf = (cp: CurrentPlugin, offset: bigint): Uint8Array | null => cp.read(offset)?.bytes() ?? null;

/**
 * A kubetile host function: the request is checked against its limit here, before it is copied
 * to the daemon; then this thread waits for the answer (the daemon terminates it if the call's
 * time runs out).
 */
function hostFunction(fn: string): (cp: CurrentPlugin, offset: bigint) => bigint {
  const limit = fn === 'host_send_render' ? RENDER_HARD_MAX_BYTES : REQUEST_MAX_BYTES;
  return (cp, offset) => {
    const request = bytesOf(cp, offset);
    const over = request !== null && request.byteLength > limit;
    // A render is the pane's content: too big is a crash. Other requests are not copied: the
    // daemon hears only their size, answers the error and records it (a write is audited).
    if (over && fn === 'host_send_render') throw new LimitError(`${fn}: request of ${mib(request.byteLength)} is over the ${mib(limit)} limit`);
    Atomics.store(flag, 0, 0);
    const msg: HostRequest = over ? { fn, request: null, oversize: request.byteLength } : { fn, request: request ? request.slice() : null };
    init.hostPort.postMessage(msg);
    while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
    const answer = receiveMessageOnPort(init.hostPort)?.message as HostAnswer | undefined;
    if (!answer || typeof answer.response !== 'string') throw new Error(`${fn}: no answer from the host`);
    return cp.store(answer.response);
  };
}

let plugin: Plugin;

async function start(): Promise<void> {
  const kubetile: Record<string, (cp: CurrentPlugin, offset: bigint) => bigint> = {};
  for (const fn of init.hostFunctions) kubetile[fn] = hostFunction(fn);
  plugin = await createPlugin(
    { wasm: [{ module: init.module }] },
    {
      useWasi: false,
      runInWorker: false,
      functions: {
        [HOST_MODULE]: kubetile,
        // Overrides the kernel's alloc: a block over the limit is refused before it is made
        // (the kernel would make it, keep it, and only then return 0).
        [EXTISM_ENV_MODULE]: {
          alloc: (cp: CurrentPlugin, size: bigint) => {
            const n = Number(size);
            if (n > init.kernelBytes) throw new LimitError(`alloc of ${mib(n)} is over the Extism memory limit of ${mib(init.kernelBytes)}`);
            return cp.alloc(size);
          },
        },
      },
      config: init.config,
      logger,
      logLevel: 'warn',
      enableWasiOutput: false,
      memory: { maxPages: Math.ceil(init.kernelBytes / 65536), maxVarBytes: init.maxVarBytes },
    },
  );
}

async function call(req: CallRequest): Promise<WorkerCallResult> {
  logLines = 0;
  try {
    const out = (await plugin.call(req.fn, req.input))?.bytes();
    if (!out || out.byteLength === 0) return { ok: true, output: null };
    if (out.byteLength > req.maxOutput) return { ok: false, kind: 'oversize', size: out.byteLength };
    return { ok: true, output: out.slice() };
  } catch (err) {
    if (err instanceof LimitError) return { ok: false, kind: 'limit', message: err.message };
    const msg = err instanceof Error ? err.message : String(err);
    if (msg.startsWith(PLUGIN_ERROR)) return { ok: false, kind: 'plugin-error', message: cut(msg.slice(PLUGIN_ERROR.length).trim(), ERROR_MAX_BYTES) || 'error' };
    return { ok: false, kind: 'trap', message: cut(msg, ERROR_MAX_BYTES) };
  }
}

port.on('message', (m: CallRequest) => {
  if (m?.type !== 'call') return;
  void call(m).then((result) => post({ type: 'result', id: m.id, result }, result.ok && result.output ? [result.output.buffer as ArrayBuffer] : undefined));
});

start().then(
  () => post({ type: 'ready' }),
  (err: unknown) => post({ type: 'start-failed', message: cut(err instanceof Error ? err.message : String(err), ERROR_MAX_BYTES) }),
);
