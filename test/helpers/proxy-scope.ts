import { afterEach } from 'vitest';
import { startSimDaemon, type SimDaemonOptions, type SimDaemonWithClient } from './sim-daemon.js';

/** The name only the test proxies resolve (to kube-sim on loopback): a request sent around the proxy cannot reach it. */
export const PROXY_HOSTS: Readonly<Record<string, string>> = { 'kube-sim': '127.0.0.1' };

/** What a proxy test starts, taken down after it. */
export interface ProxyTestScope {
  /** Keeps `p` (a proxy, a server) to be closed after the test; returns it. */
  keep<T extends { close(): Promise<void> }>(p: T): T;
  /** The test's daemon on kube-sim with an attached client (startSimDaemon), stopped after the test. */
  start(opts: SimDaemonOptions & { client: true | { cols: number; rows: number } }): Promise<SimDaemonWithClient>;
}

/** Registers the teardown: after each test its daemon is stopped, then its proxies closed. */
export function useProxyTestScope(): ProxyTestScope {
  let daemon: SimDaemonWithClient | null = null;
  const kept: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await daemon?.stop();
    daemon = null;
    for (const p of kept.splice(0)) await p.close();
  });
  return {
    keep(p) {
      kept.push(p);
      return p;
    },
    async start(opts) {
      daemon = await startSimDaemon(opts);
      return daemon;
    },
  };
}
