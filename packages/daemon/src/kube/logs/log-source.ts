import type { KubeConfig } from '../kubeconfig.js';
import type { Logger } from '../../logging/logger.js';
import { KubeApiError } from '../api-error.js';
import { Backoff } from '../backoff.js';
import { nextInstance, podReplaced, whyEnded, type EndedInstance } from './container-end.js';
import { LineRing, lineCost } from './line-ring.js';
import { formatSecond, type LogLine, type LogOrigin } from './log-line.js';
import { readLog, type LogRead, type ReadEnd } from './log-read.js';
import { classify, type LogHistory, type LogTarget, type ReadStart } from './log-request.js';
import { SeamFilter, SeamTracker } from './seam-filter.js';
import { isFinal, type SourceState } from './source-state.js';

/** What a subscriber (a pane) hears from a stream: batches of lines in order, and state changes. */
export interface LogSubscriber {
  lines(lines: readonly LogLine[]): void;
  state(state: SourceState): void;
  /** The line waiting for its newline changed (read it with LogSource.partial()). */
  partial?(): void;
}

export interface SourceLimits {
  /** Recent lines kept for panes that join later (the `tail_lines` they ask for). */
  ringLines: number;
  ringBytes: number;
  /** Bound on a backfill (history a joining pane asks for beyond the ring), and on lines queued meanwhile. */
  backfillLines: number;
  backfillBytes: number;
}

export interface SourceOptions {
  kc: KubeConfig;
  target: LogTarget;
  /** The pod's uid when known: a new pod that took the name ends this stream. */
  uid: string | undefined;
  /** What the first subscriber asked for (the stream starts with it). */
  history: LogHistory;
  limits: SourceLimits;
  track: () => () => void;
  logger: Logger;
}

/** How often a terminated container's pod is asked whether it runs again: 1 s, growing to 5 s. */
const RESTART_POLL_MS = 1000;
const RESTART_POLL_MAX_MS = 5000;

/** A stream quiet this long is re-opened from its last line (a dead peer the kernel has not noticed). */
const IDLE_REFRESH_MS = 5 * 60_000;

interface Entry {
  /** Lines queued while this subscriber's backfill runs; null once it is live. */
  pending: LogLine[] | null;
  pendingBytes: number;
  backfill: LogRead | null;
}

/**
 * One container's log stream, shared by every pane that shows it: reads the history the first
 * subscriber asked for, then follows. A dropped stream (network, server restart, 5xx) is resumed
 * with backoff from the last line's second and the lines already seen are dropped at the seam, so
 * nothing is lost or repeated. When the server ends the stream, the pod is asked why: a deleted pod
 * or a container that terminated for good ends the stream; a container its pod will run again is
 * followed into its next run; anything else resumes. Keeps the newest lines in a
 * bounded ring for panes that join later; one that wants more history gets a one-off backfill
 * joined to the live lines at the same kind of seam.
 */
export class LogSource {
  readonly origin: LogOrigin;
  state: SourceState = { phase: 'connecting' };
  private readonly ring: LineRing;
  private readonly seam = new SeamTracker();
  private readonly subs = new Map<LogSubscriber, Entry>();
  private read: LogRead | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly backoff = new Backoff(500, 10_000);
  private attempt = 0;
  private stopped = false;
  private refreshing = false;
  private receivedAny = false;
  private firstOpenAt = 0;
  private lastDataAt = 0;
  /** Lines received (after seam dedupe), for status and tests. */
  received = 0;
  /** The current read's line waiting for its newline, when it is one to show (see `partial`). */
  private partialOf: (() => LogLine | null) | null = null;

  constructor(private readonly o: SourceOptions) {
    this.origin = { pod: o.target.pod, container: o.target.container };
    this.ring = new LineRing(o.limits.ringLines, o.limits.ringBytes);
    this.idleTimer = setInterval(() => this.checkIdle(), 60_000);
    this.idleTimer.unref();
  }

