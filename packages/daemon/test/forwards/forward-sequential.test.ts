import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import pino from 'pino';
import type { KubeSim } from '@kubetile/kube-sim';
import { Forward } from '../../src/forwards/forward.js';
import { listenLoopback } from '../../src/forwards/loopback.js';
import { OpenStreams } from '../../src/util/open-streams.js';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import type { KubeObject } from '../../src/kube/types.js';
import { startSimWithConfig } from '../sim-config.js';

/**
 * Many short connections one after another through one daemon forward to kube-sim (what a
 * health checker or `curl` in a loop does): each is a new API stream, each must carry its bytes
 * both ways, whatever the previous connection's close is still doing. A real kube-sim and a real
 * echo server behind the pod's port.
 */

let sim: KubeSim;
let kc: KubeConfig;
let echo: Server;
const echoSockets = new Set<Socket>();

beforeAll(async () => {
  ({ sim, kc } = await startSimWithConfig());
  echo = createServer((s) => {
    echoSockets.add(s);
    s.on('close', () => echoSockets.delete(s));
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  sim.createObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'echo', namespace: 'default' },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox', ports: [{ containerPort: 9000 }] }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
  sim.setPortTarget('default', 'echo', 9000, { host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
});

afterAll(async () => {
  for (const s of echoSockets) s.destroy();
  await new Promise((r) => echo.close(r));
  await sim.stop();
});

/** Connects, sends `msg`, resolves with what came back once as many bytes arrived (or the error / early close). */
function exchange(port: number, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let n = 0;
    s.on('data', (d: Buffer) => {
      got.push(d);
      n += d.length;
      if (n >= msg.length) {
        s.destroy();
        resolve(Buffer.concat(got));
      }
    });
    s.once('error', reject);
    s.once('close', () => reject(new Error(`closed after ${n} of ${msg.length} bytes`)));
    s.once('connect', () => s.write(msg));
  });
}

describe('a daemon forward to kube-sim', () => {
  it('carries 300 sequential short connections (more than its limit of open ones), each echoing its own bytes', async () => {
    const pod: KubeObject = { metadata: { name: 'echo', uid: 'u1', namespace: 'default' }, status: { phase: 'Running' } };
    const listening = await listenLoopback(0);
    const f = new Forward(
      'pf-seq',
      { context: 'c', namespace: 'default', kind: 'pod', name: 'echo', remotePort: 9000, localPort: 0 },
      { backing: { kind: 'pod', name: 'echo' }, podPort: 9000, first: { pod, port: 9000 } },
      listening,
      { kc, streams: new OpenStreams(), logger: pino({ level: 'silent' }), pods: null, changed: () => undefined },
    );
    try {
      const failures: string[] = [];
      for (let i = 0; i < 300; i++) {
        const msg = Buffer.from(`connection ${i} `.padEnd(64, String.fromCharCode(97 + (i % 26))));
        try {
          const back = await exchange(f.localPort, msg);
          if (!back.equals(msg)) failures.push(`${i}: echoed ${JSON.stringify(back.toString())}`);
        } catch (err) {
          failures.push(`${i}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      expect(failures).toEqual([]);
    } finally {
      await f.stop();
    }
  }, 60_000);
});
