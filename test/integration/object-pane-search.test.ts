import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * `/` in a YAML pane searches; n and N (less's, k9s's) go to the next and previous matching line,
 * round the end, and the footer says which. Real daemon, real client keys, kube-sim.
 */

let t: SimDaemonWithClient;
let c: RawClient;
beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 120, rows: 20 },
    beforeDaemon: (sim) => {
      const data: Record<string, string> = {};
      for (let i = 0; i < 60; i++) data[`key-${String(i).padStart(2, '0')}`] = i % 20 === 5 ? 'needle' : 'hay';
      sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'default' }, data });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const view = async (paneId: number): Promise<{ offset: number; footer: string; first: string }> => {
  const r = await c.request<{ view: { type: string; offset?: number; footer?: string; lines?: Array<{ text: string }> } }>('pane/snapshot', { paneId, rows: 18, cols: 120 });
  return { offset: r.view.offset ?? -1, footer: r.view.footer ?? '', first: r.view.lines?.[0]?.text ?? '' };
};

describe('search in a YAML pane', () => {
  it('n and N move between the matches, round the end; without a search they say what to do', async () => {
    const list = await openListIn(c, 'configmaps', 'default');
    await selectRow(c, list, 'big');
    await pressKeys(c, 'y');
    const l = await c.waitLayout('the YAML pane focused', (x) => {
      const tab = x.tabs.find((tb) => tb.id === x.activeTabId)!;
      return (x.paneTitles[String(tab.focusedPaneId)] ?? '').toLowerCase().includes('yaml');
    });
    const yaml = l.tabs.find((tb) => tb.id === l.activeTabId)!.focusedPaneId;
    await waitFor('loaded', async () => (await view(yaml)).footer !== '' || (await view(yaml)).first !== '');
    const before = c.toasts().length;
    await pressKeys(c, 'n');
    await waitFor('the hint', () => c.toasts().slice(before).find((x) => x.includes('nothing searched: / then the text first')));

    await pressKeys(c, '/', 'n', 'e', 'e', 'd', 'l', 'e', 'enter');
    const first = await waitFor('1 of 3', async () => ((await view(yaml)).footer.includes('search "needle": 1 of 3 matches (n / N)') ? view(yaml) : null));
    expect(first.first).toContain('key-05: needle');
    await pressKeys(c, 'n');
    const second = await waitFor('2 of 3', async () => ((await view(yaml)).footer.includes('2 of 3 matches') ? view(yaml) : null));
    expect(second.first).toContain('key-25: needle');
    await pressKeys(c, 'n', 'n');
    const round = await waitFor('round the end to 1 of 3', async () => ((await view(yaml)).footer.includes('1 of 3 matches') ? view(yaml) : null));
    expect(round.first).toContain('key-05: needle');
    await pressKeys(c, 'shift+n');
    await waitFor('back round to 3 of 3', async () => (await view(yaml)).footer.includes('3 of 3 matches'));

    // F2 there names these keys, the search and wrap, not a list's sorting.
    await pressKeys(c, 'f2');
    const k = await c.waitLayout('F2 keys', (x) => Object.values(x.paneTitles).some((tl) => tl.startsWith('Keys of')));
    const keysId = Number(Object.entries(k.paneTitles).find(([, tl]) => tl.startsWith('Keys of'))![0]);
    const f2 = await waitFor('F2 lines', async () => {
      const r = await c.request<{ view: { type: string; lines?: Array<{ text: string }> } }>('pane/snapshot', { paneId: keysId, rows: 60, cols: 120 });
      const text = (r.view.lines ?? []).map((l) => l.text).join('\n');
      return text.includes('Next search match') ? text : null;
    });
    expect(f2).toMatch(/Previous search match/);
    expect(f2).toMatch(/Filter/);
    expect(f2).toMatch(/Wrap/);
    expect(f2).not.toMatch(/Sort by NAME/);
  });
});
