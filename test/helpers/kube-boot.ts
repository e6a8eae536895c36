import { afterEach, beforeEach } from 'vitest';
import type { KubeSim, KubeSimOptions } from '@kubetile/kube-sim';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from './daemon-process.js';
import { RawClient } from './rpc-client.js';
import { startSimFor } from './sim-daemon.js';

/** A test that boots its own daemon on a kubeconfig it chose (kube-sim's, a broken one, a fake server's). */
export interface KubeBoot {
  /** The current test's temp home. */
  readonly env: TestEnv;
  /** kube-sim for this test, stopped after it (options as `startSimFor`). */
  startSim(opts?: Partial<KubeSimOptions>): Promise<KubeSim>;
  /** `kubetiled run` with KUBECONFIG=`kubeconfig`, and a script client attached at `size`. */
  boot(kubeconfig: string, size: { cols: number; rows: number }): Promise<RawClient>;
  /** Something else the test started, stopped after the daemon and kube-sim, before the temp home goes. */
  onTeardown(fn: () => unknown): void;
}

/** Registers per-test setup (a temp home) and teardown: client closed, daemon stopped, kube-sim stopped, the rest, temp home removed. */
export function useKubeBoot(): KubeBoot {
  let env: TestEnv | null = null;
  let sim: KubeSim | null = null;
  let daemon: DaemonProcess | null = null;
  let client: RawClient | null = null;
  const extra: Array<() => unknown> = [];
  const current = (): TestEnv => {
    if (!env) throw new Error('kube-boot fixture used outside a test');
    return env;
  };

  beforeEach(() => {
    env = makeTestEnv();
  });
  afterEach(async () => {
    client?.close();
    client = null;
    await daemon?.stop();
    daemon = null;
    await sim?.stop();
    sim = null;
    for (const fn of extra.splice(0)) await fn();
    current().cleanup();
    env = null;
  });

  return {
    get env() {
      return current();
    },
    async startSim(opts = {}) {
      sim = await startSimFor(current(), opts);
      return sim;
    },
    async boot(kubeconfig, size) {
      const e = current();
      e.env.KUBECONFIG = kubeconfig;
      daemon = await startDaemon(e);
      client = await RawClient.connect(e.socket);
      await client.attach(size);
      return client;
    },
    onTeardown(fn) {
      extra.push(fn);
    },
  };
}
