import { readRegularFileSync } from '../util/regular-file.js';

/** Kubeconfigs, certificates and tokens are small; anything bigger is a mistake or an attack. */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a file the kubeconfig names without ever blocking (util/regular-file.ts): a regular file of
 * at most `maxBytes`. Throws an Error naming the path and the problem.
 */
export function readRegularFile(path: string, maxBytes = MAX_CONFIG_FILE_BYTES): Buffer {
  const r = readRegularFileSync(path, maxBytes);
  if (r.kind === 'ok') return r.bytes;
  if (r.kind === 'missing') throw new Error(`${path} does not exist`);
  // "not a regular file (a FIFO)", "too big (…)", "not readable (permission denied)", or the system's words.
  throw new Error(/^(not|too) /.test(r.message) ? `${path} is ${r.message}` : `${path}: ${r.message}`);
}
