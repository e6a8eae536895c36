import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { sanitizeLogText } from '../kube/logs/sanitize.js';
import { Signal } from '../util/signal.js';

/** What a run keeps of its output: the newest lines and bytes (older ones go; the pane says how many). */
export interface RunLimits {
  maxLines: number;
  maxBytes: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { maxLines: 10_000, maxBytes: 4 * 1024 * 1024 };
/** A line longer than this is cut (a program writing one endless line cannot grow a line without end). */
const MAX_LINE_CHARS = 8192;
/** After SIGTERM, a process group still there this long gets SIGKILL. */
const KILL_GRACE_MS = 3000;
/**
 * Output read per window, stdout and stderr together; past it the pipes are left unread until the
 * window ends, so a program writing without pause (`yes`) waits on its full pipe instead of costing
 * the daemon a core (measured: `yes` took 38% of a core before; the pane keeps only the newest lines).
 */
export const READ_BUDGET_BYTES = 256 * 1024;
export const READ_WINDOW_MS = 100;

export type RunState =
  | { kind: 'running'; pid: number | null }
  | { kind: 'exited'; code: number }
  | { kind: 'killed'; signal: string }
  | { kind: 'failed'; message: string };

export interface OutputLine {
  text: string;
  stderr: boolean;
}

/** Whether a process `pid` exists (one of another user's too). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why `argv` could not be started, in words (spawn says `spawn E2BIG`). */
function spawnFailure(err: unknown, argv: readonly string[]): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return `command not found: ${argv[0]}`;
  if (code === 'EACCES') return `not executable: ${argv[0]}`;
  if (code === 'E2BIG') {
    const bytes = argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
    const longest = argv.reduce((n, a) => Math.max(n, Buffer.byteLength(a)), 0);
    return `${argv[0]} was not run: its command line is longer than the system allows (${argv.length} args, ${bytes} bytes, the longest ${longest} bytes; Linux takes at most 128 KiB in one arg and about a quarter of the stack limit in all) — run it on fewer objects`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * One run of a declarative command: the program started with its argv (no shell) in its own
 * process group, stdout and stderr read line by line into a bounded buffer, stopped (the whole
 * group) when its pane closes or the daemon stops.
 */
export class CommandRun {
  readonly changed = new Signal();
  readonly lines: OutputLine[] = [];
  /** Lines dropped from the front to stay within the limits. */
  dropped = 0;
  state: RunState = { kind: 'running', pid: null };
  readonly startedAt = Date.now();
  private bytes = 0;
  private child: ChildProcess | null = null;
  private readonly streams: NodeJS.ReadableStream[] = [];
  private windowStart = 0;
  private windowBytes = 0;
  private resumeTimer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  readonly ended: Promise<void>;
  private markEnded!: () => void;

  private started = false;

  /** `start: false`: nothing runs until start() (its pane is opened first: a run no pane shows never starts). */
  constructor(
    readonly argv: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly limits: RunLimits = DEFAULT_RUN_LIMITS,
    opts: { start?: boolean } = {},
  ) {
    this.ended = new Promise((r) => (this.markEnded = r));
    if (opts.start !== false) this.start();
  }

  /** Starts the program (once). */
  start(): void {
    if (this.started) return;
    this.started = true;
    const { argv, env } = this;
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      this.finish({ kind: 'failed', message: spawnFailure(err, argv) });
      return;
    }
    this.child = child;
    this.state = { kind: 'running', pid: child.pid ?? null };
    this.read(child.stdout!, false);
    this.read(child.stderr!, true);
    child.once('error', (err) => this.finish({ kind: 'failed', message: spawnFailure(err, argv) }));
    child.once('close', (code, signal) => {
      if (signal) this.finish({ kind: 'killed', signal });
      else this.finish({ kind: 'exited', code: code ?? 0 });
    });
  }

  /** A run that will not start (its pane could not be opened): ended, failed with `message`. */
  cancel(message: string): void {
    if (this.started) return;
    this.started = true;
    this.finish({ kind: 'failed', message });
  }

  get running(): boolean {
    return this.state.kind === 'running';
  }

  private read(stream: NodeJS.ReadableStream, stderr: boolean): void {
    const decoder = new StringDecoder('utf8');
    let partial = '';
    const take = (text: string, final: boolean): void => {
      const parts = (partial + text).split('\n');
      partial = final ? '' : parts.pop()!;
      for (const p of final ? parts.filter((x, i) => x !== '' || i < parts.length - 1) : parts) this.push(p, stderr);
      if (partial.length > MAX_LINE_CHARS) {
        this.push(partial, stderr);
        partial = '';
      }
      this.changed.emit();
    };
    this.streams.push(stream);
    stream.on('data', (d: Buffer) => {
      take(decoder.write(d), false);
      this.meter(d.length);
    });
    stream.on('end', () => take(decoder.end(), true));
  }

  /** Counts what was read in this window; over the budget, the pipes wait until the window ends. */
  private meter(n: number): void {
    const now = Date.now();
    if (now - this.windowStart >= READ_WINDOW_MS) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    this.windowBytes += n;
    if (this.windowBytes < READ_BUDGET_BYTES || this.resumeTimer) return;
    for (const s of this.streams) s.pause();
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.windowStart = Date.now();
      this.windowBytes = 0;
      for (const s of this.streams) s.resume();
    }, Math.max(1, READ_WINDOW_MS - (now - this.windowStart)));
    this.resumeTimer.unref();
  }

  private push(raw: string, stderr: boolean): void {
    const line = sanitizeLogText(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
    this.lines.push({ text, stderr });
    this.bytes += text.length;
    while (this.lines.length > 1 && (this.lines.length > this.limits.maxLines || this.bytes > this.limits.maxBytes)) {
      this.bytes -= this.lines.shift()!.text.length;
      this.dropped++;
    }
  }

  private finish(state: RunState): void {
    if (this.state.kind !== 'running') return;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
    this.state = state;
    this.changed.emit();
    this.markEnded();
  }

  /**
   * Stops the program and everything it started: SIGTERM to its group, SIGKILL if it lingers. Once
   * the program has exited its group may still hold what it left running (`tool &` with its output
   * elsewhere): signalled too, unless the program's pid is a live process again (reused: another
   * process, whose group is not ours; a group's id is never reused while the group has members).
   */
  stop(signal: NodeJS.Signals = 'SIGTERM'): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    if (!this.running && ((this.state.kind !== 'exited' && this.state.kind !== 'killed') || pidAlive(pid))) return;
    const kill = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pid, sig);
      } catch {
        /* already gone */
      }
    };
    kill(signal);
    if (signal !== 'SIGKILL' && !this.killTimer) {
      this.killTimer = setTimeout(() => {
        this.killTimer = null;
        kill('SIGKILL');
        this.dropPipes();
      }, KILL_GRACE_MS);
      this.killTimer.unref();
    }
  }

  /**
   * The SIGKILL a stop() is still waiting to send to the group, sent now (the daemon is stopping and
   * will not be there when the grace ends): whatever the program started is gone too, even when the
   * program itself exited on SIGTERM and left a child that ignores it.
   */
  killNow(): void {
    const pid = this.child?.pid;
    if (!this.killTimer || pid === undefined) return;
    clearTimeout(this.killTimer);
    this.killTimer = null;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    this.dropPipes();
  }

  /**
   * Stops reading the output of a run its group's SIGKILL ended: what still holds the pipes open (a
   * child that left the group: `setsid`) would keep the run "running" for ever otherwise, counted
   * against the runs allowed at once, with no pane left to close.
   */
  private dropPipes(): void {
    for (const s of this.streams) (s as NodeJS.ReadableStream & { destroy(): void }).destroy();
  }
}
