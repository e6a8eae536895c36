import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(args: string[]): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

describe('kube-sim CLI', () => {
  it('rejects bad flags with exit code 2 and names the flag', async () => {
    const a = run(['--bogus']);
    expect(await a.exit).toBe(2);
    expect(a.err()).toContain('unknown flag --bogus');
    const b = run(['--seed', 'lots']);
    expect(await b.exit).toBe(2);
    expect(b.err()).toContain('--seed must be demo or empty');
    const c = run(['--port', 'x']);
    expect(await c.exit).toBe(2);
    expect(c.err()).toContain('--port');
  });

  it('serves, writes a working kubeconfig and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-sim-cli-'));
    dirs.push(dir);
    const kcPath = join(dir, 'kubeconfig');
    const p = run(['--port', '0', '--seed', 'empty', '--kubeconfig-out', kcPath]);
    await new Promise<void>((resolve, reject) => {
      const check = (): void => { if (p.out().includes('kubeconfig written to')) resolve(); };
      p.child.stdout?.on('data', check);
      p.exit.then((code) => reject(new Error(`exited early (${String(code)}): ${p.err()}`)), reject);
    });
    expect(p.out()).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
    expect(p.out()).toContain(kcPath);
    const yaml = readFileSync(kcPath, 'utf8');
    expect(yaml).toContain('certificate-authority-data:');
    expect(yaml).toContain('current-context: "kube-sim"');
    const kc = new KubeConfig();
    kc.loadFromFile(kcPath);
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('default');
    const ns = await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(ns.items.map((n) => n.metadata?.name)).toContain('kube-system');
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });

  it('stops cleanly on SIGTERM after whatever read its output went away (kube-sim | head -1)', async () => {
    const p = run(['--port', '0', '--seed', 'empty']);
    await new Promise<void>((resolve, reject) => {
      const check = (): void => { if (p.out().includes('kubeconfig not written')) resolve(); };
      p.child.stdout?.on('data', check);
      p.exit.then((code) => reject(new Error(`exited early (${String(code)}): ${p.err()}`)), reject);
    });
    // The reader closes its end: the sim's next write to stdout (the stop message) meets a broken pipe.
    p.child.stdout?.destroy();
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(p.err()).not.toContain('EPIPE');
  });
});
