/** The stdin of a simulated command: chunks as they arrive, then EOF. */

export class StdinReader {
  private readonly chunks: Buffer[] = [];
  private eof = false;
  private waiter: (() => void) | undefined;
  /** Stdin messages received (the `stdin-messages` built-in prints it: how finely a client splits its input). */
  messages = 0;

  push(data: Buffer): void {
    this.messages++;
    if (this.eof || data.length === 0) return;
    this.chunks.push(data);
    this.wake();
  }

  end(): void {
    this.eof = true;
    this.wake();
  }

  get ended(): boolean {
    return this.eof && this.chunks.length === 0;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next chunk, or null at EOF. */
  async read(): Promise<Buffer | null> {
    for (;;) {
      const c = this.chunks.shift();
      if (c) return c;
      if (this.eof) return null;
      await new Promise<void>((r) => { this.waiter = r; });
    }
  }

  /** Everything until EOF. */
  async readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let c = await this.read(); c; c = await this.read()) parts.push(c);
    return Buffer.concat(parts);
  }

  /** Drops bytes not read yet (a tty's ^C flushes typed-ahead input). */
  discard(): void {
    this.chunks.length = 0;
  }

  /** Puts unread bytes back at the front. */
  unshift(data: Buffer): void {
    if (data.length > 0) this.chunks.unshift(data);
  }
}
