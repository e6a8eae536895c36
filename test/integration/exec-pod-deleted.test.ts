import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rpc-client.js';
import {
  execStreams, focusedExecPane, keys, namespaceWith, pod, podsPane, rowsText, startWorld, type, waitFor, waitScreen, type ExecWorld,
} from '../../packages/daemon/test/exec/harness.js';

/**
 * The pod under an exec pane is deleted: its shell is killed with its container (kube-sim sends
 * what a kubelet does, exit code 137). The pane says the shell ended, with what code, and that the
 * pod was deleted (a bare 137 could as well be the OOM killer); a key then closes it
 * as after any exit, and the shells in the neighbour pod (web-10 beside web-1) and in the pod of
 * the same name in another namespace go on. Real daemon, real clients, kube-sim behind.
 */

let w: ExecWorld;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

const SIZE = { cols: 120, rows: 40 };

async function shellIn(a: RawClient, namespace: string, name: string): Promise<number> {
  const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'exec', args: { namespace, pod: name } }, newTab: true });
  await waitScreen(a, paneId, `a shell in ${namespace}/${name}`, (rows) => rows.some((r) => r.startsWith(`root@${name}:/#`)));
  return paneId;
}

/** Focuses the pane, types a command into it, and waits for its output. */
async function answers(a: RawClient, paneId: number, word: string): Promise<void> {
  await a.request('pane/focus', { paneId });
  await a.waitLayout(`pane ${paneId} focused`, (l) => l.tabs.find((t) => t.id === l.activeTabId)?.focusedPaneId === paneId);
  if (a.layout!.mode !== 'insert') await keys(a, 'i');
  await a.waitLayout('insert mode', (l) => l.mode === 'insert');
  await type(a, `echo ${word}\r`);
  await waitScreen(a, paneId, `${word} echoed`, (rows) => rows.includes(word));
}

describe('exec into a pod that is deleted', () => {
  it('the pane says the shell was killed (137) with the pod; a key closes it; the neighbours\' shells go on', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('web-1', n), (n) => pod('web-10', n)]);
    const other = namespaceWith(w.sim, [(n) => pod('web-1', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      const longer = await shellIn(a, ns, 'web-10');
      const elsewhere = await shellIn(a, other, 'web-1');

      const listId = await podsPane(a, ns, ['web-1', 'web-10']);
      await a.request('pane/focus', { paneId: listId });
      await a.waitLayout('the pods list focused', (l) => l.tabs.find((t) => t.id === l.activeTabId)?.focusedPaneId === listId);
      await a.request('client/key', { key: 'e' });
      const victim = await focusedExecPane(a);
      expect(a.layout!.paneTitles[String(victim)]).toBe(`exec ${ns}/web-1 (main)`);
      await waitScreen(a, victim, 'the prompt', (rows) => rows.some((r) => r.startsWith('root@web-1:/#')));
      await type(a, 'echo before-the-delete\r');
      await waitScreen(a, victim, 'output', (rows) => rows.includes('before-the-delete'));
      expect(await execStreams(w.script)).toBe(3);

      w.sim.deleteObject('v1', 'Pod', 'web-1', ns);
      // The exit code, then why: the daemon asks the API server about the pod once its shell has died.
      const v = await waitScreen(a, victim, 'the end and its cause said in the footer', (_r, x) => (x.footer ?? '').includes('deleted'));
      expect(v.footer).toBe('[exited with code 137: the pod was deleted] a key closes the pane (esc in normal mode)');
      expect(rowsText(v)).toContain('before-the-delete'); // the screen stays readable
      await waitFor('its stream released', async () => (await execStreams(w.script)) === 2);

      // As after any exit: a key closes the pane, and the client is back in normal mode.
      expect(a.layout!.mode).toBe('insert');
      await a.request('client/key', { key: 'x' });
      await a.waitLayout('the pane closed', (l) => !Object.keys(l.paneTitles).includes(String(victim)));
      await a.waitLayout('normal mode again', (l) => l.mode === 'normal');

      // The neighbours' shells were not touched.
      await answers(a, longer, 'web-10-still-here');
      await answers(a, elsewhere, 'other-web-1-still-here');
      expect(await execStreams(w.script)).toBe(2);
      // The daemon carries on: the list shows the pod gone.
      await waitFor('web-1 gone from the list', async () => {
        const lv = (await a.request<{ view: { type: string; rows?: Array<{ cells: Record<string, string> }> } }>('pane/snapshot', { paneId: listId, rows: 30, cols: 120 })).view;
        return lv.type === 'table' && JSON.stringify(lv.rows?.map((r) => r.cells['name'])) === '["web-10"]';
      });
      await a.request('pane/close', { paneId: longer });
      await a.request('pane/close', { paneId: elsewhere });
      await waitFor('all streams released', async () => (await execStreams(w.script)) === 0);
    } finally {
      a.close();
    }
  });

  it('a container that stops or restarts under its shell (the pod stays): the pane says which, with the kubelet\'s reason', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('api-1', n), (n) => pod('api-2', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      const stopped = await shellIn(a, ns, 'api-1');
      w.sim.terminateContainer(ns, 'api-1', { container: 'main', exitCode: 137 });
      const v1 = await waitScreen(a, stopped, 'the stop said in the footer', (_r, x) => (x.footer ?? '').includes('container'));
      expect(v1.footer).toMatch(/^\[exited with code 137: its container stopped \(terminated: .* \(exit code 137\)\)\] a key closes the pane/);
      const restarted = await shellIn(a, ns, 'api-2');
      w.sim.restartContainer(ns, 'api-2', 'main');
      const v2 = await waitScreen(a, restarted, 'the restart said in the footer', (_r, x) => (x.footer ?? '').includes('container'));
      expect(v2.footer).toBe('[exited with code 137: its container restarted] a key closes the pane (esc in normal mode)');
    } finally {
      a.close();
    }
  });
});
