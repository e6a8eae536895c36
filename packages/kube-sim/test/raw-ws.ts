/**
 * A hand-rolled WebSocket client over TLS, for tests that must see what is on the wire: which
 * frames arrive in which TLS read, and whether the server ends the connection by itself. Like
 * the official Python client, it never answers a close frame.
 */
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import type { KubeSim } from '../src/index.js';

export interface WsFrame {
  opcode: number;
  payload: Buffer;
  /** Index of the TLS read (socket 'data' event) in which the frame's last byte arrived. */
  read: number;
  at: number;
}

export interface RawWs {
  status: number;
  protocol: string | undefined;
  frames: WsFrame[];
  /** Resolves when the server ends or drops the connection. */
  ended: Promise<{ at: number; how: 'end' | 'close' | 'error' }>;
  /** Sends a masked binary frame. */
  send(payload: Buffer): void;
  destroy(): void;
}

function parseFrame(buf: Buffer): { opcode: number; payload: Buffer; size: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = (buf[0] as number) & 0x0f;
  let len = (buf[1] as number) & 0x7f;
  let off = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    off = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    off = 10;
  }
  if (buf.length < off + len) return undefined;
  return { opcode, payload: buf.subarray(off, off + len), size: off + len };
}

export function rawWebSocket(sim: KubeSim, path: string, protocols: string[]): Promise<RawWs> {
  const url = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const sock = tls.connect({ host: url.hostname, port: Number(url.port), ca: sim.caPem, servername: undefined });
    const frames: WsFrame[] = [];
    let buf = Buffer.alloc(0);
    let head: { status: number; protocol: string | undefined } | undefined;
    let reads = 0;
    let resolveEnded!: (v: { at: number; how: 'end' | 'close' | 'error' }) => void;
    const ended = new Promise<{ at: number; how: 'end' | 'close' | 'error' }>((r) => { resolveEnded = r; });
    const ws: RawWs = {
      status: 0,
      protocol: undefined,
      frames,
      ended,
      send(payload: Buffer) {
        const mask = randomBytes(4);
        const len = payload.length;
        const hdr = len < 126 ? Buffer.from([0x82, 0x80 | len]) : Buffer.from([0x82, 0x80 | 126, len >> 8, len & 0xff]);
        const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
        sock.write(Buffer.concat([hdr, mask, masked]));
      },
      destroy: () => sock.destroy(),
    };
    sock.on('secureConnect', () => {
      const key = randomBytes(16).toString('base64');
      sock.write(
        `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${sim.token}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Protocol: ${protocols.join(',')}\r\n\r\n`,
      );
    });
    sock.on('data', (d: Buffer) => {
      const read = reads++;
      buf = Buffer.concat([buf, d]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const text = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0);
        const protocol = /\r\nsec-websocket-protocol: *([^\r]*)/i.exec(text)?.[1];
        head = { status, protocol };
        ws.status = status;
        ws.protocol = protocol;
        resolve(ws);
      }
      for (;;) {
        const f = parseFrame(buf);
        if (!f) break;
        frames.push({ opcode: f.opcode, payload: Buffer.from(f.payload), read, at: Date.now() });
        buf = buf.subarray(f.size);
      }
    });
    sock.on('end', () => resolveEnded({ at: Date.now(), how: 'end' }));
    sock.on('close', () => resolveEnded({ at: Date.now(), how: 'close' }));
    sock.on('error', (err) => {
      if (!head) reject(err);
      resolveEnded({ at: Date.now(), how: 'error' });
    });
  });
}
