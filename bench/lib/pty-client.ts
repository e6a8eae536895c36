import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { IPty } from 'node-pty';
import { CLIENT_MAIN, REPO_ROOT } from '../../test/helpers/daemon-process.js';
import { loadPty, ptyMissingReason } from '../../test/helpers/pty-module.js';
import { profArgs } from './options.js';

/** The end of a synchronized-output block: the client writes every painted frame between `?2026h` and this. */
export const SYNC_END = '\x1b[?2026l';

export const ptyMissing = ptyMissingReason;

/** The screen as the terminal shows it after a frame. */
export interface Screen {
  /** One string per row (right-trimmed). */
  readonly lines: readonly string[];
  /** Rows drawn with a background between the top and bottom line (a table's header, the selected row). */
  readonly highlighted: readonly string[];
  has(text: string): boolean;
  /** Whether a highlighted row (the selection) shows `text`. */
  selected(text: string): boolean;
}

function makeScreen(lines: string[], highlighted: string[]): Screen {
  return {
    lines,
    highlighted,
    has: (text) => lines.some((l) => l.includes(text)),
    selected: (text) => highlighted.some((l) => l.includes(text)),
  };
}

export interface FrameSeen {
  /** performance.now() when the bytes ending the frame came out of the pty (stamped on the main thread). */
  at: number;
  /** 1-based count of frames this client has painted. */
  seq: number;
  screen: Screen;
}

interface Waiter {
  pred: (s: Screen) => boolean;
  /** Frames that came out of the pty before this time are not an answer. */
  after: number;
  resolve: (f: FrameSeen) => void;
}

interface FrameMessage {
  id: number;
  frame: number;
  lines: string[];
  highlighted: string[];
}

/** One worker thread emulates every client's terminal (@xterm/headless), so parsing never delays a timestamp or a key. */
class TermHost {
  private static instance: TermHost | null = null;
  private readonly worker: Worker;
  private readonly clients = new Map<number, PtyClient>();
  private nextId = 1;

  private constructor() {
    this.worker = new Worker(new URL('./term-worker.mjs', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (m: FrameMessage) => this.clients.get(m.id)?.onScreen(m.frame, makeScreen(m.lines, m.highlighted)));
    this.worker.on('error', (err) => process.stderr.write(`terminal worker: ${String(err)}\n`));
  }

  static get(): TermHost {
    return (TermHost.instance ??= new TermHost());
  }

  open(c: PtyClient, cols: number, rows: number): number {
    const id = this.nextId++;
    this.clients.set(id, c);
    this.worker.postMessage({ op: 'open', id, cols, rows });
    return id;
  }

  data(id: number, data: string, frame: boolean): void {
    this.worker.postMessage({ op: 'data', id, data, frame });
  }

  close(id: number): void {
    this.clients.delete(id);
    this.worker.postMessage({ op: 'close', id });
  }
}

/**
 * A real `kubetile` client (`node packages/client-tui/dist/main.js --socket …`) in a pseudo-terminal
 * of a given size. A frame is the bytes up to `\x1b[?2026l`, stamped with the time they came out of
 * the pty; the screen after it is what a terminal emulator (@xterm/headless) shows.
 */
export class PtyClient {
  /** Frames whose screen has been read. */
  frames = 0;
  /** Frames that came out of the pty (stamped), parsed or not yet. */
  arrived = 0;
  /** Arrival times of every frame while `recording` is on. */
  readonly frameTimes: number[] = [];
  recording = false;
  readonly exited: Promise<number>;
  private readonly arrivals = new Map<number, number>();
  private readonly id: number;
  private waiters: Waiter[] = [];
  private tail = '';
  private exitCode: number | null = null;
  private output = 0;
  private last: Screen = makeScreen([], []);
  /** Output kept from the terminal worker while held (see holdScreens), in order. */
  private held: Array<[string, boolean]> | null = null;

  private constructor(
    private readonly pty: IPty,
    readonly cols: number,
    readonly rows: number,
  ) {
    this.id = TermHost.get().open(this, cols, rows);
    pty.onData((chunk) => this.onData(chunk, performance.now()));
    this.exited = new Promise((resolve) =>
      pty.onExit(({ exitCode }) => {
        this.exitCode = exitCode;
        resolve(exitCode);
      }),
    );
  }

  /** Starts `kubetile --socket <socket> …args` in a pty of cols×rows. */
  static spawn(opts: { socket: string; env: NodeJS.ProcessEnv; cols: number; rows: number; args?: string[] }): PtyClient {
    const pty = loadPty();
    if (!pty) throw new Error('node-pty is not installed');
    const p = pty.spawn(process.execPath, [...profArgs(), CLIENT_MAIN, '--socket', opts.socket, ...(opts.args ?? [])], {
      name: 'xterm-256color',
      cols: opts.cols,
      rows: opts.rows,
      cwd: REPO_ROOT,
      env: { ...opts.env, TERM: 'xterm-256color' } as Record<string, string>,
    });
    return new PtyClient(p, opts.cols, opts.rows);
  }

