import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '../../src/kube/kubeconfig.js';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { openExec, type ExecSession } from '../../src/kube/exec/exec-session.js';
import { execEndFromStatus, type ExecEnd } from '../../src/kube/exec/exec-status.js';
import { shellCommand } from '../../src/panes/exec/shell-command.js';

/** The exec channel protocol against kube-sim: v5 and v4, stdin, resize, the exit Status, refusals. */

const sims: KubeSim[] = [];
let kc: KubeConfig;
let kcV4: KubeConfig;

const running = (name: string, containers = ['main']) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: 'node-1', containers: containers.map((c) => ({ name: c, image: 'debian:12' })) },
  status: {
    phase: 'Running',
    containerStatuses: containers.map((c) => ({ name: c, ready: true, restartCount: 0, image: 'debian:12', imageID: '', state: { running: { startedAt: new Date().toISOString() } } })),
  },
});

async function sim(config?: Record<string, unknown>): Promise<KubeConfig> {
  const s = await startKubeSim({ port: 0, seed: 'empty', ...(config ? { config } : {}) });
  sims.push(s);
  s.createObject(running('p'));
  const k = new KubeConfig();
  k.loadFromString(s.kubeconfigYaml);
  return k;
}

beforeAll(async () => {
  kc = await sim();
  kcV4 = await sim({ execProtocols: 'kubelet' });
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});

interface Run {
  session: ExecSession;
  out(): string;
  end: Promise<ExecEnd>;
}

async function run(k: KubeConfig, command: readonly string[], pod = 'p'): Promise<Run> {
  let out = '';
  let resolveEnd!: (e: ExecEnd) => void;
  const end = new Promise<ExecEnd>((r) => (resolveEnd = r));
  const session = await openExec(k, { namespace: 'default', pod, command, tty: true }, { output: (d) => (out += d.toString('utf8')), end: resolveEnd });
  return { session, out: () => out, end };
}

async function until(label: string, pred: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('exec over the API WebSocket', () => {
  for (const [label, k] of [['v5', () => kc], ['v4', () => kcV4]] as const) {
    it(`${label}: the first-shell script runs a shell; input, resize and the exit code`, async () => {
      const r = await run(k(), shellCommand(['zsh', 'bash', 'sh']));
      expect(r.session.protocol).toBe(label === 'v5' ? 'v5.channel.k8s.io' : 'v4.channel.k8s.io');
      await until('prompt', () => r.out().includes('root@p:/# '));
      r.session.resize(91, 27);
      r.session.write('stty size\r');
      await until('stty size', () => r.out().includes('27 91\r\n'));
      r.session.write('exit 42\r');
      expect(await r.end).toEqual({ kind: 'exit', code: 42 });
      await r.session.closed;
      expect(r.session.write('x')).toBe(false);
    });
  }

  it('exit 0 is Success; closing the session ends the shell (v5: stdin closed first)', async () => {
    const r = await run(kc, ['sh', '-c', 'exit 0']);
    expect(await r.end).toEqual({ kind: 'exit', code: 0 });
    const live = await run(kc, ['sh']);
    await until('prompt', () => live.out().includes('# '));
    live.session.close();
    await live.session.closed;
    // The shell read end of input and exited (v5), or the socket went first (v4).
    expect(['exit', 'lost']).toContain((await live.end).kind);
  });

  it('an executable the container lacks is an error with the runtime\'s message', async () => {
    const r = await run(kc, ['zsh-not-here']);
    const end = await r.end;
    expect(end.kind).toBe('error');
    expect(end.kind === 'error' && end.message).toMatch(/executable file not found/);
  });

  it('refusals carry the server\'s message: a pod that is gone', async () => {
    await expect(run(kc, ['sh'], 'ghost')).rejects.toThrow(/pods "ghost" not found/);
  });

  it('refuses names that are not names before any request', async () => {
    await expect(openExec(kc, { namespace: 'default', pod: '../x', command: ['sh'], tty: true }, { output: () => {}, end: () => {} })).rejects.toThrow(/not an object name/);
  });
});

describe('the exit Status', () => {
  const st = (o: unknown): ExecEnd => execEndFromStatus(Buffer.from(JSON.stringify(o)));
  it('reads Success, NonZeroExitCode and other failures; refuses what is not a Status', () => {
    expect(st({ metadata: {}, status: 'Success' })).toEqual({ kind: 'exit', code: 0 });
    expect(st({ status: 'Failure', reason: 'NonZeroExitCode', message: 'x', details: { causes: [{ reason: 'ExitCode', message: '130' }] } })).toEqual({ kind: 'exit', code: 130 });
    expect(st({ status: 'Failure', reason: 'NonZeroExitCode', message: 'terminated', details: { causes: [{ reason: 'ExitCode', message: '99999' }] } })).toEqual({ kind: 'error', message: 'terminated' });
    expect(st({ status: 'Failure', reason: 'InternalError', message: 'boom\x1b[2J\nnext' })).toEqual({ kind: 'error', message: 'boom [2J next' });
    expect(st([1, 2])).toMatchObject({ kind: 'error', message: expect.stringContaining('not a Status') });
    expect(execEndFromStatus(Buffer.alloc(70_000, 0x20))).toMatchObject({ kind: 'error', message: expect.stringContaining('70000 bytes') });
    expect(execEndFromStatus(Buffer.from('command terminated with exit code 3'))).toEqual({ kind: 'error', message: 'command terminated with exit code 3' });
  });
});
