/** The HTTP/1.1 → SPDY/3.1 upgrade kubectl's SPDY executor and port-forwarder use. */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { apiError } from '../api/status.js';

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return (req.headers['upgrade'] ?? '').toLowerCase().startsWith('spdy/3.1');
}

/** Picks the first protocol the client offers (X-Stream-Protocol-Version) that we support. */
export function negotiateSpdy(req: IncomingMessage, supported: readonly string[]): string {
  const raw = req.headers['x-stream-protocol-version'];
  const offered = (Array.isArray(raw) ? raw.join(',') : raw ?? '').split(',').map((p) => p.trim()).filter((p) => p);
  if (offered.length === 0) return '';
  const chosen = offered.find((p) => supported.includes(p));
  if (chosen === undefined) {
    throw apiError('Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`);
  }
  return chosen;
}

export function acceptSpdy(socket: Duplex, protocol: string): void {
  const proto = protocol ? `X-Stream-Protocol-Version: ${protocol}\r\n` : '';
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${proto}\r\n`);
}
