import type { Socket } from 'node:net';
import { AbstractMessageReader, Disposable, type DataCallback, type Message } from 'vscode-jsonrpc/node';
import { ErrorCodes, MAX_MESSAGE_BYTES } from '@kubetile/rpc-schema';
import { noteInput } from '../runtime/input-turn.js';

const MAX_HEADER_BYTES = 8 * 1024;
/**
 * After a fatal error, this much more is read and thrown away (while the error is on its way
 * and the connection closes) so that a peer still writing can read why; then reading stops.
 */
const DISCARD_AFTER_FATAL_BYTES = 1024 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');

export type Rejection = (id: string | number | null, code: number, message: string, fatal: boolean) => void;

/** Refuses a well-formed message before delivery (e.g. a duplicate request id), or lets it through (null). */
export type Admission = (msg: Message) => { code: number; message: string } | null;

export interface GuardedReaderOptions {
  maxBytes?: number;
  /** A frame, once begun, must be complete within this long, or the connection is refused. */
  frameTimeoutMs?: number;
  admit?: Admission;
}

/**
 * vscode-jsonrpc's framing (Content-Length headers), hardened for an untrusted socket: a frame
 * over the size limit or with a broken header is refused and the connection closed before its
 * body is buffered; so is one that does not complete in time (a peer that sends half a header
 * and stalls); malformed JSON and non-JSON-RPC messages get JSON-RPC errors (-32700, -32600)
 * instead of silence, so no sender is left hanging. After a fatal error at most
 * DISCARD_AFTER_FATAL_BYTES more are read (and dropped) before the connection closes.
 */
export class GuardedMessageReader extends AbstractMessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private bodyLength = -1;
  private callback: DataCallback | null = null;
  private dead = false;
  private discarded = 0;
  private paused = false;
  private frameTimer: NodeJS.Timeout | null = null;
  private readonly maxBytes: number;
  private readonly frameTimeoutMs: number;

  constructor(
    private readonly socket: Socket,
    private readonly reject: Rejection,
    private readonly opts: GuardedReaderOptions = {},
  ) {
    super();
    this.maxBytes = opts.maxBytes ?? MAX_MESSAGE_BYTES;
    this.frameTimeoutMs = opts.frameTimeoutMs ?? 0;
  }

  /**
   * Delivers no more messages and reads no more of the socket (flow control: the peer is not
   * reading our answers, or has enough requests in flight); frames already buffered wait. The
   * frame clock stops too: the wait is ours, not the peer's.
   */
  pause(): void {
    if (this.paused || this.dead) return;
    this.paused = true;
    this.socket.pause();
    this.clearFrameTimer();
  }

  resume(): void {
    if (!this.paused || this.dead) return;
    this.paused = false;
    this.socket.resume();
    // Not from inside the caller (a write, a response): the held frames go out on the next turn.
    setImmediate(() => {
      if (this.paused || this.dead) return;
      this.readFrames();
      this.armFrameTimer();
    });
  }

  /** Nothing more is read or delivered (the connection is closing). */
  override dispose(): void {
    this.dead = true;
    this.clearFrameTimer();
    super.dispose();
  }

  private clearFrameTimer(): void {
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.frameTimer = null;
  }

  /** Starts the clock for the frame now begun, if one is and the clock is not already running. */
  private armFrameTimer(): void {
    if (this.dead || this.paused || this.frameTimeoutMs <= 0 || this.frameTimer) return;
    if (this.buffered === 0 && this.bodyLength < 0) return;
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null;
      const what = this.bodyLength < 0 ? 'its header' : `a ${this.bodyLength}-byte body`;
      this.fatal(`incomplete frame: ${what} did not arrive within ${this.frameTimeoutMs} ms (${this.buffered} bytes so far)`);
    }, this.frameTimeoutMs);
    this.frameTimer.unref();
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
      this.clearFrameTimer();
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
    this.clearFrameTimer();
    this.chunks = [];
    this.buffered = 0;
    this.reject(null, ErrorCodes.InvalidRequest, message, true);
  }

  private onData(data: Buffer): void {
    if (this.dead) {
      // The connection is refused, not drained: a little grace for the error to be read, no more.
      this.discarded += data.length;
      if (this.discarded > DISCARD_AFTER_FATAL_BYTES) this.socket.pause();
      return;
    }
    const idle = this.buffered === 0 && this.bodyLength < 0;
    this.chunks.push(data);
    this.buffered += data.length;
    if (idle) this.armFrameTimer();
    this.readFrames();
  }

  private readFrames(): void {
    while (!this.dead && !this.paused) {
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
      // A frame is complete: the clock restarts for the next one, if it has begun.
      this.clearFrameTimer();
      this.armFrameTimer();
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
    // A number JSON can write but not hold (1e400 parses as Infinity) would be answered with id null: refused below.
    const id = typeof o.id === 'string' || (typeof o.id === 'number' && Number.isFinite(o.id)) ? o.id : null;
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
      this.reject(null, ErrorCodes.InvalidRequest, `invalid request: "id" must be a string or a number${typeof o.id === 'number' ? ` that JSON can carry back (not ${String(o.id)})` : ''}`, false);
      return;
    }
    // The library reads `params.id` of a cancel without looking: one without it would throw out of
    // this read, dropping the frames behind it in the same chunk (and stalling the connection).
    if (o.method === CANCEL_METHOD && o.id === undefined && !namesARequest(o.params)) {
      this.reject(null, ErrorCodes.InvalidParams, `invalid ${CANCEL_METHOD}: params.id must be the id (a string or a number) of the request to cancel`, false);
      return;
    }
    const refused = this.opts.admit?.(o as unknown as Message);
    if (refused) {
      this.reject(id, refused.code, refused.message, false);
      return;
    }
    noteInput();
    try {
      this.callback?.(o as unknown as Message);
    } catch (err) {
      // Whatever the library trips on, the frames behind this one are still read.
      this.reject(id, ErrorCodes.InternalError, `message not handled: ${(err as Error)?.message ?? String(err)}`, false);
    }
  }
}

const CANCEL_METHOD = '$/cancelRequest';

/** Whether a cancel's params name a request: `{ id: string | number }`. */
function namesARequest(params: unknown): boolean {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  const id = (params as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}
