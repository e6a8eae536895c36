import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { KubeConfig } from '../../src/kube/kubeconfig.js';
import { readLog, type ReadEnd } from '../../src/kube/logs/log-read.js';
import type { LogLine } from '../../src/kube/logs/log-line.js';
import { waitFor } from '../../../../test/helpers/daemon-process.js';
import { kubeconfigFor } from '../http-kubeconfig.js';
import { makePki, type Pki } from '../test-pki.js';
import { forgetTlsReuse } from '../../src/kube/tls-reuse.js';

/**
 * A followed log's transport (undici on a connection of its own, TLS made from the kubeconfig)
 * against a real HTTPS server that requires a client certificate: what reaches the reader, and what
 * a server that misbehaves mid-stream, refuses, stalls or is not who it says leads to.
 */

const ORIGIN = { pod: 'web', container: '' };
const TARGET = { context: 'x', namespace: 'default', pod: 'web', container: '', previous: false };
const stamp = (i: number): string => `2026-12-07T10:00:00.${String(i).padStart(9, '0')}Z`;

let pki: Pki;
let srv: HttpsServer;
let port = 0;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => r.end();
/** The client certificate's name each request came with. */
const callers: string[] = [];
/** Per request: whether its TLS session was resumed. */
const resumed: boolean[] = [];

beforeAll(async () => {
  pki = await makePki();
  srv = createHttpsServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    callers.push(String(peer?.subject?.CN ?? ''));
    resumed.push((req.socket as TLSSocket).isSessionReused());
    if (!(req.socket as TLSSocket).authorized) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  port = (srv.address() as AddressInfo).port;
});
afterAll(() => {
  srv.closeAllConnections();
  srv.close();
});

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function kubeconfig(o: { host?: string; ca?: string; cert?: boolean; keyPem?: string; tlsServerName?: string } = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `https://${o.host ?? 'localhost'}:${port}`, caData: b64(o.ca ?? pki.ca), skipTLSVerify: false, ...(o.tlsServerName ? { tlsServerName: o.tlsServerName } : {}) }],
    users: [{ name: 'dev', ...(o.cert === false ? { token: 't' } : { certData: b64(pki.clientCert), keyData: b64(o.keyPem ?? pki.clientKey) }) }],
    contexts: [{ name: 'x', cluster: 'c', user: 'dev' }],
    currentContext: 'x',
  });
  return kc;
}

function follow(kc: KubeConfig, onLines: (l: LogLine[]) => void | Promise<void> = () => undefined) {
  const lines: string[] = [];
  const read = readLog({
    kc,
    target: TARGET,
    start: { history: { all: true } },
    follow: true,
    origin: ORIGIN,
    onLines: (ls) => {
      for (const l of ls) lines.push(l.text);
      return onLines(ls);
    },
  });
  return { read, lines };
}

