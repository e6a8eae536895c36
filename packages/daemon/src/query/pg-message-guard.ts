import { MessageShape } from './pg-message-shape.js';

/** A backend message's header: its type byte and a 4-byte big-endian length that counts itself and the body. */
const HEADER = 5;

/** What is wrong with a message that is not too big (MessageShape): its sort, and what it is, in words. */
export type MessageProblem = (kind: MessageShape['kind'], what: string) => void;

/**
 * Watches the bytes a PostgreSQL server sends, message by message, and says when one is longer than
 * `max()` while its first bytes come in — before the pg driver, which reads a message whole and then
 * makes a string of each value, holds it. One value of 600 MB grew the daemon by over a gigabyte and
 * then threw past V8's longest string inside the driver's socket handler, which left the query
 * waiting forever on a connection nothing could use again. Given `malformed`, it also checks each
 * message's shape (MessageShape: what the driver's parser would throw on or loop forever over, a
 * COPY response, an authentication the driver cannot do). It only counts: the bytes pass untouched.
 */
export class PgMessageGuard {
  private readonly header = Buffer.alloc(HEADER);
  /** Header bytes of the next message collected so far. */
  private have = 0;
  /** Body bytes of the current message still to come. */
  private skip = 0;
  private shape: MessageShape | null = null;
  private done = false;

  constructor(
    private readonly max: () => number,
    private readonly tooBig: (type: string, bytes: number) => void,
    private readonly malformed?: MessageProblem,
  ) {}

  /** True once a message was refused (too big or malformed): it looks no further. */
  get failed(): boolean {
    return this.done;
  }

  /** One chunk the server sent. After a message too big or malformed it looks no further. */
  feed(chunk: Buffer): void {
    let i = 0;
    while (!this.done && i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.shape?.feed(chunk, i, i + n);
        this.skip -= n;
        i += n;
        if (this.skip === 0) this.endBody();
        else this.check();
        continue;
      }
      const n = Math.min(HEADER - this.have, chunk.length - i);
      chunk.copy(this.header, this.have, i, i + n);
      this.have += n;
      i += n;
      if (this.have < HEADER) return;
      this.have = 0;
      // A length under 4 is malformed: the driver says so; nothing is held for it here.
      const body = Math.max(0, this.header.readUInt32BE(1) - 4);
      const type = String.fromCharCode(this.header[0]!);
      if (body > this.max()) {
        this.done = true;
        this.tooBig(type, body);
        return;
      }
      this.skip = body;
      this.shape = this.malformed ? new MessageShape(type, body) : null;
      if (body === 0) this.endBody();
      else this.check();
    }
  }

  private endBody(): void {
    this.shape?.end();
    this.check();
    this.shape = null;
  }

  private check(): void {
    const s = this.shape;
    if (!s || s.problem === null) return;
    this.done = true;
    this.malformed!(s.kind, s.problem);
  }
}
