import { describe, expect, it } from 'vitest';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { listPages } from '../../src/kube/list-pages.js';
import { useTestServers } from '../http-kubeconfig.js';

/**
 * A list page from a hostile or broken API server: one whose body does not end (it is cut at the cap
 * every answer has, not held until the daemon runs out of memory), and continue tokens that lead back
 * to a page already read (the list fails saying so, instead of fetching the same pages for ever).
 */
const serve = useTestServers();

async function readAll(kc: KubeConfig): Promise<number> {
  let items = 0;
  for await (const page of listPages(kc, '/api/v1/pods', { first: 500, limit: 1000, stopped: () => false })) items += page.items.length;
  return items;
}

describe('hostile list pages', () => {
  it('a page that goes on past 448 MiB: cut there and refused, naming the request', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[');
      // 700 MiB, then the end (an answer that never ended held the daemon's memory until it was killed).
      const more = (): void => {
        while (sent < 700 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end(']}');
      };
      res.on('close', () => (sent = Infinity));
      more();
    });
    await expect(readAll(kc)).rejects.toThrow('GET /api/v1/pods: the answer is bigger than 448 MiB; not read');
  }, 120_000);

  it('a continue token that comes back (a cycle of three pages): the list fails saying so, after three pages', async () => {
    let requests = 0;
    const kc = await serve((req, res) => {
      requests++;
      const token = new URL(req.url!, 'http://x').searchParams.get('continue') ?? '';
      const next = { '': 'a', a: 'b', b: 'a' }[token] ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '5', continue: next }, items: [{ metadata: { name: `p-${token}`, uid: `u-${token}` } }] }));
    });
    await expect(readAll(kc)).rejects.toThrow('GET /api/v1/pods: the API server sent a continue token it had sent before (after 3 pages): the list would never end');
    expect(requests).toBe(3);
  });
});

describe('a page that trickles in and never ends', () => {
  it('fails at the page deadline, saying so (the socket never goes silent long enough to time out)', async () => {
    const timers: NodeJS.Timeout[] = [];
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[');
      timers.push(setInterval(() => res.write(' '), 100));
      res.on('close', () => timers.forEach(clearInterval));
    });
    const pages = listPages(kc, '/api/v1/pods', { first: 500, limit: 1000, stopped: () => false, pageDeadlineMs: 1500 });
    await expect(pages.next()).rejects.toThrow('GET /api/v1/pods: the page did not finish arriving within 2 s');
    timers.forEach(clearInterval);
  });

  it('an unpaged list whose body trickles (a byte at a time: no silence long enough to trip the idle limit) is given up, naming the request', async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"PodList","metadata":{"resourceVersion":"1"},"items":[');
      const t = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(t));
    });
    const read = async (): Promise<number> => {
      let items = 0;
      for await (const page of listPages(kc, '/api/v1/pods', { first: 0, limit: 0, stopped: () => false, minPace: { windowMs: 1_000, minBytes: 1024 } })) items += page.items.length;
      return items;
    };
    // Before: it loaded for ever (an unpaged list has no deadline).
    await expect(read()).rejects.toThrow(/^GET \/api\/v1\/pods: the API server sends the list too slowly \(\d+ B in the last 1 s, \d+ B in all; at least 1 KiB is wanted\): given up$/);
  }, 30_000);
});
