import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { CLIENT_MAIN, makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';

/**
 * Output is never lost to a slow pipe: `kubetile snapshot` of a long list read late arrives whole,
 * and `kubetile rpc --watch` into a reader that stops for a while keeps every line it wrote whole
 * (JSON each), does not grow without bound, and delivers the newest view once the reader reads
 * again; Ctrl-C then leaves with status 0 after writing what it had.
 */

const execFileP = promisify(execFile);
let sim: KubeSim;
let env: TestEnv;
let daemon: DaemonProcess;

beforeAll(async () => {
  env = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: join(env.dir, 'kubeconfig'), stateDir: join(env.dir, 'sim') });
  await sim.addPods(1500, 'default', { prefix: 'a-pod-with-a-rather-long-name-for-wide-rows' });
  env.env.KUBECONFIG = join(env.dir, 'kubeconfig');
  env.env.KUBETILE_SOCKET = env.socket;
  daemon = await startDaemon(env);
}, 120_000);
afterAll(async () => {
  await daemon?.stop();
  await sim?.stop();
  env?.cleanup();
});

async function kubetile(...args: string[]): Promise<string> {
  return (await execFileP(process.execPath, [CLIENT_MAIN, ...args], { env: env.env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 })).stdout;
}

function sh(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env: { ...env.env, K: `${JSON.stringify(process.execPath)} ${JSON.stringify(CLIENT_MAIN)}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let paneId: number;

describe('output into a slow pipe', () => {
  it('kubetile snapshot of a long list, read late, arrives whole', async () => {
    paneId = Number((await kubetile('open', 'pods')).trim());
    const full = await waitFor('the whole list in the snapshot', async () => {
      const t = await kubetile('snapshot', String(paneId), '--rows', '2000', '--cols', '300');
      return t.split('\n').filter((l) => l.startsWith('a-pod-')).length === 1500 ? t : null;
    }, 60_000);
    // More than a pipe holds, so a late reader could lose the tail if the command did not wait.
    expect(Buffer.byteLength(full)).toBeGreaterThan(64 * 1024);
    const r = await sh(`eval "$K snapshot ${paneId} --rows 2000 --cols 300" | (sleep 2; cat); echo "status=\${PIPESTATUS[0]}"`);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('\nstatus=0\n')).toBe(true);
    // The same rows as a reader that kept up got (the AGE column may have moved on).
    const names = (t: string): string[] => t.split('\n').filter((l) => l.startsWith('a-pod-')).map((l) => l.split(/\s+/)[0]!);
    expect(names(r.stdout)).toEqual(names(full));
    expect(r.stdout.split('\n')[0]).toBe(full.split('\n')[0]);
    const j = await sh(`eval "$K snapshot ${paneId} --rows 2000 --cols 300 --format json" | (sleep 2; cat) | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).rows.length))'`);
    expect(j.stdout.trim()).toBe('1500');
  }, 180_000);

  it('rpc --watch into a reader that stops: every line whole, bounded, the newest view when it reads again, Ctrl-C exits 0', async () => {
    const child = spawn(process.execPath, [CLIENT_MAIN, 'rpc', 'pane/command', JSON.stringify({ paneId, command: { type: 'filter', query: 'zz-' } }), '--watch', 'pane/view', '--pane', String(paneId), '--rows', '400', '--cols', '300'], {
      env: env.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    const text = (): string => Buffer.concat(chunks).toString();
    await waitFor('the call answered', () => text().includes('{"result":'), 60_000);

    // The reader stops; pods churn meanwhile (each change a new view of up to 300 rows).
    child.stdout.pause();
    const before = Buffer.concat(chunks).length;
    for (let i = 0; i < 300; i++) {
      sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `zz-churn-${i}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } });
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 3000));
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'zz-newest', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase: 'Running' } });
    child.stdout.resume();

    type Line = { result?: unknown; method?: string; params?: { paneId: number; view: { rows?: Array<{ cells: Record<string, string> }> } } };
    const lines = (): Line[] => text().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
    const shows = (l: Line, name: string): boolean => (l.params?.view.rows ?? []).some((r) => r.cells.name === name);
    await waitFor('the newest view arrives once the reader reads', () => lines().some((l) => shows(l, 'zz-newest')), 60_000);
    // The paused stretch did not leave a backlog of every frame: what came is bounded (the command
    // stops reading the daemon past 1 MiB unread; the daemon keeps only the newest view).
    const during = Buffer.concat(chunks).length - before;
    expect(during).toBeLessThan(16 * 1024 * 1024);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(err).toBe('');
    const all = text();
    expect(all.endsWith('\n')).toBe(true);
    // Every line is whole JSON: the call's result, then this pane's views.
    expect(lines().every((l) => l.result !== undefined || (l.method === 'pane/view' && l.params!.paneId === paneId))).toBe(true);
  }, 180_000);
});
