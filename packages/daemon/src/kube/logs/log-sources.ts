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
      },
    };
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
