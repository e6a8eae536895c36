import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { discoverResources } from '../../src/kube/discovery.js';
import { useTestServers } from '../http-kubeconfig.js';

/**
 * Discovery (the `:` switcher's kinds) from an API server whose `/apis` names a great many groups, or
 * groups and resources that are not names: the group documents are asked for a few at a time (all of
 * them at once opened a socket per group at the same moment), and nothing that is not a name is put
 * in a request path or offered as a kind.
 */
const serve = useTestServers();

const json = (res: ServerResponse, body: unknown): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const resource = (name: string, kind: string) => ({ name, kind, namespaced: true, verbs: ['get', 'list', 'watch'] });

describe('a hostile discovery', () => {
  it('1,500 groups: their documents are fetched a few at a time, and every group is read', async () => {
    const GROUPS = 1500;
    let open = 0;
    let most = 0;
    const asked: string[] = [];
    const kc = await serve((req, res) => {
      const url = req.url!;
      if (url === '/api/v1') return json(res, { resources: [resource('pods', 'Pod')] });
      if (url === '/apis') return json(res, { groups: Array.from({ length: GROUPS }, (_, i) => ({ name: `g${i}.example.com`, preferredVersion: { version: 'v1' } })) });
      asked.push(url);
      open++;
      most = Math.max(most, open);
      const g = /^\/apis\/g(\d+)\.example\.com\/v1$/.exec(url);
      setTimeout(() => {
        open--;
        json(res, { resources: g ? [resource(`things${g[1]}`, `Thing${g[1]}`)] : [] });
      }, 5);
    });
    const found = await discoverResources(kc);
    expect(asked.length).toBe(GROUPS);
    expect(most).toBeLessThanOrEqual(32);
    expect(found.length).toBe(GROUPS + 1);
    expect(found.find((r) => r.plural === 'things1499')).toMatchObject({ group: 'g1499.example.com', version: 'v1', kind: 'Thing1499' });
  }, 60_000);

  it('groups, versions, resources and short names that are not names are left out, never requested', async () => {
    const asked: string[] = [];
    const kc = await serve((req, res) => {
      const url = req.url!;
      asked.push(url);
      if (url === '/api/v1') {
        return json(res, {
          resources: [resource('pods', 'Pod'), resource('Bad Name', 'X'), resource('evil', '\u001b[2J'), { ...resource('services', 'Service'), shortNames: ['svc', '\u001b]0;x\u0007', 7] }, null, 'pods'],
        });
      }
      if (url === '/apis') {
        return json(res, {
          groups: [
            { name: 'apps', preferredVersion: { version: 'v1' } },
            { name: 'x?watch=true&y', preferredVersion: { version: 'v1' } },
            { name: 'ok.example.com', preferredVersion: { version: 'v1/../../api' } },
            { name: 'ok.example.com' },
            null,
          ],
        });
      }
      if (url === '/apis/apps/v1') return json(res, { resources: [resource('deployments', 'Deployment')] });
      res.writeHead(404).end();
    });
    const found = await discoverResources(kc);
    expect(found.map((r) => `${r.group}/${r.plural}:${r.shortNames.join(',')}`)).toEqual(['/pods:', '/services:svc', 'apps/deployments:']);
    expect(asked.sort()).toEqual(['/api/v1', '/apis', '/apis/apps/v1']);
  });
});
