import type { PaneView } from '@kubetile/rpc-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import { REPO_ROOT, waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let client: RawClient;

const pod = (name: string, restarts: number, waiting?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'main', image: 'app:1' }], nodeName: 'node-1' },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'main', image: 'app:1', imageID: '', ready: !waiting, restartCount: restarts,
        state: waiting ? { waiting: { reason: waiting } } : { running: { startedAt: new Date().toISOString() } },
      },
    ],
  },
});

async function lines(paneId: number): Promise<string[]> {
  const r = await client.request<{ view: PaneView }>('pane/snapshot', { paneId, rows: 30, cols: 100 });
  const v = r.view;
  if (v.type === 'lines') return v.lines.map((l) => l.text);
  // An ABI v2 table (pod-health): its caption, then its rows as the daemon sorted them.
  if (v.type === 'table') return [...(v.caption ?? []).map((l) => l.text), ...v.rows.map((row) => v.columns.map((c) => row.cells[c.id] ?? '').join('  '))];
  return [];
}

beforeAll(async () => {
  stack = await startSimDaemon({
    beforeDaemon: (s, env) => {
      s.createObject(pod('steady-1', 0));
      s.createObject(pod('flaky-1', 3));
      s.createObject(pod('crashy-1', 12, 'CrashLoopBackOff'));
      s.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-creds', namespace: 'default' }, type: 'Opaque', data: { username: Buffer.from('admin').toString('base64'), password: Buffer.from('s3cr3t-é').toString('base64') } });
      mkdirSync(dirname(env.configFile), { recursive: true });
      writeFileSync(
        env.configFile,
        [
          '[[plugins]]', 'key = "pod-health"', `path = "${join(REPO_ROOT, 'plugins/pod-health/build/pod-health.wasm')}"`, 'permissions = ["k8s:list:pods"]', '',
          '[[plugins]]', 'key = "secret-viewer"', `path = "${join(REPO_ROOT, 'plugins/secret-viewer/build/secret-viewer.wasm')}"`, 'permissions = ["k8s:get:secrets", "clipboard:write"]', '',
        ].join('\n'),
      );
    },
    client: { cols: 120, rows: 40 },
  });
  ({ sim, client } = stack);
});
afterAll(() => stack?.stop());

describe('plugins reading the cluster through the daemon', () => {
  it('pod-health lists the tab namespace pods from the informer cache, crash loops first and marked', async () => {
    const { paneId } = await client.request<{ paneId: number }>('pane/open', { view: { key: 'pod-health' }, newTab: true });
    const text = await waitFor('pod-health rendered', async () => {
      const l = await lines(paneId);
      return l.some((x) => x.includes('crashy-1')) && l.some((x) => x.includes('steady-1')) ? l : null;
    });
    const order = ['crashy-1', 'flaky-1', 'steady-1'].map((n) => text.findIndex((x) => x.includes(n)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text.find((x) => x.includes('crashy-1'))).toMatch(/crashy-1.*CrashLoopBackOff/);
    const view = (await client.request<{ view: PaneView }>('pane/snapshot', { paneId, rows: 30, cols: 100 })).view;
    // Crash loops are marked red (the user's own red, palette 1) and bold.
    expect(view.type === 'table' && view.rows.find((r) => r.cells.c0 === 'crashy-1')?.looks?.c4).toEqual({ fg: 1, bold: true });
    // a new pod reaches the plugin on its next tick, through the shared informer
    sim.createObject(pod('fresh-1', 0));
    await waitFor('fresh pod shown', async () => (await lines(paneId)).some((x) => x.includes('fresh-1')));
  });

  it('secret-viewer lists secrets, shows decoded keys masked, copies a value to the clipboard', async () => {
    const { paneId } = await client.request<{ paneId: number }>('pane/open', { view: { key: 'secret-viewer' }, newTab: true });
    await waitFor('secret list', async () => (await lines(paneId)).some((x) => x.includes('db-creds')));
    await client.request('pane/command', { paneId, command: { type: 'select' } });
    const keys = await waitFor('keys view', async () => {
      const l = await lines(paneId);
      return l.some((x) => x.includes('username')) ? l : null;
    });
    expect(keys.join('\n')).not.toContain('s3cr3t');
    await client.request('pane/command', { paneId, command: { type: 'select_next' } });
    await client.request('pane/command', { paneId, command: { type: 'select' } });
    const clip = await waitFor('clipboard/write', () => client.notifications.find((n) => n.method === 'clipboard/write'));
    expect(clip.params).toEqual({ text: 's3cr3t-é' });
  });
});
