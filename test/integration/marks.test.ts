import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { namespaceWith, pod, podsPane, startWorld, waitFor, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * Marks (space) in a list: marked rows show it, delete acts on exactly the marked objects (each
 * pinned by its uid: one replaced meanwhile under the same name is refused, not deleted), and
 * ctrl+\ clears them.
 */

let w: ExecWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

const podNames = (ns: string): string[] => w.sim.listObjects('v1', 'Pod', ns).map((p) => p.metadata.name).sort();
const lastToast = (c: RawClient): string => JSON.stringify(c.notifications.filter((n) => n.method === 'toast').at(-1)?.params ?? null);
async function table(c: RawClient, paneId: number): Promise<TableView> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
}
const names = (v: TableView): string[] => v.rows.map((r) => r.cells.name!);

describe('marks', () => {
  it('space marks rows; delete asks once naming them and deletes exactly those; a replaced one is refused', async () => {
    const ns = namespaceWith(w.sim, ['a-1', 'a-2', 'a-3', 'a-4'].map((n) => (x: string) => pod(n, x)));
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      const paneId = await podsPane(c, ns, ['a-1', 'a-2', 'a-3', 'a-4']);
      for (const key of ['space', 'space', 'j', 'space']) await c.request('client/key', { key });
      const v = await table(c, paneId);
      expect(names(v)).toEqual(['✓ a-1', '✓ a-2', 'a-3', '✓ a-4']);
      expect(v.rows[0]!.styles?.name).toBe('accent');
      expect(v.footer).toContain('3 marked');

      await c.request('client/key', { key: 'ctrl+alt+x' });
      const l = await c.waitLayout('the confirmation', (x) => x.overlay?.type === 'confirm');
      expect(l.overlay).toMatchObject({ text: `Delete 3 Pods: ${ns}/a-1, ${ns}/a-2, ${ns}/a-4?` });
      // a-2 is replaced by another pod of the same name while the dialog is open.
      const oldUid = w.sim.getObject('v1', 'Pod', 'a-2', ns)!.metadata.uid;
      w.sim.deleteObject('v1', 'Pod', 'a-2', ns);
      await waitFor('a-2 gone', () => !podNames(ns).includes('a-2'));
      w.sim.createObject(pod('a-2', ns));
      const newUid = w.sim.getObject('v1', 'Pod', 'a-2', ns)!.metadata.uid;
      expect(newUid).not.toBe(oldUid);
      await c.request('client/key', { key: 'y' });
      await waitFor('the summary toast', () => /deleted 2 of 3; .*a-2/.test(lastToast(c)));
      await waitFor('a-1 and a-4 gone from the server', () => JSON.stringify(podNames(ns)) === JSON.stringify(['a-2', 'a-3']));
      expect(w.sim.getObject('v1', 'Pod', 'a-2', ns)!.metadata.uid).toBe(newUid);
      await waitFor('the marks cleared', async () => {
        const t = await table(c, paneId);
        return JSON.stringify(names(t)) === JSON.stringify(['a-2', 'a-3']) && !(t.footer ?? '').includes('marked');
      });
    } finally {
      c.close();
    }
  });

  it('after a marked delete only the rows it deleted lose their marks: one marked meanwhile (another terminal, a script) and ones whose delete failed keep theirs', async () => {
    const ns = namespaceWith(w.sim, ['c-1', 'c-2', 'c-3'].map((n) => (x: string) => pod(n, x)));
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      const paneId = await podsPane(c, ns, ['c-1', 'c-2', 'c-3']);
      for (const key of ['space', 'space']) await c.request('client/key', { key });
      await c.request('client/key', { key: 'ctrl+alt+x' });
      const l = await c.waitLayout('the confirmation', (x) => x.overlay?.type === 'confirm');
      expect(l.overlay).toMatchObject({ text: `Delete 2 Pods: ${ns}/c-1, ${ns}/c-2?` });
      // While the dialog is open, a script marks c-3 (the selected row).
      await w.script.request('pane/command', { paneId, command: { type: 'toggle_mark' } });
      await waitFor('c-3 marked', async () => names(await table(c, paneId)).includes('✓ c-3'));
      await c.request('client/key', { key: 'y' });
      await waitFor('c-1 and c-2 gone from the server', () => JSON.stringify(podNames(ns)) === JSON.stringify(['c-3']));
      // Before: every mark was cleared, c-3's too.
      await waitFor('c-3 still marked, alone', async () => {
        const t = await table(c, paneId);
        return JSON.stringify(names(t)) === JSON.stringify(['✓ c-3']) && (t.footer ?? '').includes('1 marked');
      });

      // A delete the server refuses: the row stays marked, to try again.
      w.sim.forbid('pods', ['delete']);
      try {
        await c.request('client/key', { key: 'ctrl+alt+x' });
        await c.waitLayout('the confirmation of c-3', (x) => x.overlay?.type === 'confirm' && /Delete 1 Pod: .*c-3\?/.test(JSON.stringify(x.overlay)));
        await c.request('client/key', { key: 'y' });
        await waitFor('the failure toast', () => /deleted 0 of 1; .*c-3/.test(lastToast(c)));
        const t = await table(c, paneId);
        expect(names(t)).toEqual(['✓ c-3']);
        expect(t.footer).toContain('1 marked');
      } finally {
        w.sim.allow('pods');
      }
    } finally {
      c.close();
    }
  });

  it('ctrl+\\ clears the marks; a marked object deleted elsewhere loses its mark', async () => {
    const ns = namespaceWith(w.sim, ['b-1', 'b-2', 'b-3'].map((n) => (x: string) => pod(n, x)));
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      const paneId = await podsPane(c, ns, ['b-1', 'b-2', 'b-3']);
      for (const key of ['space', 'space']) await c.request('client/key', { key });
      expect((await table(c, paneId)).footer).toContain('2 marked');
      w.sim.deleteObject('v1', 'Pod', 'b-1', ns);
      await waitFor('one mark left', async () => ((await table(c, paneId)).footer ?? '').includes('1 marked'));
      await c.request('client/key', { key: 'ctrl+\\' });
      await waitFor('no marks', async () => {
        const t = await table(c, paneId);
        return !(t.footer ?? '').includes('marked') && names(t).every((n) => !n.startsWith('✓'));
      });
      // Without marks, delete is the single-object dialog again.
      await c.request('client/key', { key: 'ctrl+alt+x' });
      const l = await c.waitLayout('the single confirmation', (x) => x.overlay?.type === 'confirm');
      expect((l.overlay as { text: string }).text).toMatch(new RegExp(`^Delete Pod ${ns}/b-\\d\\?$`));
      await c.request('client/key', { key: 'n' });
    } finally {
      c.close();
    }
  });
});
