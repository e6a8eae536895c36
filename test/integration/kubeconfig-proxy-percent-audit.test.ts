// A proxy-url whose password holds a "%" not written as %25 (`Sale50%off`): the proxy libraries
// decode it, and every request of the cluster failed with "URI malformed" (for a SOCKS proxy, "the
// credentials of user 'far' could not be applied: URI malformed"): neither the cluster, nor the
// proxy, nor what to change was said. The pane now says it, never the password.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { names, paneView, said } from '../helpers/focused-pane.js';
import { proxiedKubeconfig, startConnectProxy, startSocksProxy } from '../helpers/proxies.js';
import { useProxyTestScope } from '../helpers/proxy-scope.js';
import type { SimDaemonWithClient } from '../helpers/sim-daemon.js';

const scope = useProxyTestScope();
let h: SimDaemonWithClient | null = null;

describe('a proxy-url password with a "%" not percent-encoded', () => {
  for (const kind of ['http', 'socks5'] as const) {
    it(`${kind}: the pane names the cluster, the proxy and the fix (no password); written with %25, the cluster is listed`, async () => {
      const hosts = { 'kube-sim': '127.0.0.1' };
      const proxy = kind === 'http' ? await startConnectProxy({ hosts, auth: 'ops:Sale50%off' }) : await startSocksProxy({ hosts, auth: 'ops:Sale50%off' });
      scope.keep(proxy);
      h = await scope.start({
        client: { cols: 200, rows: 40 },
        beforeDaemon: async (sim, env) => {
          await sim.addPods(1, 'default', { prefix: 'far' });
          const kc = join(env.dir, 'kubeconfig');
          proxiedKubeconfig(kc, sim, proxy.url.replace('://', '://ops:Sale50%off@'));
          env.env.KUBECONFIG = kc;
        },
      });
      const text = await waitFor('the proxy-url said', async () => {
        const t = said(await paneView(h!));
        return t.includes('percent') || t.includes('%') || t.includes('malformed') ? t : null;
      }, 60_000, 100);
      expect(text).toContain(`cluster 'far' sets proxy-url (${proxy.url}), which has a user name or password with a "%" not followed by two hex digits (write "%" as %25)`);
      expect(text).not.toContain('Sale50');
      expect(proxy.targets).toEqual([]);
      proxiedKubeconfig(h.env.env.KUBECONFIG!, h.sim, proxy.url.replace('://', '://ops:Sale50%25off@'));
      await waitFor('the pod listed', async () => names(await paneView(h!)) === 'far-000000', 60_000, 100);
      expect(h.daemon.stdout() + h.daemon.stderr()).not.toContain('Sale50');
    }, 120_000);
  }
});
