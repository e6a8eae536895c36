// A login held (it did not come) is started again by a key only for the context the key's terminal
// looks at: a key on one tab restarted the browser login of every context held (another tab's, a
// pane's in a detached session), a login nobody was there to do.
import { afterEach, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { loginPluginsKubeconfig } from '../helpers/login-plugin.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

let h: SimDaemonWithClient | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const prompt = (who: string): string => `To sign in, open https://${who}.example/device and enter the code ABCD-1234`;

describe('a held login is started again for the context the key looks at', () => {
  it('a key on the tab of context a restarts a\'s login, not b\'s; a key on b\'s tab then restarts b\'s', async () => {
    let count: (context: string) => number = () => 0;
    h = await startSimDaemon({
      client: { cols: 160, rows: 40 },
      beforeDaemon: async (sim, env) => {
        await sim.addPods(1, 'default', { prefix: 'behind-login' });
        // Each asks for a login and waits for it for ever (the daemon gives up after KUBETILE_LOGIN_TIMEOUT_MS).
        const body = (who: string): string => `echo '${prompt(who)}' >&2\nexec sleep 1000`;
        count = loginPluginsKubeconfig(sim, env, ['a', 'b'].map((who) => ({ context: who, user: `user-${who}`, plugin: `login-${who}`, runsFile: `runs-${who}`, body: body(who) }))).runs;
        env.env.KUBETILE_LOGIN_TIMEOUT_MS = '1500';
      },
    });
    const c = h.client;
    const tabA = c.activeTab().id;
    const paneA = c.activeTab().focusedPaneId;
    // A second tab on context b (before any login is held: choosing it is an act of its own).
    const { tabId: tabB, paneId: paneB } = await c.request<{ tabId: number; paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await c.request('kube/use', { tabId: tabB, context: 'b' });
    await c.request('tab/select', { tabId: tabA });
    const empty = async (paneId: number): Promise<string> => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
      return v.type === 'table' ? (v.empty ?? '') : '';
    };
    const held = async (paneId: number): Promise<boolean> => /waited 1500 ms for a login that did not come.*press any key/.test(await empty(paneId));
    await waitFor("a's login held", () => held(paneA), 60_000, 50);
    await waitFor("b's login held", () => held(paneB), 60_000, 50);
    expect([count('a'), count('b')]).toEqual([1, 1]);

    // A key on tab a: a's login starts again, and is said (a second after its plugin starts).
    const toasts = c.toasts().length;
    await c.request('client/key', { key: 'j' });
    await waitFor("a's login said again", () => c.toasts().slice(toasts).find((t) => t.includes('https://a.example/device')), 30_000, 25);
    expect(count('a')).toBe(2);
    // b's did not start (before: both started with the key, within a moment of each other).
    expect(count('b')).toBe(1);
    expect(c.toasts().slice(toasts).some((t) => t.includes('https://b.example/device'))).toBe(false);

    // The terminal turns to tab b and presses a key there: b's login starts again.
    await c.request('tab/select', { tabId: tabB });
    await c.request('client/key', { key: 'j' });
    await waitFor("b's login started again", () => count('b') === 2, 30_000, 25);
  }, 120_000);
});
