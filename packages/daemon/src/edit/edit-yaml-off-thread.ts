import { Worker } from 'node:worker_threads';
import { parseEditYaml, type ParsedEdit } from './edit-yaml.js';

/** Texts up to this long are read on the main thread (well under a frame); longer ones in a worker. */
export const INLINE_PARSE_CHARS = 16 * 1024;
const DEADLINE_MS = 15_000;
/** A worker's heap: a hostile text that needs more ends the worker, not the daemon. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };

/**
 * Reads an edit's YAML without holding up the daemon: the YAML parser takes seconds and hundreds
 * of MB on some texts an edit may carry (600k stray `]`, a tab-indented file), so a long text is
 * read in a worker thread with a bounded heap and a deadline, one at a time.
 */
export function parseEditYamlOffThread(text: string): Promise<ParsedEdit> {
  if (text.length <= INLINE_PARSE_CHARS) return Promise.resolve(parseEditYaml(text));
  const mine = queue.then(() => inWorker(text));
  queue = mine.catch(() => undefined);
  return mine;
}

let queue: Promise<unknown> = Promise.resolve();

function inWorker(text: string): Promise<ParsedEdit> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./edit-yaml-worker.js', import.meta.url), { workerData: { text }, resourceLimits: RESOURCE_LIMITS });
    let settled = false;
    const settle = (r: ParsedEdit): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const fail = (why: string): void => settle({ kind: 'invalid', errors: [`the YAML could not be read: ${why}`] });
    const timer = setTimeout(() => fail(`reading it took longer than ${DEADLINE_MS / 1000} s`), DEADLINE_MS);
    worker.once('message', (m: ParsedEdit) => settle(m));
    worker.once('error', (err: Error & { code?: string }) =>
      fail(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `it needs more than the ${RESOURCE_LIMITS.maxOldGenerationSizeMb} MB an edit may use` : err.message),
    );
    worker.once('exit', (code) => fail(`the reader stopped (exit ${code})`));
  });
}
