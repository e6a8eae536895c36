import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { focusedExecPane, namespaceWith, pod, podsPane, waitScreen } from '../../packages/daemon/test/exec/harness.js';

/**
 * A shell that does not read its input: once the daemon holds more than it may send
 * (MAX_PENDING_STDIN_BYTES), keys typed are dropped — and the user is told, once, instead of keys
 * vanishing. The API server stops reading here through a TCP proxy between the daemon and kube-sim
 * that stops forwarding what the daemon sends.
 */

let env: TestEnv;
let sim: KubeSim;
let daemon: DaemonProcess;
let proxy: Server;
const fromDaemon: Socket[] = [];

beforeAll(async () => {
  env = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(env.dir, 'sim') });
  const simPort = Number(/server: "?https:\/\/127\.0\.0\.1:(\d+)/.exec(sim.kubeconfigYaml)?.[1]);
  expect(simPort).toBeGreaterThan(0);
  proxy = createServer((c) => {
    const u = connect(simPort, '127.0.0.1');
    fromDaemon.push(c);
    c.pipe(u);
    u.pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as { port: number }).port;
  const kubeconfig = join(env.dir, 'proxied-kubeconfig');
  mkdirSync(env.dir, { recursive: true });
  writeFileSync(kubeconfig, sim.kubeconfigYaml.replace(`127.0.0.1:${simPort}`, `127.0.0.1:${port}`));
  env.env.KUBECONFIG = kubeconfig;
  daemon = await startDaemon(env);
});
afterAll(async () => {
  for (const c of fromDaemon) c.destroy();
  await daemon?.stop();
  await new Promise((r) => proxy?.close(r));
  await sim?.stop();
  env?.cleanup();
});

describe('a shell that does not read its input', () => {
  it('keys past what the daemon may hold for it are refused with a toast, said once', async () => {
    const ns = namespaceWith(sim, [(n) => pod('deaf', n)]);
    const a = await RawClient.connect(env.socket);
    try {
      await a.attach({ cols: 120, rows: 40 });
      await podsPane(a, ns, ['deaf']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@deaf:/#')));
      // From now on nothing the daemon sends reaches the server: the buffers fill, then the daemon's own.
      for (const c of fromDaemon) c.unpipe();
      for (const c of fromDaemon) c.pause();
      const paste = async (text: string): Promise<boolean> => (await a.request<{ handled: boolean }>('client/paste', { text })).handled;
      // Pastes until the daemon refuses one, then smaller ones: it holds all it may (a 2-byte paste is refused).
      for (const size of [512 * 1024, 64 * 1024, 8 * 1024, 1024, 128, 16, 2]) {
        for (let i = 0; i < 200 && (await paste('x'.repeat(size))); i++);
      }
      expect(await paste('xx')).toBe(false);
      const before = a.toasts().length;
      const dropped = (): string[] => a.toasts().slice(before).filter((t) => t.includes('keys are dropped'));
      // A key or two more fills the last bytes; then keys are refused.
      for (let i = 0; i < 5 && dropped().length === 0; i++) await a.request('client/key', { key: 'z' });
      const told = await waitFor('the dropped-keys toast', () => a.toasts().slice(before).find((t) => t.includes('keys are dropped')) ?? null);
      expect(told).toContain('has not read');
      // Said once, not at every key.
      await a.request('client/key', { key: 'z' });
      await a.request('client/key', { key: 'z' });
      await a.request('pane/close', { paneId });
      expect(dropped()).toHaveLength(1);
    } finally {
      a.close();
    }
  });
});
