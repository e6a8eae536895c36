import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { KubeConfig } from '../src/kube/kubeconfig.js';
import { openApiWebSocket } from '../src/kube/api-websocket.js';
import { forgetTlsReuse } from '../src/kube/tls-reuse.js';
import { makePki, type Pki } from './test-pki.js';

/**
 * The WebSockets of exec and port-forward connections resume the TLS session of the one before
 * (the context made once, the server's ticket offered again) — and only to the server, with the
 * certificates, it came from: a kubeconfig that trusts another CA, names another host or presents
 * no client certificate gets no session of another's, and is checked (and refused) as before.
 */

let pki: Pki;
let srv: Server;
let port = 0;
/** Per upgrade: whether the TLS session was resumed, and the client certificate's name. */
const seen: Array<{ resumed: boolean; caller: string }> = [];

beforeAll(async () => {
  pki = await makePki();
  srv = createServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true, rejectUnauthorized: false }, (_req, res) => res.end());
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (ps) => [...ps][0] ?? false });
  srv.on('upgrade', (req, socket, head) => {
    const tls = socket as TLSSocket;
    const caller = String(tls.getPeerCertificate()?.subject?.CN ?? '');
    seen.push({ resumed: tls.isSessionReused(), caller });
    if (!tls.authorized) {
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ws.send(Buffer.from([1, 0x68, 0x69])));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  port = (srv.address() as AddressInfo).port;
});
afterAll(() => {
  srv.closeAllConnections();
  srv.close();
});
beforeEach(() => {
  forgetTlsReuse();
  seen.length = 0;
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function kubeconfig(o: { host?: string; ca?: string; cert?: boolean; skipVerify?: boolean } = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `https://${o.host ?? 'localhost'}:${port}`, caData: b64(o.ca ?? pki.ca), skipTLSVerify: o.skipVerify === true }],
    users: [{ name: 'dev', ...(o.cert === false ? { token: 't' } : { certData: b64(pki.clientCert), keyData: b64(pki.clientKey) }) }],
    contexts: [{ name: 'x', cluster: 'c', user: 'dev' }],
    currentContext: 'x',
  });
  return kc;
}

/** Opens an exec-like WebSocket and reads its first message; closes it. */
async function open(kc: KubeConfig): Promise<string> {
  const { ws } = await openApiWebSocket(kc, { path: '/api/v1/namespaces/default/pods/p/exec', query: { command: ['true'] } }, ['v5.channel.k8s.io']);
  const first = await new Promise<Buffer>((resolve) => ws.once('message', (d: Buffer) => resolve(d)));
  ws.close();
  return first.subarray(1).toString('utf8');
}

describe('TLS for the API WebSockets', () => {
  it('resumes the session of the connection before, with the client certificate still presented', async () => {
    const kc = kubeconfig();
    for (let i = 0; i < 3; i++) expect(await open(kc)).toBe('hi');
    expect(seen.map((s) => s.caller)).toEqual(['dev', 'dev', 'dev']);
    expect(seen[0]!.resumed).toBe(false);
    // The server hands out its ticket after the handshake: the next ones resume (one may race it).
    expect(seen.slice(1).some((s) => s.resumed)).toBe(true);
  });

  it("offers no session to a kubeconfig that trusts another CA: the server's certificate is checked, and refused", async () => {
    await open(kubeconfig());
    await open(kubeconfig());
    expect(seen.at(-1)!.resumed).toBe(true);
    await expect(open(kubeconfig({ ca: pki.otherCa }))).rejects.toThrow(/certificate|self.signed|issuer/i);
  });

  it('offers no session for another host name: a name the certificate does not have is refused', async () => {
    await open(kubeconfig());
    await open(kubeconfig());
    expect(seen.at(-1)!.resumed).toBe(true);
    await expect(open(kubeconfig({ host: '127.0.0.1' }))).rejects.toThrow(/127\.0\.0\.1|altnames|IP/i);
  });

  it('offers no session made without checking the server (insecure-skip-tls-verify) to a kubeconfig that checks it', async () => {
    await open(kubeconfig({ host: '127.0.0.1', skipVerify: true }));
    await open(kubeconfig({ host: '127.0.0.1', skipVerify: true }));
    expect(seen.at(-1)!.resumed).toBe(true);
    await expect(open(kubeconfig({ host: '127.0.0.1' }))).rejects.toThrow(/127\.0\.0\.1|altnames|IP/i);
  });

  it("offers no client certificate's session to a user without one: the server sees no certificate", async () => {
    await open(kubeconfig());
    await open(kubeconfig());
    expect(seen.at(-1)!.resumed).toBe(true);
    await expect(open(kubeconfig({ cert: false }))).rejects.toThrow(/Unauthorized/);
    expect(seen.at(-1)).toEqual({ resumed: false, caller: '' });
  });
});
