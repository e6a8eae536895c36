import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { DiscoveryCheck } from '../../src/kube/discovery-check.js';
import { discoverResources } from '../../src/kube/discovery.js';
import { useTestServers } from '../http-kubeconfig.js';

/**
 * Discovery documents from a hostile API server: a group version's document of 64 MiB (read whole and parsed
 * before, 32 such at a time), and one whose `resources` holds nulls (a TypeError from the check a list runs
 * before listing). The big group is left out and named; the other groups and resources are read.
 */
const serve = useTestServers();

const json = (res: ServerResponse, body: unknown): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const resource = (name: string, kind: string) => ({ name, kind, namespaced: true, verbs: ['get', 'list', 'watch'] });

const BIG = 64 * 1024 * 1024;

/** Writes a valid 64 MiB APIResourceList (its one resource first, then padding), as fast as the client reads; resolves whether all of it was written. */
function sendBig(res: ServerResponse, written: { bytes: number; closedEarly: boolean }): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(`{"resources":[${JSON.stringify(resource('bigs', 'Big'))}],"padding":"`);
  const chunk = 'x'.repeat(1024 * 1024);
  let sent = 0;
  res.on('close', () => {
    if (sent < BIG) written.closedEarly = true;
  });
  const pump = (): void => {
    while (sent < BIG) {
      sent += chunk.length;
      written.bytes = sent;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end('"}');
  };
  pump();
}

describe('huge and malformed discovery documents', () => {
  it('a 64 MiB group document is not read whole: that group is left out, the others are found', async () => {
    const written = { bytes: 0, closedEarly: false };
    const kc = await serve((req, res) => {
      const url = req.url!;
      if (url === '/api/v1') return json(res, { resources: [resource('pods', 'Pod')] });
      if (url === '/apis') return json(res, { groups: [{ name: 'big.example.com', preferredVersion: { version: 'v1' } }, { name: 'ok.example.com', preferredVersion: { version: 'v1' } }] });
      if (url === '/apis/big.example.com/v1') return sendBig(res, written);
      if (url === '/apis/ok.example.com/v1') return json(res, { resources: [resource('oks', 'Ok')] });
      res.writeHead(404).end();
    });
    const found = await discoverResources(kc);
    expect(found.map((r) => `${r.group}/${r.plural}`)).toEqual(['/pods', 'ok.example.com/oks']);
    await expect.poll(() => written.closedEarly, { timeout: 20_000 }).toBe(true);
    expect(written.bytes).toBeLessThan(BIG);

    // The check a list runs first says what was wrong with the document.
    const check = new DiscoveryCheck(kc);
    await expect(check.verify({ group: 'big.example.com', version: 'v1', plural: 'bigs', kind: 'Big', namespaced: true })).rejects.toThrow(/\/apis\/big\.example\.com\/v1.*bigger than/);
  }, 60_000);

  it('a group document whose resources hold nulls and numbers: the resources it does name are served', async () => {
    const kc = await serve((req, res) => {
      if (req.url === '/apis/odd.example.com/v1') return json(res, { resources: [null, 7, 'gizmos', resource('gizmos', 'Gizmo')] });
      if (req.url === '/apis/odder.example.com/v1') return json(res, { resources: 5 });
      res.writeHead(404).end();
    });
    const check = new DiscoveryCheck(kc);
    await expect(check.verify({ group: 'odd.example.com', version: 'v1', plural: 'gizmos', kind: 'Gizmo', namespaced: true })).resolves.toBeUndefined();
    await expect(check.verify({ group: 'odder.example.com', version: 'v1', plural: 'gizmos', kind: 'Gizmo', namespaced: true })).rejects.toThrow(
      'the API server does not serve resource "gizmos" in odder.example.com/v1',
    );
  });
});

describe('discovery that finds its 10,000 resources early', () => {
  it('asks for no further group once the groups before fill it, and keeps the first 10,000 in order', async () => {
    const GROUPS = 400;
    const asked: string[] = [];
    const kc = await serve((req, res) => {
      const url = req.url!;
      if (url === '/api/v1') return json(res, { resources: [resource('pods', 'Pod')] });
      if (url === '/apis') return json(res, { groups: Array.from({ length: GROUPS }, (_, i) => ({ name: `g${i}.example.com`, preferredVersion: { version: 'v1' } })) });
      asked.push(url);
      const g = /^\/apis\/g(\d+)\.example\.com\/v1$/.exec(url);
      // Each group serves 4,000 resources (~0.4 MiB): three groups' fill it; 400 were all read and held.
      json(res, { resources: g ? Array.from({ length: 4000 }, (_, k) => resource(`r${g[1]}x${k}`, `R${g[1]}x${k}`)) : [] });
    });
    const found = await discoverResources(kc);
    expect(found.length).toBe(10_000);
    expect(found[0]!.plural).toBe('pods');
    expect(found[1]!.plural).toBe('r0x0');
    expect(found[9_999]!.plural).toBe(`r2x${9_999 - 1 - 8_000}`);
    // The workers that were busy when it filled finish their group; none starts another.
    expect(asked.length).toBeLessThan(GROUPS / 4);
  }, 60_000);
});
