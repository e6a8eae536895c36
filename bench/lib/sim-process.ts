import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, waitFor } from '../../test/helpers/daemon-process.js';

export interface JournalEntry {
  seq: number;
  time: number;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
}

/**
 * kube-sim in its own process (its CPU is not the daemon's, nor this process's), driven through its
 * admin API (`/_sim/<action>`) with its bearer token and CA, like any HTTPS client.
 */
export class SimProcess {
  private constructor(
    readonly proc: ChildProcess,
    readonly url: string,
    readonly kubeconfig: string,
    readonly token: string,
    readonly caFile: string,
    private readonly ca: Buffer,
  ) {
    // Kept alive: a marker pod is created within a fraction of a millisecond of the request, no TLS handshake first.
    this.agent = new Agent({ keepAlive: true, ca, maxSockets: 4 });
  }

  private readonly agent: Agent;

  static async start(dir: string): Promise<SimProcess> {
    const kubeconfig = join(dir, 'sim-kubeconfig');
    const proc = spawn(process.execPath, ['--max-old-space-size=4096', join(REPO_ROOT, 'packages/kube-sim/dist/cli.js'), '--port', '0', '--seed', 'empty', '--kubeconfig-out', kubeconfig], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('kube-sim listening', () => out.includes('kubeconfig written'), 60_000);
    const url = /listening on (https:\/\/\S+)/.exec(out)![1]!;
    const kc = readFileSync(kubeconfig, 'utf8');
    const token = /token: "?([^"\s]+)/.exec(kc)![1]!;
    const ca = Buffer.from(/certificate-authority-data: "?([^"\s]+)/.exec(kc)![1]!, 'base64');
    const caFile = join(dir, 'sim-ca.pem');
    writeFileSync(caFile, ca);
    return new SimProcess(proc, url, kubeconfig, token, caFile, ca);
  }

  /** A kubeconfig for the sim whose context's namespace is `namespace` (kubectl and the daemon then list it). */
  kubeconfigFor(namespace: string, dir: string): string {
    const file = join(dir, `kubeconfig-${namespace}`);
    writeFileSync(file, readFileSync(this.kubeconfig, 'utf8').replace(/namespace: "default"/, `namespace: ${JSON.stringify(namespace)}`), { mode: 0o600 });
    return file;
  }

  admin<T = unknown>(action: string, body?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const r = request(`${this.url}/_sim/${action}`, { method: body === undefined ? 'GET' : 'POST', agent: this.agent, headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' } }, (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(b) as { result: T }).result) : reject(new Error(`_sim/${action}: ${res.statusCode} ${b}`))));
      });
      r.on('error', reject);
      r.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  async namespace(name: string): Promise<void> {
    await this.admin('objects', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  /** Adds `n` running pods named `<prefix>-000000…` (in batches, so no admin request runs for long). */
  async addPods(n: number, namespace: string, prefix = 'pod'): Promise<void> {
    for (let done = 0; done < n; ) {
      const k = Math.min(20_000, n - done);
      await this.admin('add-pods', { n: k, namespace, prefix });
      done += k;
    }
  }

  /** A running pod created now (a marker whose arrival on a screen is timed). */
  createPod(namespace: string, name: string): Promise<unknown> {
    const now = new Date().toISOString();
    return this.admin('objects', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace },
      spec: { nodeName: 'sim-node-1', containers: [{ name: 'main', image: 'busybox' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: now } } }] },
    });
  }

  journal(path?: string, sinceSeq?: number): Promise<JournalEntry[]> {
    const q = new URLSearchParams();
    if (path) q.set('path', path);
    if (sinceSeq !== undefined) q.set('sinceSeq', String(sinceSeq));
    return this.admin<JournalEntry[]>(`journal?${q.toString()}`);
  }

  stop(): void {
    this.agent.destroy();
    this.proc.kill();
  }
}
