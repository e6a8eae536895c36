import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

let env: TestEnv;
let daemon: DaemonProcess;
let c: RawClient;

beforeEach(async () => {
  env = makeTestEnv();
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 120, rows: 40 });
});
afterEach(async () => {
  c.close();
  await daemon.stop();
  env.cleanup();
});

const key = (k: string) => c.request<{ handled: boolean; command?: string }>('client/key', { key: k });
const layoutAfter = async (k: string, label: string, pred: Parameters<RawClient['waitLayout']>[1]) => {
  await key(k);
  return c.waitLayout(label, pred);
};

describe('the session model through keys', () => {
  it('splits, moves focus by direction and cycle, grows/shrinks within 0.1..0.9, and goes fullscreen', async () => {
    await layoutAfter('alt+v', 'split', (l) => l.tabs[0]!.tree.type === 'split');
    let l = await layoutAfter('alt+h', 'split below', (x) => JSON.stringify(x.tabs[0]!.tree).split('"split"').length === 3);
    // tree: 1 | (2 / 3), focus on 3 (the newest)
    expect(l.tabs[0]!.focusedPaneId).toBe(3);
    l = await layoutAfter('alt+up', 'focus up', (x) => x.tabs[0]!.focusedPaneId === 2);
    l = await layoutAfter('alt+left', 'focus left', (x) => x.tabs[0]!.focusedPaneId === 1);
    l = await layoutAfter('tab', 'focus next', (x) => x.tabs[0]!.focusedPaneId === 2);
    l = await layoutAfter('shift+tab', 'focus prev', (x) => x.tabs[0]!.focusedPaneId === 1);
    // pane 1 is the first child of the root split: growing it raises the ratio, clamped at 0.9
    for (let i = 0; i < 12; i++) await key('alt+shift+up');
    l = await c.waitLayout('grown', (x) => x.tabs[0]!.tree.type === 'split' && x.tabs[0]!.tree.ratio === 0.9);
    for (let i = 0; i < 20; i++) await key('alt+shift+down');
    l = await c.waitLayout('shrunk', (x) => x.tabs[0]!.tree.type === 'split' && x.tabs[0]!.tree.ratio === 0.1);
    l = await layoutAfter('alt+f', 'fullscreen', (x) => x.tabs[0]!.fullscreenPaneId === 1);
    expect(await key('alt+right')).toMatchObject({ handled: true }); // no directional focus in fullscreen
    expect(c.layout!.tabs[0]!.focusedPaneId).toBe(1);
    await layoutAfter('alt+f', 'fullscreen off', (x) => x.tabs[0]!.fullscreenPaneId === null);
  });

  it('closing the last pane closes the tab; closing the last tab opens a fresh one', async () => {
    await layoutAfter('ctrl+t', 'second tab', (l) => l.tabs.length === 2 && l.activeTabId === l.tabs[1]!.id);
    await layoutAfter('alt+1', 'go to tab 1', (l) => l.activeTabId === l.tabs[0]!.id);
    await layoutAfter('alt+2', 'go to tab 2', (l) => l.activeTabId === l.tabs[1]!.id);
    const second = c.layout!.tabs[1]!.id;
    await layoutAfter('alt+x', 'last pane closed → tab closed', (l) => l.tabs.length === 1 && !l.tabs.some((t) => t.id === second));
    const only = c.layout!.tabs[0]!.id;
    const l = await layoutAfter('ctrl+w', 'fresh tab', (x) => x.tabs.length === 1 && x.tabs[0]!.id !== only);
    expect(l.activeTabId).toBe(l.tabs[0]!.id);
    const panes = await c.request<{ panes: Array<{ key: string }> }>('pane/list');
    expect(panes.panes.map((p) => p.key)).toEqual(['resource-list']);
  });

  it('app logs toggle in their own tab and show the daemon log; F1 toggles help', async () => {
    let l = await layoutAfter('alt+l', 'app logs tab', (x) => x.tabs.length === 2 && Object.values(x.paneTitles).includes('App Logs'));
    const id = Number(Object.keys(l.paneTitles)[0]);
    const v = await c.waitView('log lines', id, (x) => x.type === 'lines' && x.lines.some((ln) => /client attached/.test(ln.text)));
    expect(v.type === 'lines' && v.follow).toBe(true);
    l = await layoutAfter('alt+l', 'closed again', (x) => x.tabs.length === 1);
    l = await layoutAfter('f1', 'help open', (x) => Object.values(x.paneTitles).includes('Help'));
    await layoutAfter('f1', 'help closed', (x) => !Object.values(x.paneTitles).includes('Help'));
  });
});