  get pid(): number {
    return this.pty.pid;
  }

  get alive(): boolean {
    return this.exitCode === null;
  }

  /** Characters the client wrote to its terminal so far. */
  get bytes(): number {
    return this.output;
  }

  /** The pty's master file descriptor (for a key sender on another thread: bench/lib/key-sender.ts). */
  get fd(): number {
    const fd = (this.pty as unknown as { fd?: unknown }).fd;
    if (typeof fd !== 'number') throw new Error('node-pty does not expose the master fd');
    return fd;
  }

  /** Types into the terminal (raw bytes: `j`, `G`, `\x1b1` for alt+1, `\x11` for ctrl+q). */
  write(keys: string): void {
    this.pty.write(keys);
  }

  /**
   * Until `releaseScreens`, this client's terminal is not read (the pty is paused: the client's
   * own write waits in the kernel, as it would behind a slow terminal) and what was already read
   * is not handed to the terminal worker. While a key typed here is timed on another client's
   * terminal, the bench's own work is then what it is for the rpc/echo it is compared with
   * (reading and stamping one reply), not that plus reading this client's frame on the
   * real-time main thread and parsing it on a worker thread, both competing for the 2 cores with
   * the client being timed. Its frames are stamped when read, after the release.
   */
  holdScreens(): void {
    if (this.held) return;
    this.held = [];
    this.pty.pause();
  }

  /** Reads this terminal again and hands what was held to the terminal worker (its screens follow, in order). */
  releaseScreens(): void {
    const held = this.held;
    this.held = null;
    if (!held) return;
    this.pty.resume();
    const host = TermHost.get();
    for (const [data, frame] of held) host.data(this.id, data, frame);
  }

  /** The screen after the last frame read. */
  screen(): Screen {
    return this.last;
  }

  text(): string {
    return this.last.lines.join('\n');
  }

  /**
   * The first frame that came out of the pty at or after `after` (default: now) whose screen
   * satisfies `pred`; with `current`, the screen as it is already counts (stamped now). Rejects
   * after `timeoutMs` with the last screen.
   */
  waitFrame(label: string, pred: (s: Screen) => boolean, timeoutMs = 30_000, current = false, after = performance.now()): Promise<FrameSeen> {
    if (current && pred(this.last)) return Promise.resolve({ at: performance.now(), seq: this.frames, screen: this.last });
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        pred,
        after,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label} (client ${this.alive ? 'running' : `exited ${this.exitCode}`}); screen:\n${this.text()}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  async kill(): Promise<void> {
    if (this.alive) {
      try {
        this.pty.kill('SIGTERM');
      } catch {
        // already gone
      }
      const t = setTimeout(() => {
        try {
          this.pty.kill('SIGKILL');
        } catch {
          // gone
        }
      }, 3000);
      await this.exited;
      clearTimeout(t);
    }
    TermHost.get().close(this.id);
  }

  private onData(chunk: string, at: number): void {
    this.output += chunk.length;
    let data = this.tail + chunk;
    this.tail = '';
    const host = TermHost.get();
    for (;;) {
      const i = data.indexOf(SYNC_END);
      if (i < 0) break;
      this.arrived++;
      this.arrivals.set(this.arrived, at);
      if (this.recording) this.frameTimes.push(at);
      this.toTerminal(host, data.slice(0, i + SYNC_END.length), true);
      data = data.slice(i + SYNC_END.length);
    }
    // Keep a possible partial SYNC_END for the next chunk.
    for (let k = Math.min(SYNC_END.length - 1, data.length); k > 0; k--) {
      if (SYNC_END.startsWith(data.slice(data.length - k))) {
        this.tail = data.slice(data.length - k);
        data = data.slice(0, data.length - k);
        break;
      }
    }
    if (data) this.toTerminal(host, data, false);
  }

  private toTerminal(host: TermHost, data: string, frame: boolean): void {
    if (this.held) this.held.push([data, frame]);
    else host.data(this.id, data, frame);
  }

  /** The worker read frame `seq`'s screen. */
  onScreen(seq: number, s: Screen): void {
    this.frames = seq;
    this.last = s;
    const at = this.arrivals.get(seq) ?? performance.now();
    this.arrivals.delete(seq);
    if (this.waiters.length === 0) return;
    const left: Waiter[] = [];
    for (const w of this.waiters) {
      if (at >= w.after && w.pred(s)) w.resolve({ at, seq, screen: s });
      else left.push(w);
    }
    this.waiters = left;
  }
}
