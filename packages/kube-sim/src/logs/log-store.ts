/**
 * Logs of every container instance, keyed by pod uid and container name: the current instance
 * and the previous (terminated) one, for `previous=true` (checklist G2).
 */
import { ContainerLog } from './container-log.js';

interface Slot {
  current: ContainerLog;
  previous: ContainerLog | undefined;
}

export interface ProducerSpec {
  perSec: number;
  lineLength: number | undefined;
  make: (n: number) => string;
}

export class LogStore {
  private readonly slots = new Map<string, Slot>();
  private readonly producers = new Map<string, ProducerSpec & { debt: number; n: number }>();
  private timer: NodeJS.Timeout | undefined;
  private last = Date.now();

  private key(uid: string, container: string): string {
    return `${uid}/${container}`;
  }

  has(uid: string, container: string): boolean {
    return this.slots.has(this.key(uid, container));
  }

  current(uid: string, container: string): ContainerLog | undefined {
    return this.slots.get(this.key(uid, container))?.current;
  }

  previous(uid: string, container: string): ContainerLog | undefined {
    return this.slots.get(this.key(uid, container))?.previous;
  }

  /** The current instance, created on first use. */
  ensure(uid: string, container: string): ContainerLog {
    const k = this.key(uid, container);
    let s = this.slots.get(k);
    if (!s) {
      s = { current: new ContainerLog(), previous: undefined };
      this.slots.set(k, s);
    }
    return s.current;
  }

  append(uid: string, container: string, text: string): void {
    this.ensure(uid, container).append(text);
  }

  /** The container instance terminated: followers of its log are ended. */
  terminate(uid: string, container: string): void {
    this.slots.get(this.key(uid, container))?.current.end();
    this.producers.delete(this.key(uid, container));
  }

  /** A new instance starts: the current log becomes the previous one. */
  restart(uid: string, container: string): ContainerLog {
    const k = this.key(uid, container);
    const s = this.slots.get(k);
    const fresh = new ContainerLog();
    if (s) {
      s.current.end();
      s.previous = s.current;
      s.current = fresh;
    } else this.slots.set(k, { current: fresh, previous: undefined });
    return fresh;
  }

  /** The pod is gone: end and forget all its logs. */
  dropPod(uid: string): void {
    const prefix = `${uid}/`;
    for (const [k, s] of this.slots) {
      if (!k.startsWith(prefix)) continue;
      s.current.end();
      this.slots.delete(k);
      this.producers.delete(k);
    }
  }

  /** Appends generated lines to a container at `perSec` until stopped or terminated. */
  produce(uid: string, container: string, spec: ProducerSpec): void {
    const k = this.key(uid, container);
    if (spec.perSec <= 0) {
      this.producers.delete(k);
      return;
    }
    const existing = this.producers.get(k);
    this.producers.set(k, { ...spec, debt: 0, n: existing?.n ?? 0 });
    if (!this.timer) {
      this.last = Date.now();
      this.timer = setInterval(() => this.tick(), 100);
      this.timer.unref();
    }
  }

  isProducing(uid: string, container: string): boolean {
    return this.producers.has(this.key(uid, container));
  }

  private tick(): void {
    const now = Date.now();
    const dt = (now - this.last) / 1000;
    this.last = now;
    for (const [k, p] of this.producers) {
      const s = this.slots.get(k);
      if (!s || s.current.ended) {
        this.producers.delete(k);
        continue;
      }
      p.debt += dt * p.perSec;
      let n = Math.floor(p.debt);
      p.debt -= n;
      n = Math.min(n, Math.ceil(p.perSec) + 1);
      for (let i = 0; i < n; i++) {
        let text = p.make(p.n++);
        if (p.lineLength !== undefined) text = text.length >= p.lineLength ? text.slice(0, p.lineLength) : text.padEnd(p.lineLength, '.');
        s.current.append(text, now);
      }
    }
    if (this.producers.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.slots.values()) s.current.end();
    this.slots.clear();
    this.producers.clear();
  }
}
