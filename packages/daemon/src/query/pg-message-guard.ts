/** A backend message's header: its type byte and a 4-byte big-endian length that counts itself and the body. */
const HEADER = 5;

/**
 * Watches the bytes a PostgreSQL server sends, message by message, and says when one is longer than
 * `max()` while its first bytes come in — before the pg driver, which reads a message whole and then
 * makes a string of each value, holds it. One value of 600 MB grew the daemon by over a gigabyte and
 * then threw past V8's longest string inside the driver's socket handler, which left the query
 * waiting forever on a connection nothing could use again. It only counts: the bytes pass untouched.
 */
export class PgMessageGuard {
  private readonly header = Buffer.alloc(HEADER);
  /** Header bytes of the next message collected so far. */
  private have = 0;
  /** Body bytes of the current message still to come. */
  private skip = 0;
  private done = false;

  constructor(
    private readonly max: () => number,
    private readonly tooBig: (type: string, bytes: number) => void,
  ) {}

  /** One chunk the server sent. After a message too big it looks no further. */
  feed(chunk: Buffer): void {
    let i = 0;
    while (!this.done && i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
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
      if (body > this.max()) {
        this.done = true;
        this.tooBig(String.fromCharCode(this.header[0]!), body);
        return;
      }
      this.skip = body;
    }
  }
}
