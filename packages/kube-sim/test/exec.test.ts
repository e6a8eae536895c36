import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import type { KubeSim } from '../src/index.js';
import { runningPod, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

interface ExecResult {
  stdout: string;
  stderr: string;
  status: V1Status;
  protocol: string;
}

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => { chunks.push(c); });
  // Decoded whole: a chunk may end inside a UTF-8 character.
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function execIn(kc: KubeConfig, argv: string[], opts: { stdin?: string[]; tty?: boolean; pod?: string; keepStdinOpen?: boolean } = {}): Promise<ExecResult> {
  const out = collector();
  const err = collector();
  let stdin: PassThrough | null = null;
  if (opts.stdin) stdin = new PassThrough();
  let resolveStatus!: (s: V1Status) => void;
  const statusP = new Promise<V1Status>((r) => { resolveStatus = r; });
  const ws = await new Exec(kc).exec('default', opts.pod ?? 'p', 'main', argv, out.stream, err.stream, stdin, opts.tty ?? false, (s) => resolveStatus(s));
  if (stdin && opts.stdin) {
    for (const chunk of opts.stdin) stdin.write(chunk);
    if (!opts.keepStdinOpen) stdin.end();
  }
  const status = await statusP;
  return { stdout: out.text(), stderr: err.text(), status, protocol: ws.protocol };
}

async function podSim(opts: Parameters<typeof startSim>[0] = {}): Promise<{ sim: KubeSim; kc: KubeConfig }> {
  const { sim, kc } = await startSim(opts);
  sim.createObject(runningPod('p', [{ name: 'main', image: 'nginx:1.27', ports: [8080] }]));
  return { sim, kc };
}

