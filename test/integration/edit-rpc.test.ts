import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, selectRow } from '../helpers/list-pane.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * The edit protocol from the socket, as a hostile or confused peer drives it: `editor/open` goes
 * only to the terminal that pressed shift+e; `editor/done` is taken once, from that terminal only,
 * with text of a bounded size; a second edit in the same terminal waits for the first; a text
 * written while the object was replaced is refused and kept, privately.
 */

let t: SimDaemon;
const ns = 'edits';

const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });

beforeAll(async () => {
  t = await startSimDaemon();
  t.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  t.sim.createObject(configMap('settings', { mode: 'fast' }));
}, 120_000);
afterAll(async () => t?.stop());

/** An attached client looking at the ConfigMaps of `ns`, `settings` selected. */
async function onConfigMaps(): Promise<RawClient & { paneId: number }> {
  const c = await RawClient.connect(t.env.socket);
  await c.attach({ cols: 120, rows: 40 });
  const paneId = await openListIn(c, 'configmaps', ns);
  await selectRow(c, paneId, 'settings');
  return Object.assign(c, { paneId });
}

type Open = { editId: string; file: string; text: string };
const opened = (c: RawClient): Open[] => c.notifications.filter((n) => n.method === 'editor/open').map((n) => n.params as Open);
const waitOpen = (c: RawClient, n: number): Promise<Open> => waitFor(`editor/open #${n}`, () => opened(c)[n - 1] ?? null);
const waitToast = (c: RawClient, re: RegExp): Promise<string> => waitFor(`a toast ${re}`, () => c.toasts().find((x) => re.test(x)) ?? null);
const errorOf = async (p: Promise<unknown>): Promise<{ code: number; message: string }> => {
  try {
    await p;
  } catch (e) {
    return e as { code: number; message: string };
  }
  throw new Error('expected the request to fail');
};
const mode = (): string | undefined => (t.sim.getObject('v1', 'ConfigMap', 'settings', ns) as { data?: Record<string, string> } | undefined)?.data?.mode;

