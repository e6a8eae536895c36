// A cluster's proxy as an unlucky user meets it: a proxy that accepts the connection and then says
// nothing must be named as the one that did not answer (not the API server behind it), within the
// request's deadline, and the tunnel given up on must be closed — a watch retrying would otherwise
// pile up half-open connections at the proxy for as long as the proxy keeps them.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { names, paneView, said } from '../helpers/focused-pane.js';
import { proxiedKubeconfig, startConnectProxy, startSilentProxy, startSocksProxy } from '../helpers/proxies.js';
import { useProxyTestScope } from '../helpers/proxy-scope.js';
import type { SimDaemonWithClient } from '../helpers/sim-daemon.js';

const scope = useProxyTestScope();
let h: SimDaemonWithClient | null = null;

describe('a proxy that accepts the connection and never answers', () => {
  for (const kind of ['http', 'socks5'] as const) {
    it(`${kind}: the pane names the proxy as the one that did not answer, and a CONNECT given up on is closed`, async () => {
      const proxy = await startSilentProxy(kind);
      scope.keep(proxy);
      const started = Date.now();
      h = await scope.start({
        client: { cols: 160, rows: 40 },
        beforeDaemon: (sim, env) => {
          const kc = join(env.dir, 'kubeconfig');
          proxiedKubeconfig(kc, sim, proxy.url);
          env.env.KUBECONFIG = kc;
        },
      });
      // Before: "the API server at https://kube-sim:… did not answer within 10 s" (the proxy unnamed),
      // and for http every CONNECT left open for as long as the proxy kept it.
      const err = await waitFor('the silent proxy said', async () => {
        const t = said(await paneView(h!));
        return /did not answer/.test(t) ? t : null;
      }, 60_000, 100);
      expect(err).toContain(`the proxy ${proxy.url} of cluster 'far' did not answer within 8 s`);
      expect(Date.now() - started).toBeLessThan(45_000);
      // A SOCKS client gives up on its own after 30 s (the socks library's timeout): only http's CONNECT was held forever.
      if (kind === 'http') await waitFor('a tunnel given up on closed by the daemon', () => proxy.accepted() > 0 && proxy.open() < proxy.accepted(), 60_000, 100);
    }, 120_000);
  }
});

