/**
 * The k8s channel WebSocket subprotocols (v1–v5, binary and base64) used by exec, attach and
 * port-forward: negotiation and framing (checklist H2, H3, I2).
 */

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io', 'v4.base64.channel.k8s.io', 'base64.channel.k8s.io'] as const;
export const PORTFORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io'] as const;

export type ExecProtocolMode = 'all' | 'apiserver' | 'kubelet';

export function execProtocolsFor(mode: ExecProtocolMode): readonly string[] {
  if (mode === 'apiserver') return ['v5.channel.k8s.io'];
  if (mode === 'kubelet') return EXEC_PROTOCOLS.filter((p) => p !== 'v5.channel.k8s.io');
  return EXEC_PROTOCOLS;
}

export function offeredProtocols(header: string | string[] | undefined): string[] {
  const raw = Array.isArray(header) ? header.join(',') : header ?? '';
  return raw.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The first protocol in the client's order that the server supports; "" when the client offered
 * none (the kubelet then uses channel.k8s.io semantics); undefined when nothing matches.
 */
export function negotiate(offered: readonly string[], supported: readonly string[], allowEmpty: boolean): string | undefined {
  if (offered.length === 0) return allowEmpty ? '' : undefined;
  return offered.find((p) => supported.includes(p));
}

export interface ProtocolTraits {
  base64: boolean;
  /** v4/v5: the error channel carries a JSON Status. */
  jsonStatus: boolean;
  /** v5: CLOSE frames ([255, ch]). */
  closeFrames: boolean;
  /** v3+: resize channel. */
  resize: boolean;
}

export function traitsOf(protocol: string): ProtocolTraits {
  const base64 = protocol.includes('base64');
  const version = /^v(\d)\./.exec(protocol)?.[1];
  const v = version ? Number(version) : 1;
  return { base64, jsonStatus: v >= 4, closeFrames: v >= 5, resize: v >= 3 };
}

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** Encodes one message: binary [ch]+data, or text "<ch digit>" + base64(data). */
export function encodeFrame(base64: boolean, channel: number, data: Buffer | string): Buffer | string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (base64) return String.fromCharCode(48 + channel) + buf.toString('base64');
  const out = Buffer.allocUnsafe(buf.length + 1);
  out[0] = channel;
  buf.copy(out, 1);
  return out;
}

export interface Frame {
  channel: number;
  data: Buffer;
}

export function decodeFrame(base64: boolean, message: Buffer | string, isBinary: boolean): Frame | undefined {
  if (base64 || !isBinary) {
    const text = typeof message === 'string' ? message : message.toString('utf8');
    if (text.length === 0) return undefined;
    const ch = text.charCodeAt(0) - 48;
    return { channel: ch, data: Buffer.from(text.slice(1), 'base64') };
  }
  const buf = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  if (buf.length === 0) return undefined;
  return { channel: buf[0] as number, data: buf.subarray(1) };
}
