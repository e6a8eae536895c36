import type { LogLine } from '../../kube/logs/log-line.js';
import type { LogHistory } from '../../kube/logs/log-request.js';
import type { LogSources, LogSubscription } from '../../kube/logs/log-sources.js';
import { describeState, type SourceState } from '../../kube/logs/source-state.js';
import { errorMessage } from '../../util/errors.js';

/** One (pod, container) a pane shows: its shared stream and the stream's state. */
export interface Feed {
  readonly key: string;
  readonly pod: string;
  readonly container: string;
  /** The pod's uid when known: a pod created again under the same name is another feed. */
  readonly uid: string | undefined;
  state: SourceState;
  sub: LogSubscription | null;
}

export interface FeedsDeps {
  sources: LogSources;
  context: string;
  namespace: string;
  previous: boolean;
  lines(lines: readonly LogLine[]): void;
  state(feed: Feed, state: SourceState): void;
  /** A feed's line waiting for its newline changed (see `partials`). */
  partial(): void;
}

export const feedKey = (pod: string, container: string): string => `${pod}/${container}`;

/** The streams one pane is subscribed to, by (pod, container). */
export class PaneFeeds {
  private readonly feeds = new Map<string, Feed>();
  private closed = false;

  constructor(private readonly deps: FeedsDeps) {}

  has(key: string): boolean {
    return this.feeds.has(key);
  }

  get(key: string): Feed | undefined {
    return this.feeds.get(key);
  }

  all(): Feed[] {
    return [...this.feeds.values()];
  }

  get size(): number {
    return this.feeds.size;
  }

  /** Subscribes to one container's stream; a refusal (bad name, unknown context) becomes the feed's error state. */
  add(pod: string, uid: string | undefined, container: string, history: LogHistory): Feed {
    const key = feedKey(pod, container);
    const existing = this.feeds.get(key);
    if (existing) return existing;
    const feed: Feed = { key, pod, container, uid, state: { phase: 'connecting' }, sub: null };
    this.feeds.set(key, feed);
    if (this.closed) return feed;
    try {
      feed.sub = this.deps.sources.subscribe({ context: this.deps.context, namespace: this.deps.namespace, pod, container, previous: this.deps.previous }, uid, history, {
        lines: (ls) => {
          if (this.feeds.get(key) === feed) this.deps.lines(ls);
        },
        state: (s) => {
          if (this.feeds.get(key) !== feed) return;
          feed.state = s;
          this.deps.state(feed, s);
        },
        partial: () => {
          if (this.feeds.get(key) === feed) this.deps.partial();
        },
      });
    } catch (err) {
      feed.state = { phase: 'error', message: errorMessage(err) };
      this.deps.state(feed, feed.state);
    }
    return feed;
  }

  /** The lines the feeds are in the middle of (no newline yet), oldest first: shown after the complete ones until they are complete. */
  partials(): LogLine[] {
    const out: LogLine[] = [];
    for (const f of this.feeds.values()) {
      const p = f.sub?.source.partial();
      if (p) out.push(p);
    }
    return out.sort((a, b) => a.sec - b.sec || a.nano - b.nano || a.seq - b.seq);
  }

  remove(key: string): Feed | undefined {
    const f = this.feeds.get(key);
    if (!f) return undefined;
    this.feeds.delete(key);
    f.sub?.release();
    return f;
  }

  releaseAll(): void {
    for (const f of this.feeds.values()) f.sub?.release();
    this.feeds.clear();
  }

  close(): void {
    this.closed = true;
    this.releaseAll();
  }

  /** `following`, or for several: `3 following · 1 reconnecting (2) · 1 ended`. */
  summary(): string {
    const feeds = this.all();
    if (feeds.length === 0) return '';
    if (feeds.length === 1) return describeState(feeds[0]!.state);
    const counts = new Map<string, number>();
    let maxAttempt = 0;
    for (const f of feeds) {
      counts.set(f.state.phase, (counts.get(f.state.phase) ?? 0) + 1);
      if (f.state.phase === 'reconnecting') maxAttempt = Math.max(maxAttempt, f.state.attempt);
    }
    const order = ['following', 'reading', 'connecting', 'reconnecting', 'waiting', 'restarting', 'ended', 'error'];
    return order
      .filter((p) => counts.has(p))
      .map((p) => `${counts.get(p)} ${p}${p === 'reconnecting' ? ` (${maxAttempt})` : ''}`)
      .join(' · ');
  }
}
