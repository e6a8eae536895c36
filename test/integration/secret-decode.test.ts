import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's `x` on a Secret: a pane beside the list with its data decoded (live, as YAML panes are);
 * an escape sequence hidden in a value is shown as binary, never sent on. Other kinds keep `x` as
 * xray; scripts ask with resource/action decode.
 */

let t: SimDaemonWithClient;
let c: RawClient;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, type: 'Opaque', data: { password: b64('s3cr3t'), banner: b64('\x1b]0;owned\x07') } });
      sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: {} });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const decoded = () =>
  waitFor('the decoded pane', () => [...c.views.values()].find((v) => v.view.type === 'lines' && v.view.title === 'Decoded: Secret default/db') ?? null);
const texts = (v: { view: { type: string } }): string[] => (v.view.type === 'lines' ? (v.view as unknown as { lines: Array<{ text: string }> }).lines.map((l) => l.text) : []);

describe('decoded Secrets', () => {
  it('x on a Secret opens its data decoded; a change to it is shown; an escape sequence stays binary', async () => {
    const secrets = await openListIn(c, 'secrets', 'default');
    await selectRow(c, secrets, 'db');
    await pressKeys(c, 'x');
    const first = await decoded();
    expect(texts(first)).toEqual(['type: Opaque', '', 'banner: <binary, 10 bytes>', 'password: s3cr3t']);
    expect(JSON.stringify(first.view)).not.toContain('\\u001b');
    t.sim.patchObject('v1', 'Secret', 'db', 'default', { data: { password: b64('rotated') } });
    await waitFor('the new password', async () => (texts(await decoded()).includes('password: rotated') ? true : null));
  });

  it("scripts decode by name; other kinds are refused, and x on them stays xray's (which says it draws workloads)", async () => {
    const secrets = await openListIn(c, 'secrets', 'default');
    const r = await c.request<{ paneId: number; message: string }>('resource/action', { paneId: secrets, action: 'decode', target: { name: 'db' } });
    expect(r.message).toBe('decode of Secret default/db');
    const cms = await openListIn(c, 'configmaps', 'default');
    await expect(c.request('resource/action', { paneId: cms, action: 'decode', target: { name: 'cfg' } })).rejects.toMatchObject({ message: 'only Secrets have data to decode (ConfigMap objects do not)' });
    await selectRow(c, cms, 'cfg');
    const before = c.toasts().length;
    await pressKeys(c, 'x');
    await waitFor("xray's answer", () => c.toasts().slice(before).find((t) => t.includes('xray shows a workload') && t.includes('not on ConfigMaps')) ?? null);
    expect(c.toasts().slice(before).join('\n')).not.toMatch(/decode/i);
  });
});
