// A kubeconfig whose credential plugin logs in through a browser (oidc-login, kubelogin): the daemon
// runs in the background, so the URL the plugin waits on must reach the terminals.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

let h: SimDaemonWithClient | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('a credential plugin that waits for a browser login', () => {
  it('every attached terminal is told the URL to open, and the list comes once the login is done', async () => {
    let done = '';
    h = await startSimDaemon({
      client: { cols: 160, rows: 40 },
      beforeDaemon: async (sim, env) => {
        await sim.addPods(2, 'default', { prefix: 'behind-login' });
        done = join(env.dir, 'browser-came-back');
        const plugin = join(env.dir, 'kubectl-oidc_login');
        const answer = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: sim.token } });
        writeFileSync(plugin, `#!/bin/sh\necho 'Please visit the following URL in your browser: http://localhost:8000/' >&2\nwhile [ ! -e ${done} ]; do sleep 0.05; done\necho '${answer}'\n`);
        chmodSync(plugin, 0o755);
        const kc = join(env.dir, 'kubeconfig');
        writeFileSync(kc, JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          'current-context': 'test',
          clusters: [{ name: 'test', cluster: { server: sim.url, 'certificate-authority-data': Buffer.from(sim.caPem).toString('base64') } }],
          users: [{ name: 'oidc', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: ['get-token'], interactiveMode: 'IfAvailable' } } }],
          contexts: [{ name: 'test', context: { cluster: 'test', user: 'oidc', namespace: 'default' } }],
        }));
        env.env.KUBECONFIG = kc;
      },
    });
    const c = h.client;
    // Before: nothing was said; the plugin was stopped after 20 s and the pane said it "did not answer".
    await waitFor('the login toast', () => c.toasts().find((t) => t.includes('http://localhost:8000/')), 60_000, 50);
    expect(c.toasts().find((t) => t.includes('http://localhost:8000/'))).toBe(
      `log in: Please visit the following URL in your browser: http://localhost:8000/ (for user 'oidc', credential plugin "kubectl-oidc_login")`,
    );
    writeFileSync(done, '');
    const paneId = c.activeTab().focusedPaneId;
    await waitFor('the pods listed after the login', async () => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
      return v.type === 'table' && v.rows.length === 2 && v.rows.every((r) => r.cells.name?.startsWith('behind-login'));
    }, 60_000, 100);
  }, 120_000);
});
