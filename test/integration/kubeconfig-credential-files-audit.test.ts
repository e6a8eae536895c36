// Audit of the files a kubeconfig names for credentials (client certificates, CAs, token files) as
// an unlucky user meets them: an entry whose files are gone, a token file rotated in place while the
// daemon runs.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import type { RawClient } from '../helpers/rpc-client.js';

let h: SimDaemonWithClient | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

type View = TableView | { type: 'message'; text: string };
const shown = (v: View): string => (v.type === 'table' ? `${v.empty ?? ''} ${v.footer ?? ''}` : v.text);
const view = async (c: RawClient, paneId: number): Promise<View> => (await c.request<{ view: View }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
const rowNames = (v: View): string[] => (v.type === 'table' ? v.rows.map((r) => String(r.cells.name)) : []);

describe('a kubeconfig with a stale entry', () => {
  it("a context whose certificate files are gone (a deleted minikube profile): the other contexts list, and that one says which file is missing", async () => {
    let gone = '';
    h = await startSimDaemon({
      client: { cols: 160, rows: 40 },
      beforeDaemon: (sim, env) => {
        gone = join(env.dir, 'minikube', 'profiles', 'old');
        const kc = join(env.dir, 'kubeconfig');
        writeFileSync(kc, JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': 'test',
          clusters: [
            { name: 'test', cluster: { server: sim.url, 'certificate-authority-data': Buffer.from(sim.caPem).toString('base64') } },
            { name: 'old', cluster: { server: 'https://192.0.2.1:8443', 'certificate-authority': join(gone, 'ca.crt') } },
          ],
          users: [
            { name: 'tester', user: { token: sim.token } },
            { name: 'old', user: { 'client-certificate': join(gone, 'client.crt'), 'client-key': join(gone, 'client.key') } },
          ],
          contexts: [
            { name: 'test', context: { cluster: 'test', user: 'tester', namespace: 'default' } },
            { name: 'old', context: { cluster: 'old', user: 'old', namespace: 'default' } },
          ],
        }));
        env.env.KUBECONFIG = kc;
        sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
      },
    });
    const c = h.client;
    const paneId = c.activeTab().focusedPaneId;
    // Before: the whole kubeconfig was refused, every context with it ("No cluster connection: … does not exist").
    await waitFor('the good context lists its pod', async () => rowNames(await view(c, paneId)).includes('web-1'), 30_000, 100);
    await expect(c.request('kube/contexts')).resolves.toMatchObject({ current: 'test', contexts: [{ name: 'test' }, { name: 'old' }] });
    await c.request('kube/use', { tabId: c.activeTab().id, context: 'old' });
    const text = await waitFor('the stale context says what is wrong', async () => {
      const t = shown(await view(c, paneId));
      return /certificate-authority: .* does not exist/.test(t) ? t : null;
    }, 30_000, 100);
    expect(text).toContain(`clusters[1] (old) certificate-authority: ${join(gone, 'ca.crt')} does not exist`);
  }, 90_000);
});

describe('a context naming a user or cluster the kubeconfig lacks (a typo, an entry deleted)', () => {
  it('its requests fail naming the context and the missing entry (not sent anonymously, not "no current cluster")', async () => {
    h = await startSimDaemon({
      client: { cols: 160, rows: 40 },
      beforeDaemon: (sim, env) => {
        const kc = join(env.dir, 'kubeconfig');
        writeFileSync(kc, JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': 'typo-user',
          clusters: [{ name: 'test', cluster: { server: sim.url, 'certificate-authority-data': Buffer.from(sim.caPem).toString('base64') } }],
          users: [{ name: 'tester', user: { token: sim.token } }],
          contexts: [
            { name: 'typo-user', context: { cluster: 'test', user: 'admn', namespace: 'default' } },
            { name: 'typo-cluster', context: { cluster: 'tset', user: 'tester', namespace: 'default' } },
          ],
        }));
        env.env.KUBECONFIG = kc;
      },
    });
    const { client: c, sim } = h;
    const paneId = c.activeTab().focusedPaneId;
    // Before: the requests went out with no credentials, and the pane said only what the API server answered (401).
    await waitFor('the missing user named', async () => shown(await view(c, paneId)).includes("context 'typo-user' names user 'admn', which the kubeconfig does not define"), 30_000, 100);
    expect(sim.journalEntries().filter((e) => e.path.startsWith('/api'))).toEqual([]);
    await c.request('kube/use', { tabId: c.activeTab().id, context: 'typo-cluster' });
    // Before: "the kubeconfig has no current cluster".
    await waitFor('the missing cluster named', async () => shown(await view(c, paneId)).includes("context 'typo-cluster' names cluster 'tset', which the kubeconfig does not define"), 30_000, 100);
  }, 90_000);
});

describe('a token file rotated in place while the daemon runs', () => {
  it('once the API server refuses the old token, the new one is read from the file and the lists recover', async () => {
    let tokenPath = '';
    h = await startSimDaemon({
      client: { cols: 160, rows: 40 },
      beforeDaemon: (sim, env) => {
        tokenPath = join(env.dir, 'token');
        writeFileSync(tokenPath, `${sim.token}\n`);
        const kc = join(env.dir, 'kubeconfig');
        writeFileSync(kc, JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': 'test',
          clusters: [{ name: 'test', cluster: { server: sim.url, 'certificate-authority-data': Buffer.from(sim.caPem).toString('base64') } }],
          users: [{ name: 'tester', user: { 'token-file': 'token' } }],
          contexts: [{ name: 'test', context: { cluster: 'test', user: 'tester', namespace: 'default' } }],
        }));
        env.env.KUBECONFIG = kc;
      },
    });
    const { client: c, sim } = h;
    const paneId = (await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'configmaps' } } })).paneId;
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'before', namespace: 'default' } });
    await waitFor('the configmap listed', async () => rowNames(await view(c, paneId)).includes('before'), 30_000, 100);

    // The token is rotated: the API server takes only the new one, and the watch has to reconnect.
    sim.rotateToken('rotated-token');
    sim.killWatches();
    await waitFor('the pane says the token was refused', async () => /[Uu]nauthori[sz]ed/.test(shown(await view(c, paneId))), 60_000, 100);
    // The kubelet (vault-agent, a login helper) writes the new token into the file; the kubeconfig is unchanged.
    writeFileSync(tokenPath, 'rotated-token\n');
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: 'default' } });
    // Before: the token read at start was used until the daemon restarted; 401 for good.
    await waitFor('the list recovered with the new token', async () => rowNames(await view(c, paneId)).includes('after'), 120_000, 200);
    expect(shown(await view(c, paneId))).not.toMatch(/[Uu]nauthori[sz]ed/);
  }, 180_000);
});
