import type { KubeConfig } from '../kubeconfig.js';
import type { Logger } from '../../logging/logger.js';
import { KubeApiError } from '../api-error.js';
import { badTarget, targetKey, type LogHistory, type LogTarget } from './log-request.js';
import { LogSource, type LogSubscriber, type SourceLimits } from './log-source.js';

export interface LogSourcesDeps {
  configFor(context: string): KubeConfig;
  /** Counts an open log request (daemon/status `streams.logs`); returns its closer. */
  track(): () => void;
  limits(): SourceLimits;
  logger: Logger;
}

/**
 * What the rings of all streams keep together (each at most `ringBytes`, at least RING_MIN): a
 * ring each of its own size, a Deployment of 60 chatty pods kept 126 MB the pane had dropped long
 * ago (its buffer is bounded by max_bytes); 500 pods, a gigabyte. A ring only spares a pane that
 * joins later a request for the history: one that wants more than a ring has gets it from the API.
 */
const RINGS_TOTAL = 16 * 1024 * 1024;
const RING_MIN = 64 * 1024;

export interface LogSubscription {
  readonly source: LogSource;
  /** Leaves the stream; the last one to leave closes it. Idempotent. */
  release(): void;
}

/**
 * The daemon's log streams: at most one live stream per (context, namespace, pod, container,
 * previous), shared by every subscriber and closed when the last one leaves. A stream that ended
 * (or belongs to an older pod of the same name) is retired for new subscribers, who get a fresh
 * one; its current subscribers keep it until they leave.
 */
export class LogSources {
  private readonly live = new Map<string, LogSource>();
  private readonly all = new Set<LogSource>();

  constructor(private readonly deps: LogSourcesDeps) {}

  /** Throws (a readable message) when the target cannot be asked for: a bad name, an unknown context. */
  subscribe(target: LogTarget, uid: string | undefined, history: LogHistory, sub: LogSubscriber): LogSubscription {
    const bad = badTarget(target);
    if (bad) throw new KubeApiError(bad, 0, 'Invalid');
    const key = targetKey(target);
    let s = this.live.get(key);
    if (s && (s.final || (uid !== undefined && s.uid !== undefined && s.uid !== uid))) {
      this.live.delete(key);
      s = undefined;
    }
    if (!s) {
      s = new LogSource({
        kc: this.deps.configFor(target.context),
        target: { ...target },
        uid,
        history,
        limits: this.deps.limits(),
        track: () => this.deps.track(),
        logger: this.deps.logger,
      });
      this.live.set(key, s);
      this.all.add(s);
      this.shareRings();
      s.start();
    }
    const source = s;
    const leave = source.subscribe(sub, history);
    let released = false;
    return {
      source,
      release: () => {
        if (released) return;
        released = true;
        leave();
        if (source.subscribers > 0) return;
        source.stop();
        this.all.delete(source);
        if (this.live.get(key) === source) this.live.delete(key);
        this.shareRings();
      },
    };
  }

  /** Gives every stream's ring its share of RINGS_TOTAL. */
  private shareRings(): void {
    if (this.all.size === 0) return;
    const share = Math.max(RING_MIN, Math.floor(RINGS_TOTAL / this.all.size));
    for (const s of this.all) s.setRingBytes(share);
  }

  /** Streams open now (live and retired ones still held). */
  get size(): number {
    return this.all.size;
  }

  stopAll(): void {
    for (const s of this.all) s.stop();
    this.all.clear();
    this.live.clear();
  }
}
