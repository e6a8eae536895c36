import { Duplex } from 'node:stream';
import type { PortForwardStream } from '../kube/portforward/pf-stream.js';

/** Opens one port-forward stream to the database's pod port (one TCP connection inside the pod). */
export type StreamOpener = (signal: AbortSignal) => Promise<PortForwardStream>;

/**
 * A socket-shaped Duplex over one daemon-internal port-forward stream, for the `pg` driver's
 * `stream` option: `connect()` opens the stream through the API server (no local TCP port), data
 * flows both ways with backpressure (a full driver pauses the API stream; a full API stream holds
 * the driver's writes), and an error-channel message or a dropped stream ends it with an error
 * the pane can show.
 */
export class PodSocket extends Duplex {
  private stream: PortForwardStream | null = null;
  private readonly abort = new AbortController();
  private pendingWrite: (() => void) | null = null;
  private ended = false;

  constructor(
    private readonly open: StreamOpener,
    private readonly where: string,
    /**
     * Looks at each chunk before the reader gets it: an error ends the socket with it, and that chunk
     * (a message the driver could not parse safely) is never handed on.
     */
    private readonly inspect?: (chunk: Buffer) => Error | null,
  ) {
    super({ allowHalfOpen: false });
  }

  /** What `net.Socket` offers and pg calls; a port-forward has no Nagle or keep-alive to set. */
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  /** pg passes the host and port of its config; the stream already knows its pod and port. */
  connect(): this {
    this.open(this.abort.signal).then(
      (s) => {
        if (this.destroyed) {
          s.close();
          return;
        }
        this.stream = s;
        s.start({
          data: (chunk) => {
            if (this.destroyed) return;
            const bad = this.inspect?.(chunk) ?? null;
            if (bad) {
              this.destroy(bad);
              return;
            }
            if (!this.push(chunk)) s.pause();
          },
          drain: () => {
            const w = this.pendingWrite;
            this.pendingWrite = null;
            w?.();
          },
          end: (error) => {
            this.ended = true;
            if (error) this.destroy(new Error(`the connection to ${this.where} broke: ${error}`));
            else {
              this.push(null);
              this.destroy();
            }
          },
        });
        this.emit('connect');
      },
      (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))),
    );
    return this;
  }

  override _read(): void {
    this.stream?.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const s = this.stream;
    if (!s || this.ended) {
      done(new Error(`the connection to ${this.where} is closed`));
      return;
    }
    if (s.write(chunk)) done();
    else this.pendingWrite = () => done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.stream?.close();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.abort.abort();
    if (!this.ended) this.stream?.close();
    const w = this.pendingWrite;
    this.pendingWrite = null;
    w?.();
    done(err);
  }
}
