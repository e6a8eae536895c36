/**
 * kubectl exec and port-forward into a pod that is then deleted: exec fails with the killed
 * command's exit code (137), port-forward loses its connection, over WebSocket and over SPDY.
 * Skipped when kubectl is not on PATH.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '../src/index.js';
import { haveKubectl } from './kubectl-runner.js';
import { runningPod, startSim, stopAll, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stopAll();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  out(): string;
  err(): string;
  /** Writes to kubectl's stdin (`-i`). */
  say(line: string): void;
  endInput(): void;
  exited: Promise<number | null>;
}

function kubectl(sim: KubeSim, args: string[], extraEnv: NodeJS.ProcessEnv): Running {
  const kc = join(dir, `kubeconfig-${sim.port}`);
  writeFileSync(kc, sim.kubeconfigYaml, { mode: 0o600 });
  const c = spawn('kubectl', args, { env: { ...process.env, KUBECONFIG: kc, KUBECACHEDIR: join(dir, 'cache'), HOME: dir, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(c);
  let out = '';
  let err = '';
  c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  c.stdin.on('error', () => undefined);
  if (!args.includes('-i')) c.stdin.end();
  return { out: () => out, err: () => err, say: (line) => c.stdin.write(`${line}\n`), endInput: () => c.stdin.end(), exited: new Promise((r) => c.on('close', (code) => r(code))) };
}

const MODES = {
  websocket: {},
  spdy: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' },
} as const;

describe.skipIf(!haveKubectl)('kubectl into a pod that is deleted', () => {
  for (const [mode, env] of Object.entries(MODES)) {
    it(`kubectl exec fails with "command terminated with exit code 137" (${mode}); the neighbour's exec goes on`, async () => {
      const { sim } = await startSim();
      sim.createObject(runningPod('web-1'));
      sim.createObject(runningPod('web-10'));
      const victim = kubectl(sim, ['exec', 'web-1', '--', 'sh', '-c', 'echo ready; sleep 600'], env);
      const neighbour = kubectl(sim, ['exec', '-i', 'web-10', '--', 'sh'], env);
      neighbour.say('echo ready');
      await waitFor(() => victim.out() === 'ready\n' && neighbour.out() === 'ready\n', 'both execs running', 30_000);
      sim.deleteObject('v1', 'Pod', 'web-1');
      expect(await victim.exited).toBe(137);
      expect(victim.err()).toBe('command terminated with exit code 137\n');
      expect(victim.out()).toBe('ready\n');
      // The neighbour's shell still answers, and ends as it was told to.
      neighbour.say('echo alive');
      await waitFor(() => neighbour.out() === 'ready\nalive\n', 'the neighbour still answering', 30_000);
      neighbour.say('exit 5');
      expect(await neighbour.exited).toBe(5);
      expect(neighbour.err()).toBe('command terminated with exit code 5\n');
    });

    it(`kubectl port-forward loses its connection (${mode})`, async () => {
      const { sim } = await startSim();
      sim.createObject(runningPod('web', [{ name: 'main', image: 'nginx:1.27', ports: [80] }]));
      const pf = kubectl(sim, ['port-forward', 'pod/web', ':80'], env);
      await waitFor(() => /Forwarding from 127\.0\.0\.1:\d+ -> 80/.test(pf.out()), 'port-forward ready', 30_000);
      sim.deleteObject('v1', 'Pod', 'web');
      expect(await pf.exited).not.toBe(0);
      expect(pf.err()).toContain('lost connection to pod');
    });
  }
});
