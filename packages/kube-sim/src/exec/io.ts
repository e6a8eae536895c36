/** What a simulated command sees: output, input, a tty flag and a cancel signal. */
import type { FakeFs, PodIdentity } from './fake-fs.js';

export interface InputSource {
  /** The next chunk (a line in tty mode), or null at end of input. */
  read(): Promise<Buffer | null>;
  /** Puts bytes read too far back at the front (`read` takes one line of a chunk). */
  unshift?(data: Buffer): void;
}

export interface ExecIO {
  readonly tty: boolean;
  out(data: string | Buffer): void;
  err(data: string | Buffer): void;
  readonly stdin: InputSource;
  /** Aborted when the client goes away or presses ^C (tty). */
  readonly signal: AbortSignal;
  /**
   * Resolves once the output written so far has mostly left for the client: a program that writes
   * without end (`yes`) waits on it, so a slow client holds it back instead of filling memory.
   * Absent when the output is captured (a pipe, a redirect).
   */
  drain?(): Promise<void>;
}

export interface ShellState {
  cwd: string;
  env: Record<string, string>;
  lastExit: number;
  readonly fs: FakeFs;
  readonly pod: PodIdentity;
  /** Set by `exit`: the shell stops with this code. */
  exitCode?: number;
  /** Aborts the interactive shell's foreground command (^C in a tty). */
  interrupt?: (() => void) | undefined;
  /** The terminal size the client last sent on the resize channel (tty sessions), for `stty size`. */
  size?: { cols: number; rows: number };
  /** `sh -c SCRIPT NAME ARG…`: $0 is NAME, $1… the ARGs. */
  args?: string[];
  /** Stdin messages the session has received so far (see StdinReader.messages). */
  stdinMessages?: () => number;
  /** Programs of this pod's container beyond the built-ins (opt-in host programs, see host-programs.ts). */
  programs?: Readonly<Record<string, (args: string[], io: ExecIO, sh: ShellState) => Promise<number>>>;
}

export async function readAll(src: InputSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let c = await src.read(); c; c = await src.read()) parts.push(c);
  return Buffer.concat(parts);
}

/** An input that yields one buffer, then EOF (the read end of a pipe). */
export function bufferInput(buf: Buffer): InputSource {
  let rest: Buffer | null = buf.length > 0 ? buf : null;
  return {
    read: () => {
      const b = rest;
      rest = null;
      return Promise.resolve(b);
    },
    unshift: (data) => {
      if (data.length > 0) rest = rest ? Buffer.concat([data, rest]) : data;
    },
  };
}

/** Resolves after `ms`, or early (false) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Races a read against the signal: null when aborted. */
export async function readOrAbort(src: InputSource, signal: AbortSignal): Promise<Buffer | null> {
  if (signal.aborted) return null;
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    src.read().then((b) => {
      signal.removeEventListener('abort', onAbort);
      resolve(signal.aborted ? null : b);
    }, () => resolve(null));
  });
}
