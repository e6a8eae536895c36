// A cluster's proxy-url changed in the kubeconfig while the daemon runs (a bastion replaced, a tunnel
// moved to another port): the list goes on through the new proxy, and the daemon lets go of the old
// one. Before, the old proxy's agent was kept for ever, and with it its idle keep-alive connections:
// the old proxy saw them open until the API server behind it closed them.
import { describe, expect, it } from 'vitest';
import type { Server } from 'node:https';
import { join } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import { waitFor } from '../helpers/daemon-process.js';
import { names, paneView } from '../helpers/focused-pane.js';
import { proxiedKubeconfig, startConnectProxy, startSocksProxy, type TestProxy } from '../helpers/proxies.js';
import { PROXY_HOSTS, useProxyTestScope } from '../helpers/proxy-scope.js';
import type { SimDaemonWithClient } from '../helpers/sim-daemon.js';

const scope = useProxyTestScope();
let h: SimDaemonWithClient | null = null;

/**
 * kube-sim as a real API server is: no `Keep-Alive: timeout=…` hint. Node's agent closes an idle
 * connection by itself when the hint's time is up (kube-sim's 30 s); kube-apiserver (Go) sends none,
 * and an idle connection the daemon keeps stays open at the proxy until the daemon closes it.
 */
function withoutKeepAliveHint(sim: KubeSim): void {
  const server = (sim as unknown as { server?: { server?: Server } }).server?.server;
  if (!server || typeof server.keepAliveTimeout !== 'number') throw new Error("kube-sim's HTTPS server is not where this test looks for it");
  server.keepAliveTimeout = 0;
}

const start = (kind: 'http' | 'socks5'): Promise<TestProxy> => (kind === 'http' ? startConnectProxy({ hosts: PROXY_HOSTS }) : startSocksProxy({ hosts: PROXY_HOSTS }));

describe('a kubeconfig reloaded with another proxy-url', () => {
  for (const [kindA, kindB] of [['http', 'socks5'], ['socks5', 'http']] as const) {
    it(`${kindA} → ${kindB}: the list goes on through the new proxy, and the daemon closes its connections to the old one`, async () => {
      const a = await start(kindA);
      const b = await start(kindB);
      scope.keep(a);
      scope.keep(b);
      h = await scope.start({
        client: { cols: 160, rows: 40 },
        beforeDaemon: async (sim, env) => {
          withoutKeepAliveHint(sim);
          await sim.addPods(2, 'default', { prefix: 'far' });
          const kc = join(env.dir, 'kubeconfig');
          proxiedKubeconfig(kc, sim, a.url);
          env.env.KUBECONFIG = kc;
        },
      });
      const sim = h.sim;
      await waitFor('both pods listed through A', async () => names(await paneView(h!)) === 'far-000000,far-000001', 60_000, 100);
      // The list's watch holds one connection; its CPU/MEM read (beside the watch) another, idle
      // between reads: the one the old agent kept.
      await waitFor('an idle connection through A besides the watch', () => a.open() >= 2, 60_000, 50);
      const throughA = a.targets.length;

      const seq0 = Math.max(0, ...sim.journalEntries().map((e) => e.seq));
      proxiedKubeconfig(h.env.env.KUBECONFIG!, sim, b.url);
      // The watch restarts through B (the context changed), and sees what happens next.
      await waitFor('the watch through B', () => b.open() >= 1, 60_000, 50);
      await sim.addPods(1, 'default', { prefix: 'far' });
      await waitFor('the third pod listed through B', async () => names(await paneView(h!)) === 'far-000000,far-000001,far-000002', 60_000, 100);
      expect(new Set(b.targets)).toEqual(new Set([`kube-sim:${new URL(sim.url).port}`]));
      // Through another proxy may be another cluster at the same address: the pods are listed anew, not
      // watched on from the old cluster's resourceVersion.
      const lists = sim.journalEntries({ sinceSeq: seq0 }).filter((e) => e.method === 'GET' && e.path.startsWith('/api/v1/') && e.path.endsWith('/pods') && e.query.watch === undefined);
      expect(lists.length).toBeGreaterThanOrEqual(1);

      // Every connection through A ends: before, the idle one stayed open for as long as the daemon ran.
      await waitFor('no connection left through A', () => a.open() === 0, 60_000, 50);
      expect(a.targets.length).toBe(throughA);
    }, 120_000);
  }
});
