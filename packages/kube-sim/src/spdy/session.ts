/**
 * A server-side SPDY/3.1 session, enough for kubectl's SPDY exec and port-forward: streams opened
 * by the client (SYN_STREAM → SYN_REPLY), DATA with FIN, RST_STREAM, PING echo, GOAWAY.
 * Flow control frames are accepted and ignored, like Go's spdystream does.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { HeaderCodec, type Headers } from './header-codec.js';

const TYPE = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;
const FLAG_FIN = 0x01;
const MAX_DATA = 16 * 1024;

export class SpdyStream extends EventEmitter {
  private localEnded = false;
  remoteEnded = false;

  constructor(readonly id: number, readonly headers: Headers, private readonly session: SpdySession) {
    super();
  }

  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  write(data: Buffer | string): void {
    if (this.localEnded) return;
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < buf.length; off += MAX_DATA) this.session.sendData(this.id, buf.subarray(off, off + MAX_DATA), false);
  }

  /** Half-closes our side (DATA with FIN). */
  end(): void {
    if (this.localEnded) return;
    this.localEnded = true;
    this.session.sendData(this.id, Buffer.alloc(0), true);
  }

  reset(): void {
    this.localEnded = true;
    this.session.sendReset(this.id);
  }
}

export class SpdySession extends EventEmitter {
  private buf: Buffer = Buffer.alloc(0);
  private readonly codec = new HeaderCodec();
  private readonly streams = new Map<number, SpdyStream>();
  private processing: Promise<void> = Promise.resolve();
  private out: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;

  constructor(private readonly socket: Duplex, head: Buffer) {
    super();
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
    if (head.length > 0) this.onData(head);
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    for (;;) {
      if (this.buf.length < 8) return;
      const len = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + len) return;
      const frame = this.buf.subarray(0, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      this.processing = this.processing.then(() => this.handle(frame)).catch((err: unknown) => {
        this.emit('protocolError', err);
        this.close();
      });
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const control = ((frame[0] as number) & 0x80) !== 0;
    const flags = frame[4] as number;
    const payload = frame.subarray(8);
    if (!control) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      const s = this.streams.get(id);
      if (!s) return;
      if (payload.length > 0) s.emit('data', Buffer.from(payload));
      if (flags & FLAG_FIN) {
        s.remoteEnded = true;
        s.emit('end');
      }
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case TYPE.synStream: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const headers = await this.codec.decode(payload.subarray(10));
        this.lastStreamId = Math.max(this.lastStreamId, id);
        const s = new SpdyStream(id, headers, this);
        this.streams.set(id, s);
        this.sendReply(id);
        this.emit('stream', s);
        if (flags & FLAG_FIN) {
          s.remoteEnded = true;
          s.emit('end');
        }
        return;
      }
      case TYPE.synReply:
      case TYPE.headers:
        // Keep the decompressor in step even though the headers are not needed.
        await this.codec.decode(payload.subarray(4));
        return;
      case TYPE.rstStream: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const s = this.streams.get(id);
        this.streams.delete(id);
        s?.emit('reset');
        return;
      }
      case TYPE.ping:
        this.enqueue(async () => frame);
        return;
      case TYPE.goAway:
        this.close();
        return;
      default:
        return;
    }
  }

  private control(type: number, flags: number, payload: Buffer): Buffer {
    const h = Buffer.alloc(8);
    h[0] = 0x80;
    h[1] = 3;
    h.writeUInt16BE(type, 2);
    h[4] = flags;
    h.writeUIntBE(payload.length, 5, 3);
    return Buffer.concat([h, payload]);
  }

  /**
   * Frames leave one at a time, each once the previous one was handed to the socket: one frame
   * per write, so TLS never seals several into one record (see exec/frame-sender.ts).
   */
  private enqueue(make: () => Promise<Buffer>): void {
    this.out = this.out.then(async () => {
      const frame = await make();
      if (this.closed || this.socket.destroyed) return;
      await new Promise<void>((resolve) => {
        this.socket.write(frame, () => resolve());
      });
    }).catch(() => undefined);
  }

  private sendReply(id: number): void {
    this.enqueue(async () => {
      const block = await this.codec.encode(new Map());
      const p = Buffer.alloc(4);
      p.writeUInt32BE(id);
      return this.control(TYPE.synReply, 0, Buffer.concat([p, block]));
    });
  }

  sendData(id: number, data: Buffer, fin: boolean): void {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(id & 0x7fffffff, 0);
    h[4] = fin ? FLAG_FIN : 0;
    h.writeUIntBE(data.length, 5, 3);
    const frame = Buffer.concat([h, data]);
    this.enqueue(async () => frame);
  }

  sendReset(id: number): void {
    const p = Buffer.alloc(8);
    p.writeUInt32BE(id, 0);
    p.writeUInt32BE(5, 4);
    this.enqueue(async () => this.control(TYPE.rstStream, 0, p));
  }

  /** Sends GOAWAY and ends the connection once queued frames are written. */
  close(): void {
    if (this.closed) return;
    const p = Buffer.alloc(8);
    p.writeUInt32BE(this.lastStreamId, 0);
    this.enqueue(async () => this.control(TYPE.goAway, 0, p));
    this.out = this.out.then(() => {
      this.closed = true;
      this.socket.end();
    });
  }

  private shutdown(): void {
    if (this.closed && this.streams.size === 0) return;
    this.closed = true;
    for (const s of this.streams.values()) {
      if (!s.remoteEnded) s.emit('end');
      s.emit('close');
    }
    this.streams.clear();
    this.codec.close();
    this.emit('close');
  }
}