describe('a followed log over TLS with a client certificate', () => {
  it('every line its own chunk, and lines split across chunks: all arrive whole and in order, the certificate presented, the name checked', async () => {
    const N = 20_000;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
      for (let i = 0; i < N; i++) res.write(`${stamp(i)} line ${i}\n`);
      // One line in three writes, a multi-byte character cut between two of them.
      const euro = Buffer.from(`${stamp(N)} price 5 €\n`);
      const cut = euro.length - 3;
      res.write(euro.subarray(0, 10));
      res.write(euro.subarray(10, cut));
      res.end(euro.subarray(cut));
    };
    callers.length = 0;
    const { read, lines } = follow(kubeconfig());
    expect(await read.done).toEqual({ kind: 'eof' });
    expect(lines.length).toBe(N + 1);
    expect(lines.slice(0, 2)).toEqual(['line 0', 'line 1']);
    expect(lines.every((l, i) => i === N || l === `line ${i}`)).toBe(true);
    expect(lines[N]).toBe('price 5 €');
    expect(callers).toEqual(['dev']);
  });

  it('the next stream to the server resumes the TLS session, with the client certificate presented again', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`${stamp(1)} one\n`);
    };
    forgetTlsReuse();
    callers.length = 0;
    resumed.length = 0;
    for (let i = 0; i < 3; i++) {
      const { read, lines } = follow(kubeconfig());
      expect(await read.done).toEqual({ kind: 'eof' });
      expect(lines).toEqual(['one']);
    }
    expect(callers).toEqual(['dev', 'dev', 'dev']);
    expect(resumed[0]).toBe(false);
    expect(resumed.slice(1).some((r) => r)).toBe(true);
  });

  it("the server's name is checked against its certificate; tls-server-name names it when the URL is an address", async () => {
    handler = (_req, res) => res.end(`${stamp(1)} hello\n`);
    // 127.0.0.1 is not in the certificate: refused as kubectl refuses it.
    const wrong = follow(kubeconfig({ host: '127.0.0.1' }));
    const end = await wrong.read.done;
    expect(end.kind).toBe('failed');
    expect(((end as Extract<ReadEnd, { kind: 'failed' }>).error as Error).message).toMatch(/^TLS error talking to https:\/\/127\.0\.0\.1:\d+: .*(IP: 127\.0\.0\.1 is not in the cert's list|altnames)/i);
    const named = follow(kubeconfig({ host: '127.0.0.1', tlsServerName: 'api.internal' }));
    expect(await named.read.done).toEqual({ kind: 'eof' });
    expect(named.lines).toEqual(['hello']);
  });

  it('a server whose certificate another CA signed: a TLS error naming the server, no line read', async () => {
    handler = (_req, res) => res.end(`${stamp(1)} secret\n`);
    const { read, lines } = follow(kubeconfig({ ca: pki.otherCa }));
    const end = await read.done;
    expect(end.kind).toBe('failed');
    expect(((end as Extract<ReadEnd, { kind: 'failed' }>).error as Error).message).toMatch(/^TLS error talking to https:\/\/localhost:\d+: /);
    expect(lines).toEqual([]);
  });

  it('no client certificate: the 401 Status is the error (its words), not a stream', async () => {
    const { read, lines } = follow(kubeconfig({ cert: false }));
    const end = await read.done;
    expect(end.kind).toBe('failed');
    expect(((end as Extract<ReadEnd, { kind: 'failed' }>).error as Error & { status?: number }).status).toBe(401);
    expect(((end as Extract<ReadEnd, { kind: 'failed' }>).error as Error).message).toMatch(/Unauthorized/);
    expect(lines).toEqual([]);
  });

  it('a refusal with a body of megabytes: the error is bounded, the body not kept', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('x'.repeat(8 * 1024 * 1024));
    };
    const { read } = follow(kubeconfig());
    const end = await read.done;
    expect(end.kind).toBe('failed');
    const err = (end as Extract<ReadEnd, { kind: 'failed' }>).error as Error & { status?: number };
    expect(err.status).toBe(500);
    expect(err.message.length).toBeLessThan(70 * 1024);
  });

  it('the server closes the connection mid-body (with TLS close_notify, or without): the lines before count, the cut says the server closed it', async () => {
    for (const how of ['end', 'destroy'] as const) {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
        res.write(`${stamp(1)} first\n${stamp(2)} second\n${stamp(3)} half a li`);
        setTimeout(() => (how === 'end' ? res.socket?.end() : res.socket?.destroy()), 100);
      };
      const { read, lines } = follow(kubeconfig());
      const end = await read.done;
      expect(lines).toEqual(['first', 'second']);
      expect(end.kind).toBe('cut');
      expect((end as Extract<ReadEnd, { kind: 'cut' }>).message).toBe('the API server closed the stream');
    }
  });

  it('while the reader holds a batch (a promise), nothing more comes and the server is pushed back; then the rest arrives', async () => {
    let written = 0;
    let stalled = false;
    const TOTAL = 4_000;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
      const pump = (): void => {
        while (written < TOTAL) {
          const ok = res.write(`${stamp(written)} ${'p'.repeat(2000)} ${written}\n`);
          written++;
          if (!ok) {
            stalled = true;
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    let duringHold = 0;
    let holding = false;
    const { read, lines } = follow(kubeconfig(), () => {
      calls++;
      if (holding) duringHold++;
      if (calls === 1) {
        holding = true;
        return gate;
      }
      return undefined;
    });
    await waitFor('the first batch held and the server stalled', () => calls === 1 && stalled, 30_000);
    const heldAt = lines.length;
    const writtenAtHold = written;
    // The server cannot have written everything: the socket is not read while the batch is held.
    expect(writtenAtHold).toBeLessThan(TOTAL);
    holding = false;
    release();
    expect(await read.done).toEqual({ kind: 'eof' });
    expect(duringHold).toBe(0);
    expect(heldAt).toBeLessThan(TOTAL);
    expect(lines.length).toBe(TOTAL);
    expect(lines.at(-1)).toMatch(/ 3999$/);
  });

  it('aborted mid-stream: done says aborted at once, no line after it, and the server sees the connection close', async () => {
    let closed = false;
    let timer: NodeJS.Timeout | null = null;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
      let i = 0;
      timer = setInterval(() => res.write(`${stamp(i++)} tick\n`), 5);
      res.on('close', () => {
        closed = true;
        if (timer) clearInterval(timer);
      });
    };
    const { read, lines } = follow(kubeconfig());
    await waitFor('lines flowing', () => lines.length > 5, 30_000);
    read.abort();
    expect(await read.done).toEqual({ kind: 'aborted' });
    const at = lines.length;
    await waitFor('the server saw the close', () => closed, 30_000);
    expect(lines.length).toBe(at);
  });

  it('a server that accepts and never answers: the read fails within the answer deadline, naming the server', async () => {
    handler = () => undefined;
    const t0 = Date.now();
    const { read } = follow(kubeconfig());
    const end = await read.done;
    expect(end.kind).toBe('failed');
    expect(((end as Extract<ReadEnd, { kind: 'failed' }>).error as Error).message).toMatch(/^the API server at https:\/\/localhost:\d+ did not answer within 10 s$/);
    expect(Date.now() - t0).toBeLessThan(25_000);
  }, 40_000);

  it('a client key that is not PEM: refused before anything is sent, naming the user', async () => {
    callers.length = 0;
    const { read } = follow(kubeconfig({ keyPem: '-----BEGIN PRIVATE KEY-----\ntruncated' }));
    const end = await read.done;
    expect(end.kind).toBe('failed');
    expect(((end as Extract<ReadEnd, { kind: 'failed' }>).error as Error).message).toMatch(/^the client certificate or key of user 'dev' cannot be used: /);
    expect(callers).toEqual([]);
  });

  it('something that is not an API server at the URL (an SSH banner, headers past 16 KiB): said as not answering in HTTP', async () => {
    const answers: Record<string, (c: Socket) => void> = {
      'Expected HTTP/, RTSP/ or ICE/': (c) => c.end('SSH-2.0-OpenSSH_9.6\r\n'),
      'its headers are longer than 16 KiB': (c) => c.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`),
    };
    for (const [said, answer] of Object.entries(answers)) {
      const tcp = createTcpServer((c) => {
        c.on('error', () => undefined);
        c.once('data', () => answer(c));
      });
      await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()));
      const server = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
      const { read, lines } = follow(kubeconfigFor(tcp));
      const end = await read.done;
      tcp.close();
      const message = end.kind === 'failed' ? (end.error as Error).message : end.kind;
      expect(message).toBe(`the API server at ${server} did not answer in HTTP (${said}): is the server URL in the kubeconfig (scheme, host and port) an API server's?`);
      expect(end.kind).toBe('failed');
      expect(lines).toEqual([]);
    }
  });

  it('opened and aborted at every stage (connecting, mid-TLS, answered, streaming), 60 times: aborted each time, nothing after it, no connection left open', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
      const timer = setInterval(() => res.write(`${stamp(1)} tick\n`), 2);
      res.on('close', () => clearInterval(timer));
    };
    const reads = [];
    for (let i = 0; i < 60; i++) {
      let after = 0;
      let aborted = false;
      const read = readLog({
        kc: kubeconfig(),
        target: TARGET,
        start: { history: { all: true } },
        follow: true,
        origin: ORIGIN,
        onLines: () => {
          if (aborted) after++;
        },
      });
      // 0 ms: before the connection; then through the handshake and into the stream.
      await new Promise((r) => setTimeout(r, i % 12));
      aborted = true;
      read.abort();
      reads.push(read.done.then((end) => ({ end, after: () => after })));
    }
    const ends = await Promise.all(reads);
    expect(ends.map((e) => e.end.kind)).toEqual(ends.map(() => 'aborted'));
    await waitFor('every connection closed on the server', () => new Promise<boolean>((r) => srv.getConnections((_e, n) => r(n === 0))), 30_000);
    expect(ends.map((e) => e.after()).filter((n) => n > 0)).toEqual([]);
  });
});
