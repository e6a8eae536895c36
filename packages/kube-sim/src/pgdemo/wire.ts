/** PostgreSQL wire protocol pieces the front door needs: framing and the few messages it writes. */

export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;
/** A startup packet or a message is at most this big here (the demo's queries are small; a huge one is hostile). */
export const MAX_MESSAGE = 64 * 1024 * 1024;

/** `type byte + int32 length + body` messages, split from a byte stream. */
export class MessageReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** The next whole message, or null; throws on a length that cannot be right. */
  next(): { type: string; raw: Buffer; body: Buffer } | null {
    if (this.buf.length < 5) return null;
    const len = this.buf.readInt32BE(1);
    if (len < 4 || len > MAX_MESSAGE) throw new Error(`bad message length ${len}`);
    if (this.buf.length < 1 + len) return null;
    const raw = this.buf.subarray(0, 1 + len);
    this.buf = this.buf.subarray(1 + len);
    return { type: String.fromCharCode(raw[0]!), raw, body: raw.subarray(5) };
  }

  /** A startup-style packet (int32 length first, no type byte), or null. */
  nextStartup(): Buffer | null {
    if (this.buf.length < 8) return null;
    const len = this.buf.readInt32BE(0);
    if (len < 8 || len > 10_000) throw new Error(`bad startup packet length ${len}`);
    if (this.buf.length < len) return null;
    const raw = this.buf.subarray(0, len);
    this.buf = this.buf.subarray(len);
    return raw;
  }

  rest(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }
}

export function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
};

export const authRequest = (code: number): Buffer => message('R', int32(code));
export const backendKey = (pid: number, secret: number): Buffer => message('K', Buffer.concat([int32(pid), int32(secret)]));
export const readyForQuery = (status = 'I'): Buffer => message('Z', Buffer.from(status, 'latin1'));

/** An ErrorResponse: severity, SQLSTATE and message, as the server writes them. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const field = (t: string, v: string): Buffer => Buffer.concat([Buffer.from(t, 'latin1'), Buffer.from(v, 'utf8'), Buffer.from([0])]);
  return message('E', Buffer.concat([field('S', severity), field('V', severity), field('C', code), field('M', text), Buffer.from([0])]));
}

/** The `key\0value\0…\0` parameters of a protocol 3.0 startup packet. */
export function startupParams(packet: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  const parts = packet.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) out[parts[i]!] = parts[i + 1]!;
  return out;
}

export function startupPacket(params: Record<string, string>): Buffer {
  const body = Buffer.concat([int32(PROTOCOL_3), ...Object.entries(params).map(([k, v]) => Buffer.from(`${k}\0${v}\0`, 'utf8')), Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
}
