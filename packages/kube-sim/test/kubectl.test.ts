/**
 * kubectl as a second, independent client. Skipped (with a message) when kubectl is not on PATH.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '../src/index.js';
import { pod, runningPod, startSim, stopAll, waitFor } from './helpers.js';

const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 30_000 });
const haveKubectl = probe.status === 0;
if (!haveKubectl) console.warn('kube-sim: kubectl is not on PATH; skipping the kubectl tests');

let dir = '';
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stopAll();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function env(sim: KubeSim): NodeJS.ProcessEnv {
  const kc = join(dir, `kubeconfig-${sim.port}`);
  writeFileSync(kc, sim.kubeconfigYaml, { mode: 0o600 });
  return { ...process.env, KUBECONFIG: kc, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function kubectl(sim: KubeSim, args: string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn('kubectl', args, { env: { ...env(sim), ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(c);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    c.stdin.end(input ?? '');
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!haveKubectl)(`kubectl against kube-sim${haveKubectl ? '' : ' (skipped: kubectl not on PATH)'}`, () => {
  it('lists pods in all namespaces', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('web-1'));
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    sim.createObject(runningPod('api-1', [{ name: 'main' }], 'team'));
    const r = await kubectl(sim, ['get', 'pods', '-A']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4).join(' '))).toEqual(['default web-1 1/1 Running', 'team api-1 1/1 Running']);
  });

  it('watches pods and prints an event that arrives', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('first'));
    const c = spawn('kubectl', ['get', 'pods', '-w'], { env: env(sim), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(c);
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    await waitFor(() => sim.journalEntries({ path: '/api/v1/namespaces/default/pods' }).some((e) => e.query['watch'] === 'true') && sim.metrics().watches.open > 0, 'kubectl watch open', 30_000);
    expect(out).toContain('first');
    sim.createObject(pod('arrived'));
    await waitFor(() => out.includes('arrived'), 'watched event printed', 30_000);
    expect(out).toMatch(/arrived\s+0\/1\s+Pending/);
    c.kill('SIGTERM');
  });

  it('prints pod logs', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    sim.appendLog('default', 'p', ['line one', 'line two']);
    const r = await kubectl(sim, ['logs', 'p']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('line one\nline two\n');
    const tail = await kubectl(sim, ['logs', 'p', '--tail=1', '--timestamps']);
    expect(tail.stdout).toMatch(/^\S+Z line two\n$/);
  });

  it('execs a command and propagates its exit code', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    const r = await kubectl(sim, ['exec', 'p', '--', 'echo', 'hi']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi\n');
    const fail = await kubectl(sim, ['exec', 'p', '--', 'sh', '-c', 'exit 3']);
    expect(fail.code).toBe(3);
    const piped = await kubectl(sim, ['exec', '-i', 'p', '--', 'cat'], 'from stdin\n');
    expect(piped.stdout).toBe('from stdin\n');
  });

  it('execs over SPDY/3.1 as older kubectl does', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    // kubectl 1.30+ uses WebSockets unless told otherwise; older ones (Debian's 1.20) always use SPDY.
    const spdy = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    const r = await kubectl(sim, ['exec', 'p', '--', 'sh', '-c', 'echo spdy; exit 5'], undefined, spdy);
    expect(r.stdout).toBe('spdy\n');
    expect(r.code).toBe(5);
    const piped = await kubectl(sim, ['exec', '-i', 'p', '--', 'cat'], 'through spdy\n', spdy);
    expect(piped.stdout).toBe('through spdy\n');
    expect(piped.code).toBe(0);
    expect(sim.journalEntries({ path: '/api/v1/namespaces/default/pods/p/exec' }).some((e) => e.headers['upgrade']?.toLowerCase() === 'spdy/3.1')).toBe(true);
  });

  for (const mode of ['default', 'spdy'] as const) {
    it(`port-forwards to a pod port (${mode})`, async () => {
      const { sim } = await startSim();
      sim.createObject(runningPod('web', [{ name: 'main', image: 'nginx:1.27', ports: [80] }]));
      const extra: NodeJS.ProcessEnv = mode === 'spdy' ? { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } : {};
      const c = spawn('kubectl', ['port-forward', 'pod/web', ':80'], { env: { ...env(sim), ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(c);
      let out = '';
      c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      const m = await waitFor(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(out), 'port-forward ready', 30_000);
      const port = Number(m[1]);
      const body = await new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.write('GET /via-kubectl HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n'));
        let text = '';
        s.on('data', (d: Buffer) => { text += d.toString(); });
        s.on('end', () => resolve(text));
        s.on('error', reject);
      });
      expect(body).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(body).toContain('default/web port 80 answered GET /via-kubectl');
      c.kill('SIGTERM');
    });
  }

  it('applies manifests (create, then configure)', async () => {
    const { sim } = await startSim();
    const manifest = (v: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  a: "${v}"\n`;
    const first = await kubectl(sim, ['apply', '-f', '-'], manifest('1'));
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('configmap/applied created\n');
    const second = await kubectl(sim, ['apply', '-f', '-'], manifest('2'));
    expect(second.stdout).toBe('configmap/applied configured\n');
    expect(sim.getObject('v1', 'ConfigMap', 'applied')?.['data']).toEqual({ a: '2' });
  });
});
