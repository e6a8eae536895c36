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

  constructor(
    private readonly socket: Socket,
    private readonly maxQueuedBytes: number,
    private readonly hooks: BoundedWriterHooks,
  ) {
    super();
  }

  /** The library's path: responses it writes count as answered. */
  write(msg: Message): Promise<void> {
    this.send(msg);
    if (Message.isResponse(msg) && msg.id !== null) this.hooks.responded?.(msg.id);
    return Promise.resolve();
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
    this.socket.write(frame);
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
