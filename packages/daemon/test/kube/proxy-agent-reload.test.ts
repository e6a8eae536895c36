// The proxy agents a reloaded kubeconfig no longer names: their idle connections to the proxy are
// closed, and a request still in flight on one (a log stream, a watch not restarted yet) is not cut.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request, type Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { keepProxyAgents, proxyAgent, proxyRoute } from '../../src/kube/proxy-agent.js';
import { waitFor } from '../../../../test/helpers/daemon-process.js';
import { startConnectProxy, type TestProxy } from '../../../../test/helpers/proxies.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  keepProxyAgents([]);
  for (const c of closers.splice(0)) await c();
});

/** An HTTP server: `/short` answers at once; `/stream` sends a first line and the rest when `finish()` is called. */
async function startServer(): Promise<{ port: number; finish(): void }> {
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first\n');
      held.push(res);
      return;
    }
    res.end('short\n');
  });
  // As kube-apiserver: no `Keep-Alive: timeout=…` hint (node's agent closes an idle connection on it by itself).
  server.keepAliveTimeout = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return { port: (server.address() as { port: number }).port, finish: () => held.splice(0).forEach((res) => res.end('last\n')) };
}

function get(port: number, path: string, agent: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: 'server.test', port, path, agent }, resolve);
    req.on('error', reject);
    req.end();
  });
}

const body = (res: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('the answer was cut')));
  });

describe('proxy agents on a kubeconfig reload', () => {
  it('one agent for requests starting together; dropped: its idle connection closed, a request in flight finishes', async () => {
    const server = await startServer();
    const proxy: TestProxy = await startConnectProxy({ hosts: { 'server.test': '127.0.0.1' } });
    closers.push(() => proxy.close());
    const route = proxyRoute(proxy.url, 'http:', 'far');
    // A list, its watch and the discovery start together: one agent (each made its own, and all but one were out of reach).
    const [agent, same] = await Promise.all([proxyAgent(route), proxyAgent(route)]);
    expect(same).toBe(agent);

    const streaming = await get(server.port, '/stream', agent);
    const streamed = body(streaming);
    expect(await body(await get(server.port, '/short', agent))).toBe('short\n');
    await waitFor('the short request\'s connection idle beside the stream', () => proxy.open() === 2);

    keepProxyAgents([proxyRoute(`${proxy.url}/other`, 'http:', 'far')]);
    await waitFor('the idle connection closed', () => proxy.open() < 2);
    expect(proxy.open()).toBe(1); // the stream's, in flight
    server.finish();
    expect(await streamed).toBe('first\nlast\n');
    // Done with, the stream's connection is not kept either.
    await waitFor('the stream\'s connection closed', () => proxy.open() === 0);
    // A route named again gets a new agent.
    expect(await proxyAgent(route)).not.toBe(agent);
  });

  it('an agent a loaded cluster still names is kept, its idle connection open', async () => {
    const server = await startServer();
    const proxy = await startConnectProxy({ hosts: { 'server.test': '127.0.0.1' } });
    closers.push(() => proxy.close());
    const route = proxyRoute(proxy.url, 'http:', 'far');
    const agent = await proxyAgent(route);
    expect(await body(await get(server.port, '/short', agent))).toBe('short\n');
    keepProxyAgents([proxyRoute(proxy.url, 'http:', 'far')]);
    expect(await proxyAgent(route)).toBe(agent);
    expect(await body(await get(server.port, '/short', agent))).toBe('short\n');
    expect(proxy.targets.length).toBe(1);
  });
});