  get target(): LogTarget {
    return this.o.target;
  }

  get uid(): string | undefined {
    return this.o.uid;
  }

  get subscribers(): number {
    return this.subs.size;
  }

  /** Bounds the ring of recent lines kept for panes that join later (at most `limits.ringBytes`). */
  setRingBytes(n: number): void {
    if (!this.stopped) this.ring.setMaxBytes(Math.min(n, this.o.limits.ringBytes));
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.idleTimer);
    this.read?.abort();
    this.read = null;
    for (const e of this.subs.values()) e.backfill?.abort();
    this.subs.clear();
    this.ring.clear();
  }

  /** Adds a pane: it gets the history it asks for (from the ring, or a backfill), then every new line. */
  subscribe(sub: LogSubscriber, history: LogHistory): () => void {
    const entry: Entry = { pending: null, pendingBytes: 0, backfill: null };
    this.subs.set(sub, entry);
    sub.state(this.state);
    if (this.covers(history)) {
      const snap = this.snapshot(history);
      if (snap.length) sub.lines(snap);
    } else {
      entry.pending = this.ring.toArray();
      entry.pendingBytes = this.ring.bytes;
      void this.runBackfill(sub, entry, history);
    }
    return () => {
      entry.backfill?.abort();
      this.subs.delete(sub);
    };
  }

  /**
   * The line the stream is in the middle of (a progress bar drawn with `\r`, no newline yet), to
   * show after the stream's lines until it is complete; null when there is none to show.
   */
  partial(): LogLine | null {
    return this.stopped ? null : (this.partialOf?.() ?? null);
  }

  // ---- history for subscribers ----------------------------------------------------------------

  /** Whether the ring holds everything `h` asks for. */
  private covers(h: LogHistory): boolean {
    const initial = this.o.history;
    const trimmed = this.ring.dropped > 0;
    if ('tail' in h && this.ring.length >= h.tail) return true;
    if (trimmed) {
      const first = this.ring.first();
      return 'sinceSeconds' in h && first !== undefined && first.sec * 1000 <= Date.now() - h.sinceSeconds * 1000;
    }
    // Untrimmed: the ring is everything the initial read returned and all since.
    if ('all' in initial) return true;
    if ('all' in h) return false;
    if ('tail' in h) return 'tail' in initial && initial.tail >= h.tail;
    return 'sinceSeconds' in initial && initial.sinceSeconds >= h.sinceSeconds;
  }

  private snapshot(h: LogHistory): LogLine[] {
    if ('tail' in h) return this.ring.toArray(this.ring.length - h.tail);
    if ('all' in h) return this.ring.toArray();
    const since = Math.floor(Date.now() / 1000) - h.sinceSeconds;
    const all = this.ring.toArray();
    let i = 0;
    while (i < all.length && all[i]!.sec < since) i++;
    return i ? all.slice(i) : all;
  }

  private async runBackfill(sub: LogSubscriber, entry: Entry, history: LogHistory): Promise<void> {
    const got = new LineRing(this.o.limits.backfillLines, this.o.limits.backfillBytes);
    const read = readLog({
      kc: this.o.kc,
      target: this.o.target,
      start: { history },
      follow: false,
      origin: this.origin,
      onLines: (ls) => {
        for (const l of ls) got.push(l);
      },
      track: this.o.track,
    });
    entry.backfill = read;
    const end = await read.done;
    entry.backfill = null;
    if (this.stopped || this.subs.get(sub) !== entry) return;
    if (end.kind === 'failed') this.o.logger.warn({ target: this.o.target, err: String((end.error as Error)?.message ?? end.error) }, 'log backfill failed');
    const out = got.toArray();
    const tracker = new SeamTracker();
    for (const l of out) tracker.see(l.sec, l.nano);
    const seam = tracker.mark ? new SeamFilter(tracker.mark, tracker.newest ?? undefined) : null;
    for (const l of entry.pending ?? []) if (!seam || seam.accept(l.sec, l.nano)) out.push(l);
    entry.pending = null;
    entry.pendingBytes = 0;
    if (out.length) this.safe(() => sub.lines(out));
  }

  // ---- the stream ---------------------------------------------------------------------------

  private where(): ReadStart {
    const mark = this.seam.mark;
    if (mark) return { sinceTime: formatSecond(mark.sec) };
    const h = this.o.history;
    // Nothing seen yet: the first read again, unless it asked for no history (then from when it opened).
    if ('tail' in h && h.tail === 0 && this.firstOpenAt) return { sinceTime: formatSecond(Math.floor(this.firstOpenAt / 1000)) };
    return { history: h };
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped) return;
    const mark = this.seam.mark;
    const seam = mark ? new SeamFilter({ ...mark }, this.seam.newest ?? undefined) : null;
    const follow = !this.o.target.previous;
    // A resume may be answered by a new pod that took the name (the old one deleted meanwhile): its
    // first lines wait (the body paused) until the pod, asked after the answer, is still ours.
    const uid = this.o.uid;
    let check: Promise<boolean> | null = null;
    let verified = uid === undefined || !(this.firstOpenAt > 0 || this.attempt > 0);
    const onLines = (ls: LogLine[]): void | Promise<void> => {
      if (verified) return this.deliver(ls, seam);
      check ??= this.stillOurs(read, uid!);
      return check.then((ours) => {
        verified = ours;
        if (ours && this.read === read) this.deliver(ls, seam);
      });
    };
    const read: LogRead = readLog({
      kc: this.o.kc,
      target: this.o.target,
      start: this.where(),
      follow,
      origin: this.origin,
      onLines,
      onOpen: () => {
        this.lastDataAt = Date.now();
        this.firstOpenAt ||= this.lastDataAt;
        this.setState({ phase: follow ? 'following' : 'reading' });
      },
      onPartial: () => {
        if (this.read !== read || this.stopped) return;
        this.lastDataAt = Date.now();
        for (const [sub, e] of this.subs) if (!e.pending) this.safe(() => sub.partial?.());
      },
      track: this.o.track,
    });
    this.read = read;
    // Not before the pod is known to be ours, nor a line a resume reads again (the seam drops it when complete).
    this.partialOf = () => {
      if (this.read !== read || !verified) return null;
      const p = read.partial();
      return p && (!seam || seam.peek(p.sec, p.nano)) ? p : null;
    };
    void read.done.then((end) => {
      if (this.read === read) this.read = null;
      void this.onEnd(end);
    });
  }

  /** False (and the stream ended, saying why) when the pod is no longer the one with `uid`. */
  private async stillOurs(read: LogRead, uid: string): Promise<boolean> {
    const replaced = await podReplaced(this.o.kc, this.o.target, uid);
    if (this.stopped || this.read !== read) return false;
    if (replaced === null) return true;
    this.read = null;
    read.abort();
    this.setState({ phase: 'ended', reason: replaced });
    return false;
  }

  private deliver(lines: LogLine[], seam: SeamFilter | null): void {
    if (this.stopped) return;
    let out = lines;
    if (seam && !seam.done) out = lines.filter((l) => seam.accept(l.sec, l.nano));
    if (out.length === 0) return;
    this.lastDataAt = Date.now();
    // A resume that delivers lines worked: the next failure starts the backoff over, so a server
    // that cuts streams now and then is never answered with long waits (and a log rotated away).
    this.backoff.reset();
    this.attempt = 0;
    this.seam.seeAll(out);
    this.ring.pushAll(out);
    this.receivedAny = true;
    this.received += out.length;
    for (const [sub, e] of this.subs) {
      if (e.pending) {
        for (const l of out) {
          e.pending.push(l);
          e.pendingBytes += lineCost(l);
        }
        while (e.pending.length > this.o.limits.backfillLines || e.pendingBytes > this.o.limits.backfillBytes) e.pendingBytes -= lineCost(e.pending.shift()!);
      } else this.safe(() => sub.lines(out));
    }
  }

  private async onEnd(end: ReadEnd): Promise<void> {
    if (this.stopped) return;
    if (end.kind === 'aborted') {
      if (this.refreshing) {
        this.refreshing = false;
        this.connect();
      }
      return;
    }
    if (end.kind === 'eof') {
      if (this.o.target.previous) return this.setState({ phase: 'ended', reason: this.receivedAny ? "end of the previous container's log" : "the previous container's log is empty" });
      const verdict = await whyEnded(this.o.kc, this.o.target, this.o.uid);
      if (this.stopped) return;
      if (verdict.over && verdict.restarts) return this.awaitRestart(verdict.reason, verdict.restarts);
      if (verdict.over) return this.setState({ phase: 'ended', reason: verdict.reason });
      if (verdict.waiting) return this.retry('waiting', verdict.waiting);
      return this.retry('reconnecting', 'the API server ended the stream');
    }
    if (end.kind === 'cut') return this.retry('reconnecting', end.message);
    const f = classify(end.error);
    if (f.kind === 'retry') return this.retry('reconnecting', f.message);
    if (f.kind === 'waiting') return this.retry('waiting', f.message);
    // Refused for good. A pod that vanished mid-stream ends it rather than erring.
    if (this.receivedAny && end.error instanceof KubeApiError && end.error.status === 404) return this.setState({ phase: 'ended', reason: 'pod deleted' });
    this.setState({ phase: 'error', message: f.message });
  }

  /**
   * The container terminated and its pod will run it again (CrashLoopBackOff, a liveness kill, an
   * OOM): the pod is asked now and then (1 s, growing to 5 s) until the next run has started, whose
   * log is then followed from the last line seen (kubectl logs -f would have ended here; k9s and
   * KubeTile follow the restart). Ends when the pod is deleted or will not run it again.
   */
  private awaitRestart(reason: string, ended: EndedInstance): void {
    this.setState({ phase: 'restarting', reason });
    const wait = new Backoff(RESTART_POLL_MS, RESTART_POLL_MAX_MS);
    const poll = async (): Promise<void> => {
      this.timer = null;
      if (this.stopped) return;
      const next = await nextInstance(this.o.kc, this.o.target, this.o.uid, ended);
      if (this.stopped || this.state.phase !== 'restarting') return;
      if (next.kind === 'over') return this.setState({ phase: 'ended', reason: next.reason });
      if (next.kind === 'started') {
        this.attempt = 0;
        this.backoff.reset();
        return this.connect();
      }
      this.timer = setTimeout(() => void poll(), wait.next());
      this.timer.unref();
    };
    this.timer = setTimeout(() => void poll(), wait.next());
    this.timer.unref();
  }

  private retry(phase: 'reconnecting' | 'waiting', reason: string): void {
    this.attempt++;
    this.setState({ phase, attempt: this.attempt, reason });
    const delay = this.backoff.next();
    this.o.logger.debug({ target: this.o.target, attempt: this.attempt, delay, reason }, 'log stream retry');
    this.timer = setTimeout(() => this.connect(), delay);
    this.timer.unref();
  }

  private checkIdle(): void {
    if (this.stopped || this.state.phase !== 'following' || !this.read) return;
    if (Date.now() - this.lastDataAt < IDLE_REFRESH_MS) return;
    // Quietly re-open from the last line: a half-open connection would otherwise wait for TCP keepalive.
    this.refreshing = true;
    this.read.abort();
  }

  private setState(s: SourceState): void {
    this.state = s;
    for (const sub of this.subs.keys()) this.safe(() => sub.state(s));
    if (isFinal(s)) clearInterval(this.idleTimer);
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.o.logger.error({ target: this.o.target, err: String(err) }, 'log subscriber failed');
    }
  }

  /** Ended or failed for good. */
  get final(): boolean {
    return isFinal(this.state);
  }
}

