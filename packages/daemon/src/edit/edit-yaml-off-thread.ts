import { oneAtATime, oneShotWorker } from '../util/one-shot-worker.js';
import { parseEditYaml, type ParsedEdit } from './edit-yaml.js';

/** Texts up to this long are read on the main thread (well under a frame); longer ones in a worker. */
export const INLINE_PARSE_CHARS = 16 * 1024;
const DEADLINE_MS = 15_000;
/** A worker's heap: a hostile text that needs more ends the worker, not the daemon. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };

const queue = oneAtATime();

/**
 * Reads an edit's YAML without holding up the daemon: the YAML parser takes seconds and hundreds
 * of MB on some texts an edit may carry (600k stray `]`, a tab-indented file), so a long text is
 * read in a worker thread with a bounded heap and a deadline, one at a time.
 */
export function parseEditYamlOffThread(text: string): Promise<ParsedEdit> {
  if (text.length <= INLINE_PARSE_CHARS) return Promise.resolve(parseEditYaml(text));
  return queue(() =>
    oneShotWorker<ParsedEdit>(new URL('./edit-yaml-worker.js', import.meta.url), { text }, {
      deadlineMs: DEADLINE_MS,
      resourceLimits: RESOURCE_LIMITS,
      failed: (why) => {
        const said =
          why.kind === 'deadline'
            ? `reading it took longer than ${DEADLINE_MS / 1000} s`
            : why.kind === 'out-of-memory'
              ? `it needs more than the ${RESOURCE_LIMITS.maxOldGenerationSizeMb} MB an edit may use`
              : why.kind === 'error'
                ? why.message
                : `the reader stopped (exit ${why.code})`;
        return { kind: 'invalid', errors: [`the YAML could not be read: ${said}`] };
      },
    }),
  );
}
