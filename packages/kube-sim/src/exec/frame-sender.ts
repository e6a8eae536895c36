/**
 * Sends WebSocket messages one at a time: each only after `ws` has handed the previous one to
 * the socket. Messages sent in one tick would otherwise leave in one socket write, which TLS
 * seals into one record; a client that reads exactly one frame and then waits for its raw socket
 * to become readable (the official Python client's poll loop) never learns that the next frames
 * are already decrypted in its TLS buffer, and waits until the connection drops. One message per
 * write means one frame per TLS record, which is how kube-apiserver's Go writers flush them.
 */
import type { WebSocket } from 'ws';

export class FrameSender {
  private readonly queue: Array<Buffer | string> = [];
  private queued = 0;
  private busy = false;
  private waiting: Array<() => void> = [];

  constructor(private readonly ws: WebSocket) {}

  send(frame: Buffer | string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.queue.push(frame);
    this.queued += frame.length;
    this.pump();
  }

  /** Bytes waiting behind the message being written (a slow client makes this grow). */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Runs `fn` once every message queued so far is written (or the socket is gone). */
  afterQueued(fn: () => void): void {
    this.waiting.push(fn);
    this.pump();
  }

  private pump(): void {
    if (this.busy) return;
    const next = this.queue.shift();
    if (next === undefined) {
      const fns = this.waiting;
      this.waiting = [];
      for (const fn of fns) fn();
      return;
    }
    this.queued -= next.length;
    if (this.ws.readyState !== this.ws.OPEN) {
      this.queue.length = 0;
      this.queued = 0;
      this.pump();
      return;
    }
    this.busy = true;
    this.ws.send(next, (err) => {
      this.busy = false;
      if (err) {
        this.queue.length = 0;
        this.queued = 0;
      }
      this.pump();
    });
  }
}
