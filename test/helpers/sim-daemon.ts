import { join } from 'node:path';
import { startKubeSim, type KubeSim, type KubeSimOptions } from '@kubetile/kube-sim';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from './daemon-process.js';
import { RawClient } from './rpc-client.js';

/**
 * kube-sim (seed `empty` unless told) for a test's temp home: its kubeconfig written to
 * `<home>/sim-kubeconfig` (or `kubeconfigOut`), its state in `<home>/sim`, and the env's KUBECONFIG
 * pointing at it, so a daemon started afterwards talks to it.
 */
export async function startSimFor(env: TestEnv, opts: Partial<KubeSimOptions> = {}): Promise<KubeSim> {
  const kubeconfig = opts.kubeconfigOut ?? join(env.dir, 'sim-kubeconfig');
  const sim = await startKubeSim({ port: 0, seed: 'empty', stateDir: join(env.dir, 'sim'), ...opts, kubeconfigOut: kubeconfig });
  env.env.KUBECONFIG = kubeconfig;
  return sim;
}

export interface SimDaemonOptions {
  /** kube-sim options over the defaults of `startSimFor`. */
  sim?: Partial<KubeSimOptions>;
  /** Runs once kube-sim answers and before the daemon starts: objects to seed, a config file to write. */
  beforeDaemon?: (sim: KubeSim, env: TestEnv) => void | Promise<void>;
  /** A script client connected to the daemon; given a size, it attaches too. */
  client?: true | { cols: number; rows: number };
}

/** A temp home, kube-sim, a real `kubetiled run` talking to it and (if asked) a client on its socket. */
export interface SimDaemon {
  env: TestEnv;
  sim: KubeSim;
  daemon: DaemonProcess;
  /** Closes the client, stops the daemon, then kube-sim, and removes the temp home. */
  stop(): Promise<void>;
}

/** A SimDaemon started with `client` set. */
export type SimDaemonWithClient = SimDaemon & { client: RawClient };

export function startSimDaemon(opts: SimDaemonOptions & { client: true | { cols: number; rows: number } }): Promise<SimDaemonWithClient>;
export function startSimDaemon(opts?: SimDaemonOptions): Promise<SimDaemon>;
export async function startSimDaemon(opts: SimDaemonOptions = {}): Promise<SimDaemon & { client?: RawClient }> {
  const env = makeTestEnv();
  let sim: KubeSim | null = null;
  let daemon: DaemonProcess | null = null;
  let client: RawClient | null = null;
  const stop = async (): Promise<void> => {
    client?.close();
    await daemon?.stop();
    await sim?.stop();
    env.cleanup();
  };
  try {
    sim = await startSimFor(env, opts.sim);
    await opts.beforeDaemon?.(sim, env);
    daemon = await startDaemon(env);
    if (opts.client) {
      client = await RawClient.connect(env.socket);
      if (opts.client !== true) await client.attach(opts.client);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { env, sim, daemon, stop, ...(client ? { client } : {}) };
}
