import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

let env: TestEnv;
let daemon: DaemonProcess;
let inMain: RawClient;
let inWork: RawClient;

interface Listed {
  paneId: number;
  tabId: number;
  session: string;
  key: string;
}
const panes = async (): Promise<Listed[]> => (await inMain.request<{ panes: Listed[] }>('pane/list')).panes;
const tabsOf = async (session: string): Promise<number[]> => [...new Set((await panes()).filter((p) => p.session === session).map((p) => p.tabId))];

beforeEach(async () => {
  env = makeTestEnv();
  daemon = await startDaemon(env);
  inMain = await RawClient.connect(env.socket);
  await inMain.attach();
  inWork = await RawClient.connect(env.socket);
  await inWork.attach({ cols: 100, rows: 30 }, 'work');
});
afterEach(async () => {
  inMain.close();
  inWork.close();
  await daemon.stop();
  env.cleanup();
});

describe('a script attached to one session acting on another (session param)', () => {
  it('tab/new answers with the tab it made there (once), the other session sees it, and the script stays where it was', async () => {
    const mainTab = inMain.layout!.activeTabId;
    const before = await tabsOf('work');
    const r = await inMain.request<{ tabId: number; paneId: number }>('tab/new', { session: 'work', view: { key: 'help' } });
    expect(r).toEqual({ tabId: expect.any(Number), paneId: expect.any(Number) });
    const after = await tabsOf('work');
    expect(after).toEqual([...before, r.tabId]);
    expect((await panes()).find((p) => p.paneId === r.paneId)).toMatchObject({ session: 'work', tabId: r.tabId, key: 'help' });
    // The client attached there is shown the new tab; the script's own client keeps its tab.
    await inWork.waitLayout('the new tab in work', (l) => l.tabs.some((t) => t.id === r.tabId));
    await inMain.waitLayout('main unchanged', (l) => l.session === 'main' && l.activeTabId === mainTab);
  });

  it('pane/open with newTab does the same', async () => {
    const before = await tabsOf('work');
    const r = await inMain.request<{ tabId: number; paneId: number }>('pane/open', { session: 'work', view: { key: 'help' }, newTab: true });
    expect(await tabsOf('work')).toEqual([...before, r.tabId]);
  });

  it("pane/open without split splits that session's focused pane, not a tab of the script's own", async () => {
    const workTab = inWork.layout!.activeTabId;
    const r = await inMain.request<{ tabId: number; paneId: number }>('pane/open', { session: 'work', view: { key: 'help' } });
    expect(r.tabId).toBe(workTab);
    expect((await panes()).filter((p) => p.tabId === workTab)).toHaveLength(2);
    await inWork.waitLayout('the split in work', (l) => JSON.stringify(l.tabs.find((t) => t.id === workTab)!.tree).includes(`${r.paneId}`));
    expect(inMain.activeTab().tree).toMatchObject({ type: 'leaf' });
  });
});
