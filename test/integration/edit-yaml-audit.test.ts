import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, selectRow } from '../helpers/list-pane.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * An editor's text that the YAML parser chokes on (hundreds of thousands of stray `]`: minutes of
 * CPU and a GB of memory in the parser) sent by one terminal: the daemon goes on answering the
 * others meanwhile, the editor opens again with a reason, and the object is not touched.
 */

let t: SimDaemon;
const ns = 'edit-yaml';

beforeAll(async () => {
  t = await startSimDaemon();
  t.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  t.sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: ns }, data: { mode: 'fast' } });
}, 120_000);
afterAll(async () => t?.stop());

type Open = { editId: string; file: string; text: string };
const opened = (c: RawClient): Open[] => c.notifications.filter((n) => n.method === 'editor/open').map((n) => n.params as Open);

describe('a hostile text in editor/done', () => {
  it('is read off the daemon thread: another terminal is answered meanwhile; the editor reopens with the reason', async () => {
    const a = await RawClient.connect(t.env.socket);
    const b = await RawClient.connect(t.env.socket);
    try {
      await a.attach({ cols: 120, rows: 40 });
      const paneId = await openListIn(a, 'configmaps', ns);
      await selectRow(a, paneId, 'settings');
      await a.request('client/key', { key: 'shift+e' });
      const o = await waitFor('editor/open', () => opened(a)[0] ?? null);

      const order: string[] = [];
      const hostile = `${o.text}${']'.repeat(600_000)}\n`;
      const done = a.request('editor/done', { editId: o.editId, text: hostile }).then(() => order.push('done'));
      // a's next request is read after the text (one connection, in order): once it is answered,
      // the daemon is reading the text, and answers b too.
      await a.request('session/list', {}).then(() => order.push('a'));
      await b.request('session/list', {}).then(() => order.push('b'));
      await done;
      expect(order).toEqual(['a', 'b', 'done']);

      const again = await waitFor('the editor reopened', () => opened(a)[1] ?? null, 120_000);
      expect(again.text.split('\n').slice(0, 8).join('\n')).toMatch(/^# (YAML: .* at line \d+, column \d+|the YAML could not be read: .+)$/m);
      expect((t.sim.getObject('v1', 'ConfigMap', 'settings', ns) as { data: Record<string, string> }).data).toEqual({ mode: 'fast' });
      // The edit goes on: the text fixed is written.
      await a.request('editor/done', { editId: again.editId, text: o.text.replace('mode: fast', 'mode: slow') });
      await waitFor('the ConfigMap edited', () => ((t.sim.getObject('v1', 'ConfigMap', 'settings', ns) as { data: Record<string, string> }).data['mode'] === 'slow' ? true : null));
    } finally {
      a.close();
      b.close();
    }
  }, 180_000);

  it('the terminal gone while its text is read: the text is kept in the state directory, not dropped', async () => {
    const a = await RawClient.connect(t.env.socket);
    await a.attach({ cols: 120, rows: 40 });
    const paneId = await openListIn(a, 'configmaps', ns);
    await selectRow(a, paneId, 'settings');
    await a.request('client/key', { key: 'shift+e' });
    const o = await waitFor('editor/open', () => opened(a)[0] ?? null);
    const mine = o.text.replace(/mode: \w+/, 'mode: typed-before-leaving');
    // Long enough to be read in a worker (seconds), and not YAML: the editor would open again.
    void a.request('editor/done', { editId: o.editId, text: `${mine}${']'.repeat(200_000)}\n` }).catch(() => undefined);
    await a.request('session/list', {});
    a.close();
    const dir = join(t.env.dir, 'state', 'kubetile', 'edits');
    const kept = await waitFor(
      'the text kept',
      () => (existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)).find((f) => readFileSync(f, 'utf8').includes('typed-before-leaving')) ?? null : null),
      120_000,
    );
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    expect((t.sim.getObject('v1', 'ConfigMap', 'settings', ns) as { data: Record<string, string> }).data['mode']).not.toBe('typed-before-leaving');
  }, 180_000);
});