describe('exec over WebSocket', () => {
  it('runs echo on v5 and reports Success', async () => {
    const { kc } = await podSim();
    const r = await execIn(kc, ['echo', 'hi', 'there']);
    expect(r.protocol).toBe('v5.channel.k8s.io');
    expect(r.stdout).toBe('hi there\n');
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('reports non-zero exit codes in details.causes', async () => {
    const { kc } = await podSim();
    const r = await execIn(kc, ['sh', '-c', 'echo before; exit 3']);
    expect(r.stdout).toBe('before\n');
    expect(r.status.status).toBe('Failure');
    expect(r.status.reason).toBe('NonZeroExitCode');
    expect(r.status.details?.causes).toEqual([{ reason: 'ExitCode', message: '3' }]);
  });

  it('separates stderr, and fails unknown executables with InternalError', async () => {
    const { kc } = await podSim();
    const r = await execIn(kc, ['cat', '/etc/hostname', '/nope']);
    expect(r.stdout).toBe('p\n');
    expect(r.stderr).toBe('cat: /nope: No such file or directory\n');
    expect(r.status.details?.causes?.[0]?.message).toBe('1');
    const u = await execIn(kc, ['definitely-not-here']);
    expect(u.status.reason).toBe('InternalError');
    expect(u.status.message).toContain('executable file not found in $PATH');
  });

  it('sh -c SCRIPT NAME ARG…: positional parameters, NAME=value before a command, read takes one line and leaves the rest, export', async () => {
    const { kc } = await podSim();
    const script = 'IFS= read -r SECRET; export SECRET; export WHO="$1"; echo "$0 $# $1/$2 [$SECRET]"; env SECRET; GREETING=hi env GREETING; env WHO; false; echo "$?"; cat';
    const r = await execIn(kc, ['sh', '-c', script, 'name', 'one', 'two'], { stdin: ['  pass word \nrest of ', 'the input\n'] });
    expect(r.stdout).toBe('name 2 one/two [  pass word ]\n  pass word \nhi\none\n1\nrest of the input\n');
    expect(r.status.status).toBe('Success');
    // Without IFS= the line is trimmed; a variable set before a command is not kept after it.
    const t = await execIn(kc, ['sh', '-c', 'read -r A; env A; X=1 true; env X || echo unset'], { stdin: ['  spaced  \n'] });
    expect(t.stdout).toBe('spaced\nunset\n');
  });

  it('feeds stdin to cat and ends it with the v5 CLOSE frame', async () => {
    const { kc } = await podSim();
    const r = await execIn(kc, ['cat'], { stdin: ['hello ', 'world\n'] });
    expect(r.stdout).toBe('hello world\n');
    expect(r.status.status).toBe('Success');
    const env = await execIn(kc, ['sh', '-c', 'env | head -n 2; echo $HOSTNAME; ls /etc']);
    expect(env.stdout).toContain('PATH=');
    expect(env.stdout).toContain('\np\n');
    expect(env.stdout).toContain('resolv.conf');
  });

  it('speaks v4 when the server is in kubelet mode', async () => {
    const { kc } = await podSim({ config: { execProtocols: 'kubelet' } });
    const r = await execIn(kc, ['sh', '-c', 'exit 7']);
    expect(r.protocol).toBe('v4.channel.k8s.io');
    expect(r.status.details?.causes).toEqual([{ reason: 'ExitCode', message: '7' }]);
  });

  it('a program writing a UTF-8 character in two writes reaches a tty whole (each chunk was decoded alone: U+FFFD)', async () => {
    const { sim, kc } = await podSim();
    // The pod's psql is the host's python here (its arguments first, then -h/-p, which it ignores).
    sim.mapPsql('default', 'p', { bin: 'python3', host: '127.0.0.1', port: 1 });
    const code = "import sys,time\nfor part in (b'a\\xe6', b'\\x97\\xa5', b'b\\n'):\n  sys.stdout.buffer.write(part); sys.stdout.flush(); time.sleep(0.1)";
    const r = await execIn(kc, ['psql', '-c', code], { tty: true });
    expect(r.stdout).toBe('a日b\r\n');
  });

  it('runs an interactive shell with a tty: echo, prompt, exit N', async () => {
    const { kc } = await podSim();
    const r = await execIn(kc, ['sh'], { tty: true, stdin: ['echo hi\r', 'exit 4\r'], keepStdinOpen: true });
    expect(r.stdout).toContain('root@p:/# ');
    expect(r.stdout).toContain('echo hi\r\nhi\r\n');
    expect(r.status.details?.causes).toEqual([{ reason: 'ExitCode', message: '4' }]);
  });

  it('rejects exec into a pod that is not running, and unknown pods, before the upgrade', async () => {
    const { sim, kc } = await podSim();
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'x' }] } });
    await expect(new Exec(kc).exec('default', 'pending', 'main', ['echo'], null, null, null, false)).rejects.toMatchObject({ message: expect.stringContaining('400') });
    await expect(new Exec(kc).exec('default', 'ghost', 'main', ['echo'], null, null, null, false)).rejects.toMatchObject({ message: expect.stringContaining('404') });
  });

  it('sends the connected frame first, handles resize frames, and speaks base64 when asked', async () => {
    const { sim } = await podSim();
    const ws = new WebSocket(`${sim.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/p/exec?command=sh&stdin=true&stdout=true&tty=true`, ['base64.channel.k8s.io'], { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` } });
    const frames: string[] = [];
    ws.on('message', (d: Buffer) => frames.push(d.toString('utf8')));
    await new Promise((r) => ws.once('open', r));
    expect(ws.protocol).toBe('base64.channel.k8s.io');
    await waitFor(() => frames.length > 0, 'connected frame');
    expect(frames[0]).toBe('1');
    ws.send(`4${Buffer.from('{"Width":100,"Height":30}').toString('base64')}`);
    ws.send(`0${Buffer.from('exit 0\r').toString('base64')}`);
    await new Promise((r) => ws.once('close', r));
    expect(frames.every((f) => f[0] === '1')).toBe(true);
    const decoded = frames.map((f) => Buffer.from(f.slice(1), 'base64').toString('utf8')).join('');
    expect(decoded).toContain('root@p:/# exit 0\r\n');
  });
});
