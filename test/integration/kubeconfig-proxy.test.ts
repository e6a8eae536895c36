// A cluster reached only through a proxy (`proxy-url`: a bastion's SOCKS proxy, a corporate HTTP
// proxy): kubectl sends every request through it, and so does kubetile — lists, watches, logs and
// the exec WebSocket. The server is named `kube-sim`, a name only the proxies can resolve, so a
// request sent around the proxy cannot reach it.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import { waitFor } from '../helpers/daemon-process.js';
import { names, paneView, said } from '../helpers/focused-pane.js';
import { proxiedKubeconfig, startConnectProxy, startSocksProxy } from '../helpers/proxies.js';
import { PROXY_HOSTS, useProxyTestScope } from '../helpers/proxy-scope.js';
import type { SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { type, waitScreen } from '../../packages/daemon/test/exec/harness.js';
import { shown, waitPane } from '../../packages/daemon/test/logs/harness.js';

const scope = useProxyTestScope();
let h: SimDaemonWithClient | null = null;


async function startBehind(proxyUrl: (sim: KubeSim) => string): Promise<SimDaemonWithClient> {
  return scope.start({
    client: { cols: 160, rows: 40 },
    beforeDaemon: async (sim, env) => {
      await sim.addPods(2, 'default', { prefix: 'far' });
      const kc = join(env.dir, 'kubeconfig');
      proxiedKubeconfig(kc, sim, proxyUrl(sim));
      env.env.KUBECONFIG = kc;
    },
  });
}

describe('a cluster behind its proxy-url', () => {
  for (const kind of ['http', 'socks5'] as const) {
    it(`${kind}: the list, its watch, a followed log and an exec shell all go through the proxy`, async () => {
      const proxy = kind === 'http' ? await startConnectProxy({ hosts: PROXY_HOSTS }) : await startSocksProxy({ hosts: PROXY_HOSTS });
      scope.keep(proxy);
      h = await startBehind(() => proxy.url);
      const sim = h.sim;
      // Before: "cluster 'far' sets proxy-url (…), which kubetile does not support".
      await waitFor('both pods listed', async () => names(await paneView(h!)) === 'far-000000,far-000001', 60_000, 100);
      await sim.addPods(1, 'default', { prefix: 'far' });
      await waitFor('the watch sees a third pod', async () => names(await paneView(h!)) === 'far-000000,far-000001,far-000002', 60_000, 100);
      expect(proxy.targets.length).toBeGreaterThan(0);
      // A followed log too (it goes through Node's HTTP client and the proxy's agent; without a proxy, undici).
      const c = h.client;
      sim.appendLog('default', 'far-000000', ['before the follow']);
      const list = c.activeTab().focusedPaneId;
      const logs = await c.request<{ paneId: number }>('resource/action', { paneId: list, action: 'logs', target: { namespace: 'default', name: 'far-000000' } });
      await waitPane(c, logs.paneId, 'the log through the proxy', (v) => shown(v).includes('before the follow'), 60_000);
      sim.appendLog('default', 'far-000000', ['followed through the proxy']);
      await waitPane(c, logs.paneId, 'a line written after it opened', (v) => shown(v).includes('followed through the proxy'), 60_000);
      expect(new Set(proxy.targets)).toEqual(new Set([`kube-sim:${new URL(sim.url).port}`]));
      await c.request('pane/close', { paneId: logs.paneId });
      // The exec WebSocket too.
      const opened = await c.request<{ paneId: number }>('pane/open', { view: { key: 'exec', args: { namespace: 'default', pod: 'far-000000' } }, newTab: true });
      await waitScreen(c, opened.paneId, 'a shell through the proxy', (rows) => rows.some((r) => r.includes('@far-000000')), 60_000);
      await c.request('client/key', { key: 'i' });
      await c.waitLayout('insert mode', (l) => l.mode === 'insert');
      await type(c, 'echo through-the-proxy\r');
      await waitScreen(c, opened.paneId, 'its output', (rows) => rows.includes('through-the-proxy'), 60_000);
    }, 120_000);
  }

  it('no proxy-url: the daemon takes HTTPS_PROXY from its environment, as kubectl does, and NO_PROXY skips it', async () => {
    const proxy = await startConnectProxy({ hosts: PROXY_HOSTS });
    scope.keep(proxy);
    const start = (noProxy: string) =>
      scope.start({
        client: { cols: 160, rows: 40 },
        beforeDaemon: async (sim, env) => {
          await sim.addPods(2, 'default', { prefix: 'far' });
          const kc = join(env.dir, 'kubeconfig');
          proxiedKubeconfig(kc, sim, '');
          env.env.KUBECONFIG = kc;
          env.env.HTTPS_PROXY = proxy.url.replace('http://', '');
          env.env.NO_PROXY = noProxy;
        },
      });
    h = await start('example.com');
    await waitFor('both pods listed', async () => names(await paneView(h!)) === 'far-000000,far-000001', 60_000, 100);
    expect(proxy.targets[0]).toBe(`kube-sim:${new URL(h.sim.url).port}`);
    await h.stop();
    // Named in NO_PROXY: straight to kube-sim, a name only the proxy knows.
    const before = proxy.targets.length;
    h = await start('kube-sim');
    await waitFor('the direct attempt fails to resolve', async () => /cannot resolve/.test(said(await paneView(h!))), 60_000, 100);
    expect(proxy.targets.length).toBe(before);
  }, 120_000);

  it('a proxy that wants credentials: the pane says so (no password shown); with them in the URL the cluster is listed', async () => {
    const proxy = await startConnectProxy({ hosts: PROXY_HOSTS, auth: 'alice:s3cret' });
    scope.keep(proxy);
    h = await startBehind(() => proxy.url.replace('http://', 'http://alice:wrong@'));
    const err = await waitFor('the proxy refusal', async () => {
      const t = said(await paneView(h!));
      return t.includes('proxy') ? t : null;
    }, 60_000, 100);
    expect(err).toContain(`the proxy ${proxy.url} of cluster 'far' refused the user name and password in the proxy-url (HTTP 407)`);
    expect(err).not.toContain('wrong');
    // The right password written into the kubeconfig: taken on its reload.
    proxiedKubeconfig(h.env.env.KUBECONFIG!, h.sim, proxy.url.replace('http://', 'http://alice:s3cret@'));
    await waitFor('both pods listed', async () => names(await paneView(h!)) === 'far-000000,far-000001', 60_000, 100);
  }, 120_000);

  it('a proxy that is not running, and one of a scheme no one supports: said, and nothing is sent around them', async () => {
    const closed = await startConnectProxy();
    const deadUrl = closed.url;
    await closed.close();
    h = await startBehind(() => deadUrl);
    const dead = await waitFor('the dead proxy said', async () => {
      const t = said(await paneView(h!));
      return t.includes('proxy') ? t : null;
    }, 60_000, 100);
    expect(dead).toContain(`the proxy ${deadUrl} of cluster 'far' refused the connection (is it running?)`);
    proxiedKubeconfig(h.env.env.KUBECONFIG!, h.sim, 'ftp://127.0.0.1:2121');
    await waitFor('the bad scheme said', async () => said(await paneView(h!)).includes(`cluster 'far' sets proxy-url (ftp://127.0.0.1:2121), which has scheme "ftp" (http, https and socks5 proxies are supported)`), 60_000, 100);
  }, 120_000);
});
