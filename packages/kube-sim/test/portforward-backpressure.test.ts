// A port-forward client that stops reading holds the pod's side back: kube-sim pauses the
// target connection once about 1 MiB waits for the client, instead of reading everything the
// target sends into memory. Resumed, every byte arrives in order.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runningPod, startSim, stopAll, waitFor } from './helpers.js';

const servers: net.Server[] = [];
afterEach(async () => {
  await stopAll();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const TOTAL = 96 * 1024 * 1024;
const CHUNK = 64 * 1024;

describe('port-forward back-pressure', () => {
  it('a client that does not read stalls the target; resumed, it gets every byte', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('src', [{ name: 'main', ports: [9000] }]));
    let written = 0;
    let lastProgress = Date.now();
    const server = net.createServer((s) => {
      const chunk = Buffer.alloc(CHUNK);
      const pump = (): void => {
        while (written < TOTAL) {
          chunk.fill(Math.floor(written / CHUNK) % 251);
          written += CHUNK;
          lastProgress = Date.now();
          if (!s.write(chunk)) {
            s.once('drain', pump);
            return;
          }
        }
        s.end();
      };
      pump();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    sim.setPortTarget('default', 'src', 9000, { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });

    const ws = new WebSocket(`${sim.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/src/portforward?ports=9000`, ['v4.channel.k8s.io'], {
      headers: { Authorization: `Bearer ${sim.token}` }, ca: sim.caPem,
    });
    let received = 0;
    let ordered = true;
    const data: Buffer[] = [];
    ws.on('message', (m: Buffer) => {
      if (m[0] !== 0) return;
      data.push(m.subarray(1));
    });
    await new Promise<void>((r) => ws.once('open', () => r()));
    ws.pause();
    // The target stops making progress: its writes are held back.
    await waitFor(() => written > 0 && Date.now() - lastProgress > 1_000, 'the target stalled', 60_000);
    expect(written).toBeLessThan(TOTAL / 2);

    ws.resume();
    const consume = (): void => {
      for (const b of data.splice(0)) {
        // The 2-byte port preamble comes first; count payload bytes after it.
        if (received === 0 && b.length === 2) continue;
        for (let i = 0; i < b.length; i += 4096) {
          if (b[i] !== Math.floor((received + i) / CHUNK) % 251) ordered = false;
        }
        received += b.length;
      }
    };
    await waitFor(() => { consume(); return received >= TOTAL; }, 'every byte', 120_000);
    expect(received).toBe(TOTAL);
    expect(ordered).toBe(true);
    ws.close();
  }, 180_000);
});
