import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { CLIENT_MAIN, makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/** `kubetile rpc` with a call in flight when the daemon goes away: which call, and why when the daemon said. */

let sim: KubeSim;
let env: TestEnv;
let daemon: DaemonProcess | null = null;

beforeAll(async () => {
  env = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: join(env.dir, 'kubeconfig'), stateDir: join(env.dir, 'sim') });
  env.env.KUBECONFIG = join(env.dir, 'kubeconfig');
  env.env.KUBETILE_SOCKET = env.socket;
}, 60_000);
afterEach(async () => {
  sim.setLatency(0);
  await daemon?.stop();
  daemon = null;
});
afterAll(async () => {
  await sim?.stop();
  env?.cleanup();
});

/** Starts `kubetile rpc kube/namespaces` and waits until its call is held at the API server. */
async function callInFlight(): Promise<{ exited: Promise<number | null>; stderr: () => string }> {
  sim.setLatency({ ms: 120_000, resource: 'namespaces' });
  const since = Math.max(0, ...sim.journalEntries().map((e) => e.seq));
  const child = spawn(process.execPath, [CLIENT_MAIN, 'rpc', 'kube/namespaces'], { env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  await waitFor('the call at the API server', () => sim.journalEntries({ path: '/api/v1/namespaces', sinceSeq: since }).length > 0, 30_000);
  return { exited, stderr: () => err };
}

describe('kubetile rpc when the daemon goes away mid-call', () => {
  it('a daemon that shuts down: names the call and the reason the daemon gave; exit 1', async () => {
    daemon = await startDaemon(env);
    const call = await callInFlight();
    const admin = await RawClient.connect(env.socket);
    await admin.request('daemon/shutdown', {});
    admin.close();
    expect(await call.exited).toBe(1);
    expect(call.stderr()).toBe('kubetile: kube/namespaces got no answer: the daemon exited (shutdown requested)\n');
    await daemon.exited;
  });

  it('a daemon that is killed: names the call and says the connection was lost; exit 1', async () => {
    daemon = await startDaemon(env);
    const call = await callInFlight();
    daemon.child.kill('SIGKILL');
    expect(await call.exited).toBe(1);
    expect(call.stderr()).toBe('kubetile: kube/namespaces got no answer: the connection to the daemon was lost (the daemon stopped or crashed)\n');
  });
});
