// Low-level plumbing between the SDK and the Extism kernel / kubetile host.
// Plugin authors do not need anything in this file; it is exported for tests
// and for the rare plugin that wants raw access.

import {
  alloc,
  error_set,
  free,
  input_length,
  input_load_u64,
  input_load_u8,
  length,
  load_u64,
  load_u8,
  log_debug,
  log_error,
  log_info,
  log_warn,
  output_set,
  store_u64,
  store_u8,
} from "@extism/as-pdk/lib/env";

/** Reads the whole call input (raw bytes, usually UTF-8 JSON). */
export function readInput(): Uint8Array {
  const n = <i32>input_length();
  const out = new Uint8Array(n);
  let i = 0;
  for (; i + 8 <= n; i += 8) store<u64>(out.dataStart + <usize>i, input_load_u64(<u64>i));
  for (; i < n; i++) out[i] = input_load_u8(<u64>i);
  return out;
}

/** Reads the whole call input as a UTF-8 string. */
export function readInputString(): string {
  const bytes = readInput();
  return String.UTF8.decodeUnsafe(bytes.dataStart, <usize>bytes.length);
}

/** Copies bytes into a fresh Extism block and returns its offset. */
export function storeBytes(bytes: Uint8Array): u64 {
  const n = bytes.length;
  const off = alloc(<u64>n);
  if (off == 0 && n > 0) return 0; // the host refused the allocation
  let i = 0;
  for (; i + 8 <= n; i += 8) store_u64(off + <u64>i, load<u64>(bytes.dataStart + <usize>i));
  for (; i < n; i++) store_u8(off + <u64>i, bytes[i]);
  return off;
}

/** Copies a string, UTF-8 encoded, into a fresh Extism block. */
export function storeString(s: string): u64 {
  return storeBytes(Uint8Array.wrap(String.UTF8.encode(s)));
}

/** Reads an Extism block (and frees it when `release` is true). */
export function loadBlock(off: u64, release: bool = true): Uint8Array {
  if (off == 0) return new Uint8Array(0);
  const n = <i32>length(off);
  const out = new Uint8Array(n);
  let i = 0;
  for (; i + 8 <= n; i += 8) store<u64>(out.dataStart + <usize>i, load_u64(off + <u64>i));
  for (; i < n; i++) out[i] = load_u8(off + <u64>i);
  if (release) free(off);
  return out;
}

/**
 * Sets the call output. The block is allocated here, at the end of the call,
 * after every host call: in Extism's worker mode a block allocated before a
 * host call and written after it loses the write. UTF-8 safe (unlike as-pdk's
 * Host.outputString, which uses the UTF-16 length as the byte length).
 */
export function writeOutput(s: string): void {
  const bytes = Uint8Array.wrap(String.UTF8.encode(s));
  const off = storeBytes(bytes);
  if (off == 0 && bytes.length > 0) return;
  output_set(off, <u64>bytes.length);
}

/** Sets the call error (the host sees `Plugin-originated error: <message>`). */
export function setCallError(message: string): void {
  const off = storeString(message.length == 0 ? "error" : message);
  if (off != 0) error_set(off);
}

let pendingError: string | null = null;

/**
 * Fails the current hook: after it returns, the SDK reports `message` to the
 * host with `error_set` and a non-zero return code, and drops any output.
 * The plugin keeps running; its state is whatever the hook left behind.
 */
export function fail(message: string): void {
  pendingError = message;
}

/** @hidden Takes the pending error set by `fail` (SDK internal). */
export function takePendingError(): string | null {
  const e = pendingError;
  pendingError = null;
  return e;
}

export enum LogLevel {
  Debug,
  Info,
  Warn,
  Error,
}

/** Writes to the host's plugin log (Extism log_* functions). */
export function log(level: LogLevel, message: string): void {
  const off = storeString(message);
  if (off == 0) return;
  switch (level) {
    case LogLevel.Debug:
      log_debug(off);
      break;
    case LogLevel.Info:
      log_info(off);
      break;
    case LogLevel.Warn:
      log_warn(off);
      break;
    default:
      log_error(off);
  }
}
