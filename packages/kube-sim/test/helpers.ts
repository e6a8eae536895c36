/** Shared test helpers: start a sim, build a client-node KubeConfig, raw HTTPS, waiting. */
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { startKubeSim, type KubeSim, type KubeSimOptions } from '../src/index.js';

const running = new Set<KubeSim>();

export async function startSim(opts: Partial<KubeSimOptions> = {}): Promise<{ sim: KubeSim; kc: KubeConfig }> {
  const sim = await startKubeSim({ seed: 'empty', port: 0, ...opts });
  running.add(sim);
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml);
  return { sim, kc };
}

export async function stopAll(): Promise<void> {
  const sims = [...running];
  running.clear();
  await Promise.all(sims.map((s) => s.stop()));
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = unknown>(): T;
}

export function raw(sim: KubeSim, method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown; token?: string | null } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== null) headers['Authorization'] = `Bearer ${opts.token ?? sim.token}`;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] ??= 'application/json';
      // Node sends a DELETE body unframed unless it has a length.
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const req = https.request(`${sim.url}${path}`, { method, headers, ca: sim.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Polls `cond` until it returns a truthy value (no fixed sleeps in assertions). */
export async function waitFor<T>(cond: () => T | undefined | null | false | Promise<T | undefined | null | false>, what = 'condition', timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function pod(name: string, namespace = 'default', labels: Record<string, string> = {}): {
  apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: { containers: Array<{ name: string; image: string }> };
} {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } };
}

/** A pod that is scheduled and running (what a kubelet would report), with the given containers. */
export function runningPod(name: string, containers: Array<{ name: string; image?: string; ports?: number[] }> = [{ name: 'main' }], namespace = 'default'): {
  apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown>; status: Record<string, unknown>;
} {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { nodeName: 'node-1', containers: containers.map((c) => ({ name: c.name, image: c.image ?? 'busybox:1.36', ports: (c.ports ?? []).map((p) => ({ containerPort: p })) })) },
    status: {
      phase: 'Running',
      podIP: '10.244.0.9',
      startTime: now,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: containers.map((c) => ({ name: c.name, ready: true, restartCount: 0, image: c.image ?? 'busybox:1.36', imageID: '', state: { running: { startedAt: now } } })),
    },
  };
}
