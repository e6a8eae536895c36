import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { KubeSim } from '../src/index.js';
import { runningPod, startSim, stopAll, waitFor } from './helpers.js';

/**
 * What a terminal client (kubetile's exec pane) needs of the simulated shell, as a real container's
 * shell does it: the shell-picking script (`command -v`, `exec`, `>/dev/null`), `stty size` after a
 * resize, a lone Esc echoed as ^[ (a tty's echoctl), `echo -e` escape sequences, and `yes` paced
 * by the client so a flood does not fill the sim's memory.
 */

afterEach(stopAll);

interface Session {
  ws: WebSocket;
  text(): string;
  bytes(): number;
  status(): Record<string, unknown> | null;
  send(s: string): void;
  resize(cols: number, rows: number): void;
  closed: Promise<void>;
}

async function openTty(sim: KubeSim, argv: string[]): Promise<Session> {
  const q = argv.map((a) => `command=${encodeURIComponent(a)}`).join('&');
  const ws = new WebSocket(`${sim.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/p/exec?${q}&stdin=true&stdout=true&tty=true`, ['v5.channel.k8s.io'], {
    ca: sim.caPem,
    headers: { Authorization: `Bearer ${sim.token}` },
  });
  let out = '';
  let bytes = 0;
  let status: Record<string, unknown> | null = null;
  ws.on('message', (d: Buffer) => {
    if (d[0] === 1) {
      bytes += d.length - 1;
      out += d.subarray(1).toString('utf8');
      if (out.length > 1_000_000) out = out.slice(-100_000); // the tail is what tests look at
    }
    if (d[0] === 3) status = JSON.parse(d.subarray(1).toString('utf8')) as Record<string, unknown>;
  });
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  await new Promise((r) => ws.once('open', r));
  return {
    ws,
    text: () => out,
    bytes: () => bytes,
    status: () => status,
    send: (s) => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(s)])),
    resize: (cols, rows) => ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: cols, Height: rows }))])),
    closed,
  };
}

async function podSim(): Promise<KubeSim> {
  const { sim } = await startSim();
  sim.createObject(runningPod('p', [{ name: 'main', image: 'debian:12' }]));
  return sim;
}

describe('the simulated shell as a terminal client sees it', () => {
  it('the first-shell script: command -v finds bash (no zsh), exec replaces sh and its exit code is the session\'s', async () => {
    const sim = await podSim();
    const script = "command -v 'zsh' >/dev/null && exec 'zsh' || command -v 'bash' >/dev/null && exec 'bash' || exec 'sh'; echo 'no shell'; exit 127";
    const s = await openTty(sim, ['sh', '-c', script]);
    await waitFor(() => s.text().includes('root@p:/# '), 'the prompt');
    expect(s.text()).not.toContain('/bin/bash'); // >/dev/null swallowed command -v's answer
    s.send('command -v bash cat nothing\r');
    await waitFor(() => s.text().includes('/bin/cat'), 'command -v output');
    expect(s.text()).toContain('/bin/bash\r\n/bin/cat\r\n');
    s.send('cat /dev/null; echo $?\r');
    await waitFor(() => /\r\n1\r\n/.test(s.text()), 'cat /dev/null fails: nothing was written there');
    s.send('exit 5\r');
    await s.closed;
    expect(s.status()).toMatchObject({ reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '5' }] } });
    expect(s.text()).not.toContain('no shell');
  });

  it('stty size answers the last resize; a lone Esc echoes ^[ while arrow keys are swallowed', async () => {
    const sim = await podSim();
    const s = await openTty(sim, ['sh']);
    await waitFor(() => s.text().includes('# '), 'the prompt');
    s.send('stty size\r');
    await waitFor(() => s.text().includes('0 0\r\n'), 'no size yet');
    s.resize(97, 31);
    s.send('stty size\r');
    await waitFor(() => s.text().includes('31 97\r\n'), 'the new size');
    s.send('\x1b');
    s.send('\x1b[A');
    s.send('\x1bOB');
    s.send('x');
    await waitFor(() => s.text().includes('^[x'), 'Esc echoed as ^[ then x, the arrows swallowed');
    expect(s.text()).not.toMatch(/\^\[\^\[|\[A|OB/);
    s.send('\x7f\x7f\r');
    s.send('exit 0\r');
    await s.closed;
    expect(s.status()).toEqual({ metadata: {}, status: 'Success' });
  });

  it('echo -e writes escape sequences (colours, OSC) as bytes', async () => {
    const sim = await podSim();
    const s = await openTty(sim, ['sh', '-c', "echo -e '\\e[31mred\\033[0m \\x1b]0;title\\a tab\\there'"]);
    await s.closed;
    expect(s.text()).toBe('\x1b[31mred\x1b[0m \x1b]0;title\x07 tab\there\r\n');
  });

  it('^C interrupts a command that does not read the terminal (yes, sleep) and the prompt comes back', async () => {
    const sim = await podSim();
    const s = await openTty(sim, ['sh']);
    await waitFor(() => s.text().includes('# '), 'the prompt');
    s.send('sleep 600\r');
    await waitFor(() => s.text().includes('sleep 600\r\n'), 'sleep started');
    s.send('typed-ahead\x03');
    await waitFor(() => s.text().endsWith('^C\r\nroot@p:/# '), 'interrupted, a new prompt');
    s.send('yes\r');
    await waitFor(() => s.bytes() > 500_000, 'a flood');
    s.send('\x03');
    s.send('echo $?\r');
    await waitFor(() => s.text().slice(-300).includes('y\r\n^C\r\nroot@p:/# echo $?\r\n130\r\nroot@p:/# '), 'yes interrupted (exit 130), the prompt back');
    s.send('exit 0\r');
    await s.closed;
  });

  it('yes floods until the client goes, paced by what the client reads', async () => {
    const sim = await podSim();
    const s = await openTty(sim, ['yes']);
    await waitFor(() => s.bytes() > 2_000_000, 'two megabytes of y');
    expect(s.text()).toContain('y\r\ny\r\n');
    // A client that stops reading: the sim stops producing instead of queueing without end (an
    // unpaced yes grows this process by about 10 MB/s here, with the client in the same process).
    s.ws.pause();
    const mem = (): number => process.memoryUsage().heapUsed + process.memoryUsage().external;
    const before = mem();
    await new Promise((r) => setTimeout(r, 2000));
    const grown = mem() - before;
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    s.ws.resume();
    s.ws.terminate();
    await s.closed;
  });
});
