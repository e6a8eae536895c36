/** Response helpers: JSON bodies, Status errors, and back-pressure aware streaming. */
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { ApiError, failureStatus, type Status } from '../api/status.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: Status, headers: Record<string, string> = {}): void {
  sendJson(res, status.code, status, headers);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) {
    sendStatus(res, err.status, err.headers);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  // errors.NewInternalError: the cause in details.
  sendStatus(res, failureStatus('InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }));
}

/** Writes and waits for 'drain' when the socket buffer is full. Resolves false if the stream closed. */
export function writeAsync(out: Writable, chunk: string): Promise<boolean> | boolean {
  if (out.destroyed || out.writableEnded) return false;
  if (out.write(chunk)) return true;
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}
