import { oneAtATime, oneShotWorker } from '../util/one-shot-worker.js';
import { keymapFor, parseConfig, type ConfigProblem, type LoadedConfig } from './load.js';
import type { Config } from './schema.js';

/** Sources up to this size parse on the main thread (well under a frame); bigger ones in a worker. */
export const INLINE_PARSE_BYTES = 16 * 1024;
const WORKER_DEADLINE_MS = 15_000;

/**
 * Parses a config source without holding up the daemon: a big file (up to the 1 MiB limit can take
 * a second of TOML parsing and validation) is parsed in a worker thread, so other clients keep
 * being answered; the main thread then only builds the keymap of a valid result.
 */
export function parseConfigSource(file: string, source: string): Promise<LoadedConfig> {
  // In the order of the calls: a big file read first parses in a worker for up to seconds, and a
  // small one written and read after it (an editor's second save, a script's fix) parsed inline and
  // was applied first — then the older, bigger one was applied over it and stayed in force.
  return inOrder(() => parseNow(file, source));
}

const inOrder = oneAtATime();

async function parseNow(file: string, source: string): Promise<LoadedConfig> {
  if (Buffer.byteLength(source) <= INLINE_PARSE_BYTES) return parseConfig(file, source);
  const r = await oneShotWorker<{ config: Config | null; problems: ConfigProblem[] }>(new URL('./parse-worker.js', import.meta.url), { file, source }, {
    deadlineMs: WORKER_DEADLINE_MS,
    failed: (why) => ({
      config: null,
      problems: [
        {
          file,
          message:
            why.kind === 'deadline'
              ? `parsing took longer than ${WORKER_DEADLINE_MS / 1000} s; the last good config stays`
              : `cannot parse: ${why.kind === 'error' ? why.message : why.kind === 'exit' ? `the parser stopped (exit ${why.code})` : 'out of memory'}`,
          severity: 'error',
        },
      ],
    }),
  });
  return r.config ? { config: r.config, keymap: keymapFor(r.config), problems: r.problems } : { config: null, keymap: null, problems: r.problems };
}
