import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rpc-client.js';
import { execStreams, focusedExecPane, namespaceWith, pod, podsPane, type, waitFor, waitScreen, type ExecWorld, startWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * Closing a pane (alt+x) or a tab (ctrl+w) that holds a running shell asks first, as tmux's
 * kill-pane and kill-window do: n keeps the shell, y ends it; a shell that has exited closes at once.
 * Switching such a pane to another view (`:`) asks too. A script's pane/close does not ask. Real
 * daemon, real client, kube-sim's exec behind.
 */

let w: ExecWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

const SIZE = { cols: 120, rows: 40 };
const overlayText = (c: RawClient): string => (c.layout?.overlay?.type === 'confirm' ? c.layout.overlay.text : '');
const open = (c: RawClient, paneId: number): boolean => Object.keys(c.layout!.paneTitles).includes(String(paneId));

/** Attaches `a`, opens a shell on pod `name` of `ns` (e on its row), and leaves insert mode: the shell's pane. */
async function shellInNormalMode(a: RawClient, ns: string, name: string): Promise<number> {
  await a.attach(SIZE);
  await podsPane(a, ns, [name]);
  await a.request('client/key', { key: 'e' });
  const paneId = await focusedExecPane(a);
  await waitScreen(a, paneId, 'the shell prompt', (rows) => rows.some((r) => r.startsWith(`root@${name}:/#`)));
  await a.request('client/key', { key: 'ctrl+]' });
  await a.waitLayout('normal mode', (l) => l.mode === 'normal');
  return paneId;
}

describe('closing a pane with a running shell', () => {
  it('alt+x asks; n keeps the shell running, y ends it; ctrl+w on its tab asks too', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('sh-1', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      const paneId = await shellInNormalMode(a, ns, 'sh-1');

      await a.request('client/key', { key: 'alt+x' });
      await a.waitLayout('the question', (l) => l.overlay?.type === 'confirm');
      expect(overlayText(a)).toBe(`Close the pane? The shell in ${ns}/sh-1 (main) is still running: closing ends it.`);
      await a.request('client/key', { key: 'n' });
      await a.waitLayout('answered', (l) => l.overlay === null);
      expect(open(a, paneId)).toBe(true);
      expect(await execStreams(w.script)).toBe(1);

      await a.request('client/key', { key: 'ctrl+w' });
      await a.waitLayout('the tab question', (l) => l.overlay?.type === 'confirm');
      expect(overlayText(a)).toMatch(/^Close the tab\? The shell in .*sh-1 \(main\) is still running: closing ends it\.$/);
      await a.request('client/key', { key: 'esc' });
      await a.waitLayout('answered', (l) => l.overlay === null);
      expect(open(a, paneId)).toBe(true);

      await a.request('client/key', { key: 'alt+x' });
      await a.waitLayout('asked again', (l) => l.overlay?.type === 'confirm');
      await a.request('client/key', { key: 'y' });
      await a.waitLayout('the pane closed', (l) => !open(a, paneId));
      await waitFor('the exec stream closed', async () => (await execStreams(w.script)) === 0);
    } finally {
      a.close();
    }
  });

  it('a shell that has exited closes at once, and a script closing a pane is not asked', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('sh-2', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      await podsPane(a, ns, ['sh-2']);
      await a.request('client/key', { key: 'e' });
      const first = await focusedExecPane(a);
      await waitScreen(a, first, 'the shell prompt', (rows) => rows.some((r) => r.startsWith('root@sh-2:/#')));
      await type(a, 'exit\r');
      await waitScreen(a, first, 'exited', (_rows, v) => (v.footer ?? '').includes('exited with code 0'));
      await a.request('client/key', { key: 'ctrl+]' });
      await a.request('client/key', { key: 'alt+x' });
      await a.waitLayout('closed at once', (l) => !open(a, first));
      expect(a.layout!.overlay).toBeNull();

      await podsPane(a, ns, ['sh-2']);
      await a.request('client/key', { key: 'e' });
      const second = await focusedExecPane(a);
      await waitScreen(a, second, 'the shell prompt', (rows) => rows.some((r) => r.startsWith('root@sh-2:/#')));
      await w.script.request('pane/close', { paneId: second });
      await a.waitLayout('closed by the script', (l) => !open(a, second));
      expect(a.layout!.overlay).toBeNull();
    } finally {
      a.close();
    }
  });

  it("':' on a pane with a running shell asks before the view replaces it; n keeps the shell, and ':KIND NS' moves the tab only once yes is said", async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('sh-3', n)]);
    const other = namespaceWith(w.sim, [(n) => pod('elsewhere', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      const paneId = await shellInNormalMode(a, ns, 'sh-3');

      await a.request('client/key', { key: ':' });
      await a.waitLayout('the switcher', (l) => l.overlay?.type === 'selector');
      await type(a, 'configmaps\r');
      await a.waitLayout('the question', (l) => l.overlay?.type === 'confirm');
      expect(overlayText(a)).toBe(`Switch the pane to configmaps (cm)? The shell in ${ns}/sh-3 (main) is still running: switching ends it.`);
      await a.request('client/key', { key: 'n' });
      await a.waitLayout('answered', (l) => l.overlay === null);
      expect(open(a, paneId)).toBe(true);
      expect(await execStreams(w.script)).toBe(1);

      // k9s's kind and namespace: no moves neither the view nor the tab.
      await a.request('client/key', { key: ':' });
      await a.waitLayout('the switcher', (l) => l.overlay?.type === 'selector');
      await type(a, `po ${other}\r`);
      await a.waitLayout('asked again', (l) => l.overlay?.type === 'confirm');
      await a.request('client/key', { key: 'esc' });
      await a.waitLayout('answered', (l) => l.overlay === null);
      expect(open(a, paneId)).toBe(true);
      expect(a.activeTab().namespace).toBe(ns);

      await a.request('client/key', { key: ':' });
      await a.waitLayout('the switcher', (l) => l.overlay?.type === 'selector');
      await type(a, `po ${other}\r`);
      await a.waitLayout('asked a third time', (l) => l.overlay?.type === 'confirm');
      await a.request('client/key', { key: 'y' });
      await a.waitLayout('the pane switched and the tab moved', (l) => !open(a, paneId) && l.tabs.find((t) => t.id === l.activeTabId)?.namespace === other);
      await waitFor('the exec stream closed', async () => (await execStreams(w.script)) === 0);
      const focused = a.activeTab().focusedPaneId;
      await a.waitView('the pods of the other namespace', focused, (v) => JSON.stringify(v).includes('elsewhere'));
    } finally {
      a.close();
    }
  });
});
