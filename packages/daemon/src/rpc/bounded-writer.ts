import type { Socket } from 'node:net';
import { AbstractMessageWriter, Message, type MessageWriter } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '@kubetile/rpc-schema';

export interface BoundedWriterHooks {
  /** More than the limit is queued unread: the client must go. Called once; later writes are dropped. */
  overflow(queuedBytes: number): void;
  /** A response (to a request of the client's) was queued. */
  responded?(id: string | number): void;
  /** After each write, with the bytes now queued (for pausing the reader). */
  queued?(queuedBytes: number): void;
  /**
   * Just before a response is queued: what should reach the peer with it, ahead of it in the same
   * write, is sent from here (a key's frame); returns what to run once that write is made.
   */
  answering?(): (() => void) | void;
}

/**
 * vscode-jsonrpc's framing on the way out, with every queued byte accounted for. The library's
 * own writer waits for each write's callback before the next, so a client that does not read
 * leaves an ever-longer line of messages in the daemon's heap where nothing can see it. Here a
 * message is serialised and handed to the socket at once, `socket.writableLength` is the whole
 * backlog, and a backlog over the limit when the next message comes ends the connection.
 *
 * One message may be larger than the limit on its own (a big pane/snapshot): the largest
 * message still queued is not counted, so a client reading such an answer is not cut off by a
 * notification that comes while it reads. What one client can hold is the limit plus one message.
 */
export class BoundedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private overflowed = false;
  /** Every byte handed to the socket so far. */
  private handed = 0;
  /** The largest message still (possibly) queued: where it ends in `handed` terms, and its size. */
  private largest: { end: number; size: number } | null = null;
  /** Frames kept for one socket write while held (see `hold`), and how many holds are open. */
  private held: Buffer[] = [];
  private holds = 0;

  constructor(
    private readonly socket: Socket,
    private readonly maxQueuedBytes: number,
    private readonly hooks: BoundedWriterHooks,
  ) {
    super();
  }

  /** The library's path: responses it writes count as answered. */
  write(msg: Message): Promise<void> {
    if (!Message.isResponse(msg) || msg.id === null) {
      this.send(msg);
      return Promise.resolve();
    }
    let then: (() => void) | void = undefined;
    this.hold();
    try {
      then = this.hooks.answering?.();
      this.send(msg);
    } finally {
      this.release();
    }
    this.hooks.responded?.(msg.id);
    then?.();
    return Promise.resolve();
  }

  /**
   * Until the matching `release`, frames are kept and then handed to the socket in one write: the
   * peer is woken once (and the daemon makes one syscall) for a layout and its views, or a key's
   * frame and its answer. Holds nest.
   */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds === 0 || --this.holds > 0) return;
    const frames = this.held;
    if (frames.length === 0) return;
    this.held = [];
    if (this.socket.destroyed || !this.socket.writable) return;
    this.hand(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  /** A message of the daemon's own (an error for a frame that never reached the library). */
  send(msg: Message): void {
    if (!this.admit()) return;
    this.push([Buffer.from(serialise(msg), 'utf8')]);
  }

  /**
   * A message already serialised, in parts (a notification's own fields around a body shared with
   * other clients): written as one frame, the shared part's bytes handed to the socket as they are.
   */
  sendParts(parts: readonly Buffer[]): void {
    if (!this.admit()) return;
    this.push(parts);
  }

  /** Whether another message may be queued; over the limit, the overflow hook runs once. */
  private admit(): boolean {
    if (this.overflowed || this.socket.destroyed || !this.socket.writable) return false;
    const queued = this.socket.writableLength;
    const flushed = this.handed - queued;
    if (this.largest && this.largest.end <= flushed) this.largest = null;
    const exempt = this.largest ? Math.min(this.largest.size, this.largest.end - flushed) : 0;
    if (queued - exempt > this.maxQueuedBytes) {
      this.overflowed = true;
      this.hooks.overflow(queued);
      return false;
    }
    return true;
  }

  /**
   * One frame, header and body copied into one buffer and handed to the socket in one write: a
   * corked header + body (or a body in parts) goes through writev, which costs far more per call
   * than copying a frame of a few KiB (it was ~0.2 ms of every pane/view, the biggest part of the
   * daemon's own time on a plugin command).
   */
  private push(parts: readonly Buffer[]): void {
    let bodyBytes = 0;
    for (const p of parts) bodyBytes += p.byteLength;
    const header = `Content-Length: ${bodyBytes}\r\n\r\n`;
    const size = header.length + bodyBytes;
    const frame = Buffer.allocUnsafe(size);
    let at = frame.write(header, 0, 'ascii');
    for (const p of parts) at += p.copy(frame, at);
    if (this.holds > 0) this.held.push(frame);
    else this.hand(frame);
  }

  /** One write to the socket, accounted for. */
  private hand(data: Buffer): void {
    const size = data.byteLength;
    this.socket.write(data);
    this.handed += size;
    if (!this.largest || size > this.largest.size) this.largest = { end: this.handed, size };
    this.hooks.queued?.(this.socket.writableLength);
  }

  /** Bytes the peer's side has taken so far (handed to the socket minus still queued). */
  get flushedBytes(): number {
    return this.handed - this.socket.writableLength;
  }

  end(): void {
    this.socket.end();
  }
}

/** JSON for `msg`; a result that cannot be written (a cycle, a BigInt) becomes an error answer. */
function serialise(msg: Message): string {
  try {
    return JSON.stringify(msg);
  } catch (err) {
    if (Message.isResponse(msg)) {
      return JSON.stringify({
        jsonrpc: '2.0',
        id: msg.id,
        error: { code: ErrorCodes.InternalError, message: `the result could not be written as JSON: ${(err as Error).message}` },
      });
    }
    throw err;
  }
}
