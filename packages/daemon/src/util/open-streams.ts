/** The kinds of long-lived streams and sockets the daemon holds for users. */
export type StreamKind = 'logs' | 'exec' | 'port-forward-listeners' | 'port-forward-connections';

/**
 * Counts what is open, for `daemon/status` and the leak tests: each owner calls `open(kind)` and
 * the returned function (idempotent) when it is closed.
 */
export class OpenStreams {
  private readonly counts = new Map<StreamKind, number>();

  open(kind: StreamKind): () => void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.counts.set(kind, (this.counts.get(kind) ?? 1) - 1);
    };
  }

  snapshot(): Record<StreamKind, number> {
    return {
      logs: this.counts.get('logs') ?? 0,
      exec: this.counts.get('exec') ?? 0,
      'port-forward-listeners': this.counts.get('port-forward-listeners') ?? 0,
      'port-forward-connections': this.counts.get('port-forward-connections') ?? 0,
    };
  }
}
