import { forTerminal } from '../util/text.js';

/** Where a command writes; the real process streams by default, buffers in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Bytes written to `out` that the reader has not taken yet (streams pause above a bound). */
  outBacklog?(): number;
  /** Calls `cb` once the reader has taken what was queued. */
  onOutDrain?(cb: () => void): void;
}

/** Exit status after the reader of our output went away (what a tool killed by SIGPIPE reports). */
export const EXIT_BROKEN_PIPE = 141;

type Stream = NodeJS.WriteStream;
const lastWrite = new Map<Stream, Promise<void>>();

/**
 * A write to stdout or stderr failed. The reader went away (EPIPE: `| head`): leave quietly, with
 * the SIGPIPE status. Anything else (a full disk): say so in one line and exit 1; the output is
 * incomplete, so success must not be reported.
 */
function outputFailed(stream: Stream, err: NodeJS.ErrnoException): never {
  if (err.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
  if (stream === process.stdout) {
    try {
      process.stderr.write(`kubetile: cannot write the output: ${err.message}\n`);
    } catch {
      /* stderr is gone too */
    }
  }
  process.exit(1);
}

function write(stream: Stream, text: string): void {
  lastWrite.set(
    stream,
    new Promise<void>((resolve) => {
      stream.write(text, (err) => {
        if (err) outputFailed(stream, err);
        resolve();
      });
    }),
  );
}

let guarded = false;
/** Output errors end the process as `outputFailed` says, instead of an uncaught 'error' event. */
function guardOutput(): void {
  if (guarded) return;
  guarded = true;
  for (const s of [process.stdout, process.stderr]) s.on('error', (err: NodeJS.ErrnoException) => outputFailed(s, err));
}

/**
 * What a command prints comes from the daemon, and through it from the cluster, plugins and the
 * user's files: on a terminal it goes without escape sequences or control characters (an Event
 * whose message held `ESC]52;…` set the clipboard, `ESC]0;…` the title). Into a pipe or a file it
 * goes exactly as it is (JSON output escapes its controls anyway).
 */
const shown = (stream: Stream, t: string): string => (stream.isTTY ? forTerminal(t) : t);

export const processIo: Io = {
  out: (t) => {
    guardOutput();
    write(process.stdout, shown(process.stdout, t));
  },
  err: (t) => {
    guardOutput();
    write(process.stderr, shown(process.stderr, t));
  },
  env: process.env,
  outBacklog: () => process.stdout.writableLength,
  onOutDrain: (cb) => void process.stdout.once('drain', cb),
};

/**
 * Resolves once everything written through `processIo` has been handed to the OS. A pipe whose
 * reader is slow keeps our output queued in the process: exiting before this loses it.
 */
export async function outputFlushed(): Promise<void> {
  guardOutput();
  await Promise.all(lastWrite.values());
}
