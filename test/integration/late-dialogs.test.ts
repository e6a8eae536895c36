import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, KubeSim } from '@kubetile/kube-sim';
import type { SessionLayout, TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * Dialogs that open late (after an API answer) and keys typed before a dialog was on screen: a key
 * meant for one thing must never answer a dialog about another. Real daemon, kube-sim with its
 * GETs of Deployments slowed (the lists watch, so they stay fast).
 */

let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;
const NS = 'late';
/** Longer than the keys of a step take even on a loaded machine: the debug dialog's question arrives after them. */
const SLOW_GET_MS = 4000;

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', command: ['/bin/app'] }] } } },
});
const dep = (name: string): KubeObject | undefined => sim.getObject('apps/v1', 'Deployment', name, NS);
const inDebugMode = (name: string): boolean => Object.keys(dep(name)?.metadata.annotations ?? {}).some((k) => k.startsWith('debug.kubetile.io/'));
const key = (k: string, seen?: number) => c.request<{ handled: boolean; command?: string }>('client/key', seen === undefined ? { key: k } : { key: k, seen });
const overlayText = (l: SessionLayout | null): string => (l?.overlay?.type === 'confirm' ? l.overlay.text : '');

async function listOf(kind: string): Promise<number> {
  const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind } }, newTab: true });
  await c.request('kube/use', { tabId: r.tabId, namespace: NS });
  await c.request('pane/focus', { paneId: r.paneId });
  await waitFor(`the ${kind} listed`, async () => {
    const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId: r.paneId, rows: 20, cols: 140 })).view;
    return v.type === 'table' && v.rows.length >= 2 && v.selected === 0;
  });
  return r.paneId;
}

beforeAll(async () => {
  stack = await startSimDaemon({
    sim: { controller: true },
    beforeDaemon: (s) => {
      s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
      for (const n of ['aaa', 'bbb', 'ccc', 'ddd', 'eee']) s.createObject(deployment(n));
    },
    client: { cols: 140, rows: 40 },
  });
  ({ sim, client: c } = stack);
});
afterAll(() => stack?.stop());

describe('dialogs that open late', () => {
  it('a debug-mode question answered by the API while a delete dialog is open does not replace it; y deletes what the open dialog named', async () => {
    await listOf('deployments');
    sim.setLatency({ ms: SLOW_GET_MS, verb: 'get', resource: 'deployments' });
    try {
      const before = c.notifications.length;
      await key('ctrl+alt+d'); // on aaa: its question needs a GET first
      await key('j');
      await key('ctrl+alt+x'); // delete bbb: asked at once
      await c.waitLayout('the delete dialog', (l) => /^Delete Deployment late\/bbb\?/.test(overlayText(l)));
      await waitFor('the toast saying debug mode was not asked', () =>
        c.notifications.slice(before).some((n) => n.method === 'toast' && /not asked while you were typing or answering another dialog, so cancelled: Debug mode on Deployment late\/aaa\?/.test((n.params as { text: string }).text)),
      );
      expect(overlayText(c.layout)).toMatch(/^Delete Deployment late\/bbb\?/);
      await key('y');
      await waitFor('bbb deleted', () => dep('bbb') === undefined || dep('bbb')!.metadata.deletionTimestamp !== undefined);
      expect(inDebugMode('aaa')).toBe(false);
      expect(dep('aaa')).toBeDefined();
    } finally {
      sim.setLatency(0);
    }
  });

  it('a question that arrives while the filter is being typed does not take the filter line: "yes" stays filter text', async () => {
    await listOf('deployments');
    sim.setLatency({ ms: SLOW_GET_MS, verb: 'get', resource: 'deployments' });
    try {
      const before = c.notifications.length;
      await key('ctrl+alt+d'); // on aaa
      await key('/');
      await waitFor('the toast saying debug mode was not asked', () => c.notifications.slice(before).some((n) => n.method === 'toast' && /so cancelled: Debug mode on Deployment late\/aaa/.test((n.params as { text: string }).text)));
      for (const k of ['y', 'e', 's']) await key(k);
      const l = await c.waitLayout('still filtering', (x) => x.mode === 'filter' && x.input === 'yes');
      expect(l.overlay).toBeNull();
      expect(inDebugMode('aaa')).toBe(false);
      await key('esc');
    } finally {
      sim.setLatency(0);
    }
  });
});

describe('keys typed before a dialog was on screen', () => {
  it('y typed before the delete dialog reached the terminal does not answer it; y typed after it does', async () => {
    await listOf('deployments');
    await c.waitLayout('a numbered layout', (l) => l.seq !== undefined);
    const seenBefore = c.layout!.seq!;
    // The terminal had `seenBefore` when ctrl+alt+x and y were typed (typed ahead, in one burst).
    await key('ctrl+alt+x', seenBefore);
    const shown = await c.waitLayout('the delete dialog', (l) => /^Delete Deployment late\/aaa\?/.test(overlayText(l)));
    expect(shown.seq).toBeGreaterThan(seenBefore);
    expect(await key('y', seenBefore)).toEqual({ handled: false, command: 'ignored:unseen' });
    // enter answers no question, seen or not (`ctrl+d enter` deleted): it says to answer with y or n.
    const toasts = c.toasts().length;
    expect(await key('enter', seenBefore)).toEqual({ handled: true, command: 'confirm:not-an-answer' });
    expect(await key('enter', shown.seq!)).toEqual({ handled: true, command: 'confirm:not-an-answer' });
    await waitFor('the hint', () => c.toasts().slice(toasts).some((t) => t.includes('answer with y (yes) or n / esc (no): enter does not answer a question')));
    expect(overlayText(c.layout)).toMatch(/^Delete Deployment late\/aaa\?/);
    expect(dep('aaa')?.metadata.deletionTimestamp).toBeUndefined();
    // n needs no look: it only backs out. Asked again and answered once seen, it deletes.
    expect((await key('n', seenBefore)).handled).toBe(true);
    await c.waitLayout('closed', (l) => !l.overlay);
    await key('ctrl+alt+x', c.layout!.seq!);
    const again = await c.waitLayout('the delete dialog again', (l) => /^Delete Deployment late\/aaa\?/.test(overlayText(l)));
    expect((await key('y', again.seq!)).handled).toBe(true);
    await waitFor('aaa deleted', () => dep('aaa') === undefined || dep('aaa')!.metadata.deletionTimestamp !== undefined);
  });

  it('a key without `seen` (a script) answers as before, and a bad `seen` is refused with the reason', async () => {
    await listOf('deployments');
    await key('ctrl+alt+x');
    await c.waitLayout('the delete dialog', (l) => /^Delete Deployment late\//.test(overlayText(l)));
    await expect(c.request('client/key', { key: 'n', seen: -1 })).rejects.toThrow(/seen/);
    await expect(c.request('client/key', { key: 'n', seen: 'x' })).rejects.toThrow(/seen/);
    expect((await key('n')).handled).toBe(true);
    await c.waitLayout('closed', (l) => !l.overlay);
  });
});
