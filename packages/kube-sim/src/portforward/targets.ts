/**
 * Where a forwarded pod port really goes: a test-registered target, or the sim's own responder
 * for a declared container port (started on first use, stopped with the pod). (Checklist I4.)
 */
import type { PodIdentity } from '../exec/fake-fs.js';
import { PodPortResponder } from './responder.js';

export interface PortTarget {
  host: string;
  port: number;
}

/** A port served by something of its own (the demo's embedded PostgreSQL), or undefined. */
export type SpecialTarget = (pod: PodIdentity, port: number) => Promise<PortTarget | undefined> | undefined;

export class PortTargets {
  private readonly overrides = new Map<string, PortTarget>();
  /** Consulted after the test overrides, before the generic responders. */
  special: SpecialTarget | null = null;
  private readonly responders = new Map<string, Promise<PodPortResponder>>();

  /** Sends connections for namespace/pod:port to host:port (e.g. a test's echo server). */
  setTarget(namespace: string, pod: string, podPort: number, target: PortTarget | null): void {
    const k = `${namespace}/${pod}:${podPort}`;
    if (target) this.overrides.set(k, target);
    else this.overrides.delete(k);
  }

  async resolve(pod: PodIdentity, declaredPorts: readonly number[], port: number): Promise<PortTarget | undefined> {
    const o = this.overrides.get(`${pod.namespace}/${pod.name}:${port}`);
    if (o) return o;
    const s = this.special?.(pod, port);
    if (s) return s;
    if (!declaredPorts.includes(port)) return undefined;
    const k = `${pod.uid}:${port}`;
    let r = this.responders.get(k);
    if (!r) {
      const responder = new PodPortResponder(pod, port);
      r = responder.listen().then(() => responder);
      this.responders.set(k, r);
    }
    return { host: '127.0.0.1', port: (await r).port };
  }

  async dropPod(uid: string): Promise<void> {
    for (const [k, r] of this.responders) {
      if (!k.startsWith(`${uid}:`)) continue;
      this.responders.delete(k);
      await (await r).close();
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.responders.values()];
    this.responders.clear();
    await Promise.all(all.map(async (r) => (await r).close()));
  }
}
