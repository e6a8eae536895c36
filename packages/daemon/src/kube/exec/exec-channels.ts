/**
 * The exec WebSocket's channel protocol (kube-api-protocol.md §2.8): every binary message is
 * `[channel] + payload`. We offer v5 (kube-apiserver ≥ 1.30, with CLOSE frames) then v4 (older
 * apiservers and kubelets); both carry the exit status as a JSON Status on channel 3.
 */

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export const isExecProtocol = (p: string): p is ExecProtocol => (EXEC_PROTOCOLS as readonly string[]).includes(p);

/** One message for `channel`. */
export function frame(channel: number, payload: string | Buffer = Buffer.alloc(0)): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = channel;
  data.copy(out, 1);
  return out;
}

/** The terminal size message (channel 4). Go decodes the field names case-insensitively; we send kubectl's. */
export const resizeFrame = (cols: number, rows: number): Buffer => frame(CHANNEL.resize, JSON.stringify({ Width: cols, Height: rows }));

/** v5: "no more stdin" (`[255, 0]`), so the shell sees end of input. */
export const closeStdinFrame = (): Buffer => Buffer.from([CHANNEL.close, CHANNEL.stdin]);

export interface ChannelMessage {
  channel: number;
  data: Buffer;
}

/** A received message split into channel and payload; null for an empty or text message (not this protocol's). */
export function parseMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ChannelMessage | null {
  if (!isBinary) return null;
  const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  if (buf.length === 0) return null;
  return { channel: buf[0]!, data: buf.subarray(1) };
}