describe('editor/open and editor/done on the socket', () => {
  it('goes to the terminal that asked; only it may answer, once; size and ids are checked', async () => {
    const a = await onConfigMaps();
    const b = await onConfigMaps();
    try {
      // Two keys at once (a key repeat): one editor; the second is told why not.
      await Promise.all([a.request('client/key', { key: 'shift+e' }), a.request('client/key', { key: 'shift+e' })]);
      const o = await waitOpen(a, 1);
      await waitToast(a, /being opened in this terminal already|already open in this terminal's editor/);
      expect(o.file).toBe('configmap-edits-settings.yaml');
      expect(o.text).toContain('mode: fast');
      expect(opened(b)).toEqual([]);

      // Another terminal, a connection that is not attached, an id never given: refused, naming why.
      const other = await errorOf(b.request('editor/done', { editId: o.editId, text: o.text.replace('mode: fast', 'mode: stolen') }));
      expect(other.message).toMatch(/no edit "edit-\d+" is open in this terminal/);
      const loose = await RawClient.connect(t.env.socket);
      try {
        expect((await errorOf(loose.request('editor/done', { editId: o.editId, text: 'x' }))).message).toMatch(/editor\/done.*attach/i);
      } finally {
        loose.close();
      }
      expect((await errorOf(a.request('editor/done', { editId: 'edit-999999', text: 'x' }))).message).toContain('no edit "edit-999999"');
      // Past the size an edit carries, or with fields it does not take: the schema refuses it.
      expect((await errorOf(a.request('editor/done', { editId: o.editId, text: 'x'.repeat(700 * 1024) }))).message).toMatch(/text/);
      expect((await errorOf(a.request('editor/done', { editId: o.editId, text: 'x', path: '/etc/passwd' }))).message).toMatch(/path|unrecognized/i);

      // A second shift+e while the first edit is open says so and opens nothing.
      await a.request('client/key', { key: 'shift+e' });
      await waitFor('the second refusal', () => (a.toasts().filter((x) => /already open in this terminal's editor|being opened/.test(x)).length >= 2 ? true : null));
      expect(opened(a)).toHaveLength(1);
      expect(mode()).toBe('fast');

      await a.request('editor/done', { editId: o.editId, text: o.text.replace('mode: fast', 'mode: slow') });
      await waitToast(a, /^edited ConfigMap edits\/settings$/);
      expect(mode()).toBe('slow');
      expect(b.toasts().some((x) => x.includes('edited'))).toBe(false);
      // Answered: the same id is not taken twice.
      expect((await errorOf(a.request('editor/done', { editId: o.editId, text: o.text.replace('mode: fast', 'mode: again') }))).message).toContain('no edit');
      expect(mode()).toBe('slow');
    } finally {
      a.close();
      b.close();
    }
  });

  it('shift+e in a YAML pane edits the object it shows, and the pane shows the new version', async () => {
    const a = await onConfigMaps();
    try {
      await a.request('client/key', { key: 'y' });
      const yamlPane = await waitFor('the YAML pane', () => {
        for (const [id, v] of a.views) if (v.view.type === 'lines' && v.view.title === 'YAML: ConfigMap edits/settings' && v.view.lines.some((l) => l.text.includes('mode:'))) return id;
        return null;
      });
      await a.request('pane/focus', { paneId: yamlPane });
      await a.request('client/key', { key: 'shift+e' });
      const o = await waitOpen(a, 1);
      expect(o.file).toBe('configmap-edits-settings.yaml');
      const was = /mode: (\S+)/.exec(o.text)![1]!;
      await a.request('editor/done', { editId: o.editId, text: o.text.replace(`mode: ${was}`, 'mode: from-yaml-pane') });
      await waitToast(a, /^edited ConfigMap edits\/settings$/);
      await a.waitView('the YAML pane read again', yamlPane, (v) => v.type === 'lines' && v.lines.some((l) => l.text.includes('mode: from-yaml-pane')));
    } finally {
      a.close();
    }
  });

  it('an object too big to carry is not opened, and says so', async () => {
    t.sim.createObject(configMap('huge', { blob: 'x'.repeat(700 * 1024) }));
    const a = await onConfigMaps();
    try {
      await selectRow(a, a.paneId, 'huge');
      await a.request('client/key', { key: 'shift+e' });
      await waitToast(a, /ConfigMap edits\/huge is too big to edit here \(\d+ characters of YAML, at most 655360\); use kubectl edit/);
      expect(opened(a)).toEqual([]);
    } finally {
      a.close();
      t.sim.deleteObject('v1', 'ConfigMap', 'huge', ns);
    }
  });

  it('no editor: the edit ends and says why, and the terminal can edit again', async () => {
    const a = await onConfigMaps();
    try {
      await a.request('client/key', { key: 'shift+e' });
      const o = await waitOpen(a, 1);
      await a.request('editor/done', { editId: o.editId, text: null, error: 'vi: not found' });
      await waitToast(a, /the editor did not run \(vi: not found\); ConfigMap edits\/settings was not changed/);
      await a.request('client/key', { key: 'shift+e' });
      expect((await waitOpen(a, 2)).editId).not.toBe(o.editId);
      expect(a.toasts().some((x) => x.includes('already open'))).toBe(false);
    } finally {
      a.close();
    }
  });

  it('text the API server refuses as invalid opens again with its reason on top; saved unchanged then, it is cancelled and kept', async () => {
    const a = await onConfigMaps();
    try {
      await a.request('client/key', { key: 'shift+e' });
      const o = await waitOpen(a, 1);
      const mine = o.text.replace('  name: settings\n', '  name: settings\n  labels:\n    tier: "no spaces allowed"\n');
      expect(mine).not.toBe(o.text);
      await a.request('editor/done', { editId: o.editId, text: mine });
      const again = await waitOpen(a, 2);
      expect(again.editId).not.toBe(o.editId);
      expect(again.text).toMatch(/^# the API server refused it: .*metadata\.labels: Invalid value: "no spaces allowed"/m);
      expect(again.text).toContain('tier: "no spaces allowed"');
      expect((t.sim.getObject('v1', 'ConfigMap', 'settings', ns)!.metadata.labels ?? {})['tier']).toBeUndefined();
      // The first id is spent: only the new one is taken.
      expect((await errorOf(a.request('editor/done', { editId: o.editId, text: mine }))).message).toContain('no edit');
      await a.request('editor/done', { editId: again.editId, text: again.text });
      const toast = await waitToast(a, /^Edit cancelled: the API server refused it/);
      const file = /your text is in (\S+\.yaml)$/.exec(toast)?.[1];
      expect(readFileSync(file!, 'utf8')).toContain('tier: "no spaces allowed"');
    } finally {
      a.close();
    }
  });

  it('the object deleted and created again while the editor is open: nothing is written to the new one, the text is kept privately', async () => {
    t.sim.createObject(configMap('flags', { beta: 'off' }));
    const a = await onConfigMaps();
    try {
      await selectRow(a, a.paneId, 'flags');
      await a.request('client/key', { key: 'shift+e' });
      const o = await waitOpen(a, 1);
      expect(o.text).toContain('beta: off');
      t.sim.deleteObject('v1', 'ConfigMap', 'flags', ns);
      t.sim.createObject(configMap('flags', { beta: 'new-owner' }));
      await a.request('editor/done', { editId: o.editId, text: o.text.replace('beta: off', 'beta: on') });
      const toast = await waitToast(a, /was changed by someone else since the editor opened/);
      expect((t.sim.getObject('v1', 'ConfigMap', 'flags', ns) as { data: Record<string, string> }).data.beta).toBe('new-owner');
      const file = /your text is in (\S+\.yaml)$/.exec(toast)?.[1];
      expect(file).toBeTruthy();
      // Named for the kind, namespace and name (two objects of one name are two files).
      expect(basename(file!)).toMatch(new RegExp(`^configmap-${ns}-flags-\\d{4}-\\d{2}-\\d{2}T\\d{9}Z(-\\d+)?\\.yaml$`));
      const dir = join(t.env.dir, 'state', 'kubetile', 'edits');
      expect(readdirSync(dir).map((f) => join(dir, f))).toContain(file);
      expect(statSync(file!).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    } finally {
      a.close();
    }
  });
});
