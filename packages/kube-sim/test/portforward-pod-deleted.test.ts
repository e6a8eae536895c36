/**
 * A WebSocket port-forward into a pod that is deleted is cut: the connection to the pod's port
 * closes and the WebSocket ends, even when the port is a test's own server (setPortTarget), which
 * the pod's deletion does not stop. A forward to a neighbour (web-10 beside web-1) goes on.
 */
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import type { KubeSim } from '../src/index.js';
import { runningPod, startSim, stopAll, waitFor } from './helpers.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await stopAll();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server standing for the pod's port 5432: answers `pong:…`, and counts its open connections. */
async function podServer(sim: KubeSim, pod: string): Promise<{ open: () => number }> {
  const conns = new Set<net.Socket>();
  const server = net.createServer((s) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => s.write(`pong:${d.toString()}`));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sim.setPortTarget('default', pod, 5432, { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
  return { open: () => conns.size };
}

async function forward(kc: KubeConfig, pod: string): Promise<{ say(s: string): void; text(): string; closed: Promise<void> }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => { text += c.toString(); });
  const input = new PassThrough();
  const ws = (await new PortForward(kc).portForward('default', pod, [5432], out, null, input)) as unknown as { once(e: 'close', f: () => void): void };
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  return { say: (s) => input.write(s), text: () => text, closed };
}

describe('port-forward into a pod that is deleted', () => {
  it('the connection to the pod port closes and the WebSocket ends; the neighbour\'s forward goes on', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('web-1', [{ name: 'main', ports: [5432] }]));
    sim.createObject(runningPod('web-10', [{ name: 'main', ports: [5432] }]));
    const s1 = await podServer(sim, 'web-1');
    const s10 = await podServer(sim, 'web-10');
    const victim = await forward(kc, 'web-1');
    const neighbour = await forward(kc, 'web-10');
    victim.say('a');
    neighbour.say('b');
    await waitFor(() => victim.text() === 'pong:a' && neighbour.text() === 'pong:b', 'both forwards answering');

    sim.deleteObject('v1', 'Pod', 'web-1');
    await victim.closed;
    await waitFor(() => s1.open() === 0, 'the connection to web-1\'s port closed');
    neighbour.say('c');
    await waitFor(() => neighbour.text() === 'pong:bpong:c', 'the neighbour still forwarding');
    expect(s10.open()).toBe(1);
  });
});
