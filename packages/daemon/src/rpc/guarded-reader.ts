import type { Socket } from 'node:net';
import { AbstractMessageReader, Disposable, type DataCallback, type Message } from 'vscode-jsonrpc/node';
import { ErrorCodes, MAX_MESSAGE_BYTES } from '@kubetile/rpc-schema';

const MAX_HEADER_BYTES = 8 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');

export type Rejection = (id: string | number | null, code: number, message: string, fatal: boolean) => void;

/**
 * vscode-jsonrpc's framing (Content-Length headers), hardened for an untrusted socket: a frame
 * over the size limit or with a broken header is refused and the connection closed before its
 * body is buffered; malformed JSON and non-JSON-RPC messages get JSON-RPC errors (-32700,
 * -32600) instead of silence, so no sender is left hanging.
 */
export class GuardedMessageReader extends AbstractMessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private bodyLength = -1;
  private callback: DataCallback | null = null;
  private dead = false;

  constructor(
    private readonly socket: Socket,
    private readonly reject: Rejection,
    private readonly maxBytes = MAX_MESSAGE_BYTES,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (d: Buffer): void => this.onData(d);
    const onClose = (): void => this.fireClose();
    const onError = (e: Error): void => this.fireError(e);
    this.socket.on('data', onData);
    this.socket.on('close', onClose);
    this.socket.on('error', onError);
    return Disposable.create(() => {
      this.socket.off('data', onData);
      this.socket.off('close', onClose);
      this.socket.off('error', onError);
    });
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return head;
  }

  private fatal(message: string): void {
    this.dead = true;
    this.chunks = [];
    this.buffered = 0;
    this.reject(null, ErrorCodes.InvalidRequest, message, true);
  }

  private onData(data: Buffer): void {
    if (this.dead) return;
    this.chunks.push(data);
    this.buffered += data.length;
    while (!this.dead) {
      if (this.bodyLength < 0) {
        const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
        this.chunks = [all];
        const end = all.indexOf(HEADER_END);
        if (end < 0) {
          if (this.buffered > MAX_HEADER_BYTES) this.fatal('malformed frame: no Content-Length header block');
          return;
        }
        const header = this.take(end + HEADER_END.length).toString('ascii');
        const m = /(?:^|\r\n)content-length:\s*(\d+)\s*(?:\r\n|$)/i.exec(header);
        if (!m) return this.fatal('malformed frame: missing or invalid Content-Length header');
        const length = Number(m[1]);
        if (length > this.maxBytes) return this.fatal(`message of ${length} bytes exceeds the ${this.maxBytes}-byte limit`);
        this.bodyLength = length;
      }
      if (this.buffered < this.bodyLength) return;
      const body = this.take(this.bodyLength);
      this.bodyLength = -1;
      this.deliver(body);
    }
  }

  private deliver(body: Buffer): void {
    let msg: unknown;
    try {
      msg = JSON.parse(body.toString('utf8'));
    } catch (err) {
      this.reject(null, ErrorCodes.ParseError, `parse error: ${(err as Error).message}`, false);
      return;
    }
    if (Array.isArray(msg)) {
      this.reject(null, ErrorCodes.InvalidRequest, 'batch requests are not supported', false);
      return;
    }
    if (typeof msg !== 'object' || msg === null) {
      this.reject(null, ErrorCodes.InvalidRequest, 'invalid request: a JSON-RPC message must be an object', false);
      return;
    }
    const o = msg as Record<string, unknown>;
    const id = typeof o.id === 'string' || typeof o.id === 'number' ? o.id : null;
    if (o.jsonrpc !== '2.0') {
      this.reject(id, ErrorCodes.InvalidRequest, 'invalid request: "jsonrpc" must be "2.0"', false);
      return;
    }
    const isCall = typeof o.method === 'string';
    const isResponse = id !== null && ('result' in o || 'error' in o);
    if (!isCall && !isResponse) {
      this.reject(id, ErrorCodes.InvalidRequest, 'invalid request: "method" must be a string', false);
      return;
    }
    if ('id' in o && o.id !== null && id === null) {
      this.reject(null, ErrorCodes.InvalidRequest, 'invalid request: "id" must be a string or a number', false);
      return;
    }
    this.callback?.(o as unknown as Message);
  }
}
