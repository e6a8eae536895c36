// Exec replies leave as the apiserver writes them: every frame flushed on its own (one TLS record
// each, so a client polling its raw socket sees each one), and on v4 and older the connection
// ends right after the exit status, as the kubelet's Go WebSocket Conn.Close() does. Checked with a
// raw TLS client that, like the official Python client, never answers the close frame.
import { afterEach, describe, expect, it } from 'vitest';
import { runningPod, startSim, stopAll } from './helpers.js';
import { rawWebSocket, type WsFrame } from './raw-ws.js';

afterEach(stopAll);

const OP_BINARY = 2;
const OP_CLOSE = 8;

function describeFrame(f: WsFrame): string {
  if (f.opcode === OP_CLOSE) return `close:${f.payload.length >= 2 ? f.payload.readUInt16BE(0) : ''}`;
  if (f.opcode !== OP_BINARY) return `op${f.opcode}`;
  return `${f.payload[0]}:${f.payload.subarray(1).toString('utf8')}`;
}

async function execSim() {
  const { sim } = await startSim();
  sim.createObject(runningPod('p'));
  return sim;
}

function execPath(argv: string[], extra = 'stdout=true&stderr=true'): string {
  return `/api/v1/namespaces/default/pods/p/exec?${argv.map((a) => `command=${encodeURIComponent(a)}`).join('&')}&container=main&${extra}`;
}

describe('exec frames are flushed one by one', () => {
  it('v4: stdout, then the status, each in its own TLS record, then the server closes the connection unasked', async () => {
    const sim = await execSim();
    const start = Date.now();
    const ws = await rawWebSocket(sim, execPath(['sh', '-c', 'echo hello; ls /nope; exit 3']), ['v4.channel.k8s.io']);
    expect(ws.status).toBe(101);
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    const end = await ws.ended;
    expect(ws.frames.map(describeFrame)).toEqual([
      '1:',
      '1:hello\n',
      expect.stringMatching(/^2:ls: .*nope/),
      expect.stringMatching(/^3:\{"metadata":\{\},"status":"Failure".*"reason":"NonZeroExitCode".*"message":"3"/),
      'close:1000',
    ]);
    // The server ended the connection by itself, long before ws's 30 s close timeout.
    expect(end.at - start).toBeLessThan(10_000);
    // No TLS read carried two frames: none of them waits, decrypted, behind another.
    const reads = ws.frames.map((f) => f.read);
    expect(new Set(reads).size).toBe(reads.length);
  });

  it('v1 (channel.k8s.io): output and the failure text each in their own record, then the connection ends', async () => {
    const sim = await execSim();
    const start = Date.now();
    const ws = await rawWebSocket(sim, execPath(['sh', '-c', 'echo a; echo b; exit 2'], 'stdout=1'), ['channel.k8s.io']);
    const end = await ws.ended;
    const frames = ws.frames.map(describeFrame);
    expect(frames[0]).toBe('1:');
    expect(frames.slice(1, -2).join('')).toBe('1:a\n1:b\n');
    expect(frames.at(-2)).toMatch(/^3:command terminated with non-zero exit code/);
    expect(frames.at(-1)).toBe('close:1000');
    expect(end.at - start).toBeLessThan(10_000);
    const reads = ws.frames.map((f) => f.read);
    expect(new Set(reads).size).toBe(reads.length);
  });

  it('v5: each frame in its own record; the close frame follows the status and the server waits for the client', async () => {
    const sim = await execSim();
    const ws = await rawWebSocket(sim, execPath(['echo', 'hi']), ['v5.channel.k8s.io']);
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    const deadline = Date.now() + 10_000;
    while (!ws.frames.some((f) => f.opcode === OP_CLOSE) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(ws.frames.map(describeFrame)).toEqual(['1:', '1:hi\n', '3:{"metadata":{},"status":"Success"}', 'close:1000']);
    const reads = ws.frames.map((f) => f.read);
    expect(new Set(reads).size).toBe(reads.length);
    ws.destroy();
  });
});
