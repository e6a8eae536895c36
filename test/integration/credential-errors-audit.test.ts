// Audit of the errors a user sees when the kubeconfig's credentials themselves are unusable: they
// name the user and what is wrong with its credential, not the API server.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

let h: SimDaemonWithClient | null = null;
let plain: Server | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
  plain?.closeAllConnections();
  await new Promise((r) => (plain ? plain.close(r) : r(null)));
  plain = null;
});

type View = TableView | { type: 'message'; text: string };
const shown = (v: View): string => (v.type === 'table' ? `${v.empty ?? ''} ${v.footer ?? ''}` : v.text);

/**
 * A daemon on the sim (or on `server`) whose kubeconfig user is `user(token)`; the text its first
 * pane ends up showing that matches `expected`.
 */
async function paneError(user: (token: string) => Record<string, unknown>, expected: RegExp, server?: string, clusterExtra: Record<string, unknown> = {}): Promise<string> {
  h = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: (sim, env) => {
      const kc = join(env.dir, 'kubeconfig');
      writeFileSync(kc, JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'test',
        clusters: [{ name: 'test', cluster: { server: server ?? sim.url, 'certificate-authority-data': Buffer.from(sim.caPem).toString('base64'), ...clusterExtra } }],
        users: [{ name: 'tester', user: user(sim.token) }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'tester', namespace: 'default' } }],
      }));
      env.env.KUBECONFIG = kc;
    },
  });
  const c = h.client;
  const paneId = c.activeTab().focusedPaneId;
  return waitFor(`the pane to say ${expected}`, async () => {
    const t = shown((await c.request<{ view: View }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view);
    return expected.test(t) ? t : null;
  }, 30_000, 100);
}

describe('credentials a request cannot carry', () => {
  it('a token pasted with a zero-width space: the error names the user and the character, not the API server', async () => {
    // Before: "API server https://127.0.0.1:…: Invalid character in header content ["Authorization"]".
    const text = await paneError((token) => ({ token: `${token}\u200b` }), /token of user/);
    expect(text).toContain("the token of user 'tester' has a character no HTTP header can carry (U+200B)");
    expect(text).not.toMatch(/API server|Invalid character in header/);
  }, 60_000);

  it('a client certificate that is not PEM (a truncated paste): the error says it is the client certificate of that user', async () => {
    const junk = Buffer.from('-----BEGIN CERT').toString('base64');
    // Before: "API server https://127.0.0.1:…: error:0480006C:PEM routines::no start line".
    const text = await paneError(() => ({ 'client-certificate-data': junk, 'client-key-data': junk }), /client certificate/);
    expect(text).toMatch(/the client certificate or key of user 'tester' cannot be used: .*PEM/);
  }, 60_000);
});

describe('an https:// server that does not speak TLS', () => {
  it('a plain HTTP endpoint (the wrong port): the error says it does not answer in TLS, not OpenSSL internals', async () => {
    const requests: string[] = [];
    plain = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((r) => plain!.listen(0, '127.0.0.1', () => r()));
    const server = `https://127.0.0.1:${(plain.address() as { port: number }).port}`;
    // Before: "API server https://127.0.0.1:…: write EPROTO 80…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/…".
    const text = await paneError((token) => ({ token }), /TLS/, server);
    expect(text).toContain(`TLS error talking to ${server}: it does not answer in TLS (a plain http:// endpoint, or the wrong port?)`);
    expect(text).not.toMatch(/deps\/openssl|0A00010B/);
    // Nothing was sent in clear text: no request (and so no token) reached it.
    expect(requests).toEqual([]);
  }, 60_000);
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('a cluster reached through proxy-url (an SSH tunnel, a bastion, a corporate proxy)', () => {
  it('a proxy that is not there: its requests fail saying so (the proxy password not shown), never sent straight to the server around the proxy', async () => {
    // Before: proxy-url was ignored; the requests (and the token) went straight to the server address.
    const port = await closedPort();
    const text = await paneError((token) => ({ token }), /proxy/, undefined, { 'proxy-url': `socks5://jump:s3cret@127.0.0.1:${port}` });
    expect(text).toContain(`the proxy socks5://127.0.0.1:${port} of cluster 'test' refused the connection (is it running?)`);
    expect(text).not.toContain('s3cret');
    expect(h!.sim.journalEntries().filter((e) => e.path.startsWith('/api'))).toEqual([]);
  }, 60_000);
});