describe('a proxy that opens the tunnel and then drops it', () => {
  it('what went wrong behind the proxy is said with the proxy named (the API server alone was named)', async () => {
    // CONNECT answered 200, then the tunnel closed at once: as a proxy whose upstream refused.
    const server = createServer((sock) => {
      sock.on('error', () => undefined);
      sock.once('data', () => sock.end('HTTP/1.1 200 Connection Established\r\n\r\n'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    scope.keep({ close: () => new Promise<void>((r) => server.close(() => r())) });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    h = await scope.start({
      client: { cols: 160, rows: 40 },
      beforeDaemon: (sim, env) => {
        const kc = join(env.dir, 'kubeconfig');
        proxiedKubeconfig(kc, sim, url);
        env.env.KUBECONFIG = kc;
      },
    });
    const err = await waitFor('the dropped tunnel said', async () => {
      const t = said(await paneView(h!));
      return /through the proxy/.test(t) ? t : null;
    }, 60_000, 100);
    expect(err).toMatch(new RegExp(`https://kube-sim:\\d+ \\(through the proxy ${url.replace(/\./g, '\\.')}\\)`));
  }, 120_000);
});

describe('a proxy at an IPv6 address', () => {
  for (const kind of ['http', 'socks5'] as const) {
    it(`${kind}://[::1]:port: the cluster is listed through it`, async () => {
      const hosts = { 'kube-sim': '127.0.0.1' };
      const proxy = kind === 'http' ? await startConnectProxy({ hosts, listenOn: '::1' }) : await startSocksProxy({ hosts, listenOn: '::1' });
      scope.keep(proxy);
      expect(proxy.url).toMatch(/^\w+:\/\/\[::1\]:\d+$/);
      h = await scope.start({
        client: { cols: 160, rows: 40 },
        beforeDaemon: async (sim, env) => {
          await sim.addPods(1, 'default', { prefix: 'far' });
          const kc = join(env.dir, 'kubeconfig');
          proxiedKubeconfig(kc, sim, proxy.url);
          env.env.KUBECONFIG = kc;
        },
      });
      // Before: "the proxy http://[::1]:… of cluster 'far' cannot be resolved" (the brackets dialled as a name).
      await waitFor('the pod listed', async () => names(await paneView(h!)) === 'far-000000', 60_000, 100);
      expect(proxy.targets).toContain(`kube-sim:${new URL(h.sim.url).port}`);
    }, 120_000);
  }
});

/** Files under `dir` (the daemon's home: its log, state, caches) holding `needle`; the kubeconfig itself aside. */
function filesHolding(dir: string, needle: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => !f.endsWith('kubeconfig') && statSync(join(dir, f)).isFile() && readFileSync(join(dir, f), 'latin1').includes(needle));
}

describe('a proxy that wants a user name and password', () => {
  // A user name and a password with the characters a URL must percent-encode.
  const AUTH = 'al@ice:p:ss@w0rd';
  const RIGHT = 'al%40ice:p%3Ass%40w0rd';
  const WRONG = 'al%40ice:Wr%3Ang%40pw';
  for (const kind of ['http', 'socks5'] as const) {
    it(`${kind}: none given and wrong ones are said apart, no password shown or logged; percent-encoded ones are taken`, async () => {
      const hosts = { 'kube-sim': '127.0.0.1' };
      const proxy = kind === 'http' ? await startConnectProxy({ hosts, auth: AUTH }) : await startSocksProxy({ hosts, auth: AUTH });
      scope.keep(proxy);
      const withAuth = (auth: string): string => proxy.url.replace('://', `://${auth}@`);
      h = await scope.start({
        client: { cols: 160, rows: 40 },
        beforeDaemon: async (sim, env) => {
          await sim.addPods(1, 'default', { prefix: 'far' });
          const kc = join(env.dir, 'kubeconfig');
          proxiedKubeconfig(kc, sim, proxy.url);
          env.env.KUBECONFIG = kc;
        },
      });
      const how = kind === 'http' ? 'HTTP 407' : 'SOCKS5';
      // Before, for SOCKS5: "failed: Received invalid Socks5 initial handshake (no accepted authentication type)".
      await waitFor('no credentials said', async () => said(await paneView(h!)).includes(`the proxy ${proxy.url} of cluster 'far' asks for credentials (${how}): put them in the proxy-url (${kind}://user:password@host:port)`), 60_000, 100);
      proxiedKubeconfig(h.env.env.KUBECONFIG!, h.sim, withAuth(WRONG));
      // Before: "asks for credentials (HTTP 407): put them in the proxy-url" when they were there; "failed: Socks5 Authentication failed".
      const refused = await waitFor('wrong credentials said', async () => {
        const t = said(await paneView(h!));
        return t.includes('refused the user name') ? t : null;
      }, 60_000, 100);
      expect(refused).toContain(`the proxy ${proxy.url} of cluster 'far' refused the user name and password in the proxy-url (${how})`);
      proxiedKubeconfig(h.env.env.KUBECONFIG!, h.sim, withAuth(RIGHT));
      await waitFor('the pod listed', async () => names(await paneView(h!)) === 'far-000000', 60_000, 100);
      for (const secret of ['Wr:ng@pw', 'Wr%3Ang%40pw', 'p:ss@w0rd', 'p%3Ass%40w0rd']) {
        expect(filesHolding(h.env.dir, secret)).toEqual([]);
        expect(h.daemon.stdout() + h.daemon.stderr()).not.toContain(secret);
      }
    }, 120_000);
  }
});
