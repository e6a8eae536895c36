// A kubeconfig whose credential plugin logs in through a browser (oidc-login, kubelogin): the daemon
// runs in the background, so the URL the plugin waits on must reach the terminals.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableView } from '@kubetile/rpc-schema';
import { DAEMON_MAIN, makeTestEnv, waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { loginPluginKubeconfig } from '../helpers/login-plugin.js';

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
        loginPluginKubeconfig(sim, env, `echo 'Please visit the following URL in your browser: http://localhost:8000/' >&2\nwhile [ ! -e ${done} ]; do sleep 0.05; done\necho "$ANSWER"`, 'kubectl-oidc_login');
      },
    });
    const c = h.client;
    // Before: nothing was said; the plugin was stopped after 20 s and the pane said it "did not answer".
    await waitFor('the login toast', () => c.toasts().find((t) => t.includes('http://localhost:8000/')), 60_000, 50);
    expect(c.toasts().find((t) => t.includes('http://localhost:8000/'))).toBe(
      `log in: Please visit the following URL in your browser: http://localhost:8000/ (for user 'oidc', credential plugin "kubectl-oidc_login")`,
    );
    // The pane and the status bar say what the list waits for (before: `Loading...` for the minutes a login may take).
    const paneId = c.activeTab().focusedPaneId;
    await c.waitView('the prompt in the pane', paneId, (v) => v.type === 'table' && v.empty === 'Waiting for you to log in: Please visit the following URL in your browser: http://localhost:8000/');
    await c.waitLayout('the status bar', (l) => l.status.cluster.startsWith('waiting for you to log in'));
    writeFileSync(done, '');
    await waitFor('the pods listed after the login', async () => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
      return v.type === 'table' && v.rows.length === 2 && v.rows.every((r) => r.cells.name?.startsWith('behind-login'));
    }, 60_000, 100);
    await c.waitLayout('the status bar after the login', (l) => l.status.cluster === 'connected');
  }, 120_000);

  it('a login that did not come is not started again by the list\'s retries; the pane says to press a key, and a key starts it again', async () => {
    let done = '';
    let runCount: () => number = () => 0;
    h = await startSimDaemon({
      client: { cols: 160, rows: 40 },
      beforeDaemon: async (sim, env) => {
        await sim.addPods(1, 'default', { prefix: 'behind-login' });
        done = join(env.dir, 'browser-came-back');
        runCount = loginPluginKubeconfig(sim, env, `echo 'To sign in, open https://login.example/device and enter the code ABCD-1234' >&2\nwhile [ ! -e ${done} ]; do sleep 0.05; done\necho "$ANSWER"`).runs;
        env.env.KUBETILE_LOGIN_TIMEOUT_MS = '1500';
      },
    });
    const c = h.client;
    const paneId = c.activeTab().focusedPaneId;
    const empty = async (): Promise<string> => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
      return v.type === 'table' ? (v.empty ?? '') : '';
    };
    await waitFor('the login given up on', async () => (await empty()).includes('waited 1500 ms for a login that did not come'), 60_000, 50);
    expect(await empty()).toMatch(/press any key in kubetile to log in again$/);
    // The list retries on its backoff (0.5 s, 1 s, 2 s, 4 s, ±20%): four retries later, 6 s or more after
    // the login was given up, the plugin (a browser login each time it starts) ran once. Before: again
    // at the first retry past 5 s (the hold of any other failure).
    const log = join(h.env.dir, 'state', 'kubetile', 'kubetiled.log');
    const retries = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"list failed; retrying"') && l.includes('a login that did not come')).length : 0);
    await waitFor('four retries of the list after the login was given up', () => retries() >= 5, 60_000, 50);
    expect(runCount()).toBe(1);
    // A key (any key) from the terminal: the login starts again and its prompt is said.
    const toastsBefore = c.toasts().length;
    await c.request('client/key', { key: 'j' });
    await waitFor('the plugin started again', () => runCount() === 2, 30_000, 25);
    await waitFor('the login toast again', () => c.toasts().slice(toastsBefore).find((t) => t.includes('https://login.example/device')), 30_000, 25);
    writeFileSync(done, '');
    await waitFor('the pods listed after the login', async () => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
      return v.type === 'table' && v.rows.length === 1;
    }, 60_000, 100);
  }, 120_000);

  it('a KUBETILE_LOGIN_TIMEOUT_MS that is not a number of milliseconds stops the start, naming it', async () => {
    const env = makeTestEnv();
    try {
      env.env.KUBETILE_LOGIN_TIMEOUT_MS = '3m';
      const r = spawnSync(process.execPath, [DAEMON_MAIN, 'run'], { env: env.env, encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`KUBETILE_LOGIN_TIMEOUT_MS="3m" in the daemon's environment is not a login wait: it must be a whole number of milliseconds from 1000 to 3600000`);
      expect(existsSync(env.socket)).toBe(false);
    } finally {
      env.cleanup();
    }
  });
});
