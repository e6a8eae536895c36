/**
 * What the daemon and a plugin worker say to each other. The worker runs one Extism plugin in
 * the foreground of its own thread; only bounded bytes cross: a call's input, its output (at most
 * the caller's limit, else just its size), a host function's request (checked against its limit
 * in the worker, before it is copied) and answer, and cut log lines. The guest's Extism blocks
 * and memory never leave the worker.
 */
import type { WasmModule } from '../wasm-api.js';

/** Given to the worker at start (workerData). */
export interface WorkerInit {
  module: WasmModule;
  /** Import names of the kubetile host functions this instance is granted. */
  hostFunctions: string[];
  /** Extism config_get strings. */
  config: Record<string, string>;
  /** Kernel-block limit in bytes: an alloc past it ends the call as a crash. */
  kernelBytes: number;
  maxVarBytes: number;
  /** Int32Array(1) over it: the worker waits on index 0 for each host answer. */
  flag: SharedArrayBuffer;
  /** The worker's end of the host-call channel. */
  hostPort: MessagePortLike;
}

/** Structural stand-in for worker_threads' MessagePort (it is transferred, never used here). */
export interface MessagePortLike {
  postMessage(value: unknown): void;
}

export interface CallRequest {
  type: 'call';
  id: number;
  fn: string;
  input: string;
  /** Output bigger than this is not sent: the result says its size instead. */
  maxOutput: number;
}

export type WorkerCallResult =
  | { ok: true; output: Uint8Array | null }
  | { ok: false; kind: 'plugin-error' | 'trap' | 'limit'; message: string }
  | { ok: false; kind: 'oversize'; size: number };

/** Worker → daemon, on the worker's parentPort. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'start-failed'; message: string }
  | { type: 'result'; id: number; result: WorkerCallResult }
  | { type: 'log'; level: 'error' | 'warn' | 'info' | 'debug'; message: string };

/** Worker → daemon on the host port: a granted host function was called with this request. */
export interface HostRequest {
  fn: string;
  request: Uint8Array | null;
  /** The request was over its limit and not copied (request is null): its size in bytes. */
  oversize?: number;
}

/** Daemon → worker on the host port, before the flag is raised. */
export interface HostAnswer {
  response: string;
}
