/** Runs kubectl against a sim, for tests that use it as an independent client. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeSim } from '../src/index.js';

export const haveKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 30_000 }).status === 0;

export interface KubectlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KubectlRunner {
  run(sim: KubeSim, args: string[], timeoutMs?: number): Promise<KubectlRun>;
  cleanup(): void;
}

export function kubectlRunner(): KubectlRunner {
  const dir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
  return {
    run(sim, args, timeoutMs = 60_000) {
      const kc = join(dir, `kubeconfig-${sim.port}`);
      writeFileSync(kc, sim.kubeconfigYaml, { mode: 0o600 });
      const env = { ...process.env, KUBECONFIG: kc, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
      return new Promise((resolve) => {
        const c = spawn('kubectl', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
        c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
        const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
        c.on('close', (code) => {
          clearTimeout(t);
          resolve({ code, stdout, stderr });
        });
      });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
