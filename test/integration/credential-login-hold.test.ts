// A login held (it did not come: see credential-login-audit.test.ts) and lifted by a key: what the
// user sees while the new login is awaited, and a plugin that gives up on its own login.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PaneView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { loginPluginKubeconfig } from '../helpers/login-plugin.js';
import { processAlive } from '../helpers/process-alive.js';

let h: SimDaemonWithClient | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const PROMPT = 'To sign in, open https://login.example/device and enter the code ABCD-1234';

/** A daemon on kube-sim whose only user logs in through `body` (a shell script; `$RUNS` counts its runs). */
async function start(body: string, loginTimeoutMs: string): Promise<{ runs: () => number; dir: string }> {
  let runs: () => number = () => 0;
  h = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: async (sim, env) => {
      await sim.addPods(1, 'default', { prefix: 'behind-login' });
      sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'behind-login', namespace: 'default' }, data: { a: '1' } });
      runs = loginPluginKubeconfig(sim, env, body).runs;
      env.env.KUBETILE_LOGIN_TIMEOUT_MS = loginTimeoutMs;
    },
  });
  return { runs: () => runs(), dir: h.env.dir };
}

/** What a pane says instead of content: a table's empty text, a message's text. */
const said = (v: PaneView | undefined): string => (v?.type === 'table' ? (v.empty ?? '') : v?.type === 'message' ? v.text : '');

describe('a credential login held, then lifted by a key', () => {
  it('while the new login is awaited, the list, the YAML pane and the status bar show its prompt, not "press any key"; and what came of it after', async () => {
    // The login is done (the browser came back) once $DIR/done is there.
    const { runs, dir } = await start(`echo '${PROMPT}' >&2\nwhile [ ! -e $DIR/done ]; do sleep 0.05; done\necho "$ANSWER"`, '4000');
    const c = h!.client;
    const list = c.activeTab().focusedPaneId;
    const { paneId: yaml } = await c.request<{ paneId: number }>('pane/open', {
      view: { key: 'resource-yaml', args: { kindId: 'configmaps', kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true, name: 'behind-login', namespace: 'default', context: 'test' } },
      split: { paneId: list, direction: 'horizontal' },
    });
    const held = /waited 4 s for a login that did not come.*press any key in kubetile to log in again$/;
    await c.waitView('the list held', list, (v) => held.test(said(v)));
    await c.waitView('the YAML pane held', yaml, (v) => held.test(said(v)));
    await c.waitLayout('the status bar held', (l) => l.status.cluster.startsWith('error: ') && held.test(l.status.cluster));
    expect(runs()).toBe(1);

    await c.request('client/key', { key: 'j' });
    await waitFor('the plugin started again', () => runs() === 2, 30_000, 25);
    // Before: both panes and the status bar still said to press a key (pressed already) for the whole new login.
    const waiting = `Waiting for you to log in: ${PROMPT}`;
    await c.waitView('the list shows the new prompt', list, (v) => said(v) === waiting);
    await c.waitView('the YAML pane shows the new prompt', yaml, (v) => said(v) === waiting);
    await c.waitLayout('the status bar says a login is awaited', (l) => l.status.cluster.startsWith('waiting for you to log in'));

    // That login does not come either: the panes say so again (before: a frame was sent only if the list's state changed, and it did not).
    await c.waitView('the list held again', list, (v) => held.test(said(v)));
    await c.waitView('the YAML pane held again', yaml, (v) => held.test(said(v)));
    expect(runs()).toBe(2);

    // The third time the user logs in: the list and the object come.
    writeFileSync(join(dir, 'done'), '');
    await c.request('client/key', { key: 'j' });
    await c.waitView('the list after the login', list, (v) => v.type === 'table' && v.rows.length === 1);
    await c.waitView('the YAML after the login', yaml, (v) => v.type === 'lines' && v.lines.some((l) => l.text === '  name: behind-login'));
    await c.waitLayout('connected', (l) => l.status.cluster === 'connected');
    expect(runs()).toBe(3);
  }, 120_000);

  it('a plugin that gives up on its own login (kubelogin after its 180 s, before our wait ends) is not started again by the retries; a key starts it', async () => {
    // Waits for the person longer than a plugin may take to answer (20 s), then gives up as kubelogin does; answers once $DIR/done is there.
    const { runs, dir } = await start(`if [ -e $DIR/done ]; then echo "$ANSWER"; exit 0; fi\necho '${PROMPT}' >&2\nsleep 21\necho 'error: authentication error: timeout' >&2\nexit 1`, '60000');
    const c = h!.client;
    const list = c.activeTab().focusedPaneId;
    const gaveUp = /waited 2\d s for a login that did not come and gave up \(exit code 1: .*error: authentication error: timeout\); press any key in kubetile to log in again$/;
    await waitFor('the login given up on', async () => gaveUp.test(said((await c.request<{ view: PaneView }>('pane/snapshot', { paneId: list, rows: 30, cols: 160 })).view)), 60_000, 50);
    // The list retries on its backoff (0.5 s, 1 s, 2 s, 4 s, ±20%): five retries, 7 s or more after the
    // plugin gave up, it ran once. Before: held 5 s like any failure, then a retry ran it (a browser login) again.
    const log = join(dir, 'state', 'kubetile', 'kubetiled.log');
    const retries = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('"list failed; retrying"')).length : 0);
    await waitFor('five retries of the list after the plugin gave up', () => retries() >= 5, 60_000, 50);
    expect(runs()).toBe(1);
    writeFileSync(join(dir, 'done'), '');
    await c.request('client/key', { key: 'j' });
    await c.waitView('the list after the login', list, (v) => v.type === 'table' && v.rows.length === 1);
    expect(runs()).toBe(2);
  }, 120_000);
});

describe('a kubeconfig edited while a login waits', () => {
  it("the plugin of the user's old exec block is stopped and the new block's starts (one login asked for, not two)", async () => {
    // A login wait far longer than the test waits: what stops the old plugin is the edit, not the wait.
    const { dir } = await start(`echo $$ >> $DIR/pids\necho '${PROMPT}' >&2\nexec sleep 1000`, '600000');
    const pidsFile = join(dir, 'pids');
    const pids = (): number[] => (existsSync(pidsFile) ? readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number) : []);
    await waitFor('the login asked for', () => pids().length === 1 && h!.client.toasts().some((t) => t.includes('https://login.example/device')), 60_000, 25);
    const first = pids()[0]!;
    // The user fixes the plugin's arguments (an issuer URL, say) while its login waits.
    const kcFile = h!.env.env.KUBECONFIG!;
    const kc = JSON.parse(readFileSync(kcFile, 'utf8')) as { users: Array<{ user: { exec: { args: string[] } } }> };
    kc.users[0]!.user.exec.args = ['get-token', '--oidc-issuer-url=https://new.example'];
    writeFileSync(kcFile, JSON.stringify(kc));
    // Before: the old plugin went on waiting (its browser login, kubelogin's callback port) beside the new one.
    await waitFor('the old plugin stopped', () => !processAlive(first), 30_000, 25);
    await waitFor("the new block's plugin started", () => pids().length === 2 && processAlive(pids()[1]!), 60_000, 25);
  }, 120_000);
});
