import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A confirmed mutation acts on the object the prompt named — never on whatever is selected when
 * `y` arrives, never on a new object that took the same name — and kinds it cannot apply to are
 * refused before any dialog. Two real clients on a real daemon, kube-sim behind it.
 */

let env: TestEnv;
let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let script: RawClient;
let nsCounter = 0;
let ns = '';

const pod = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: 'race' } },
  spec: { containers: [{ name: 'main', image: 'nginx:1.27' }], nodeName: 'node-1' },
  status: { phase: 'Running' },
});

const deployment = (name: string, namespace: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
  },
});

const podNames = (namespace: string): string[] => sim.listObjects('v1', 'Pod', namespace).map((p) => p.metadata.name!).sort();

async function snapshot(paneId: number): Promise<TableView> {
  return (await script.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 140 })).view;
}

async function waitRows(paneId: number, want: string[], label: string): Promise<void> {
  let last: string[] = [];
  await waitFor(`${label} (last rows: ${JSON.stringify(last)})`, async () => {
    const v = await snapshot(paneId);
    last = v.type === 'table' ? v.rows.map((r) => r.cells.name!) : [];
    return JSON.stringify(last) === JSON.stringify(want);
  });
}

function toasts(c: RawClient): string[] {
  return c.notifications.filter((n) => n.method === 'toast').map((n) => (n.params as { text: string }).text);
}

const waitToast = (c: RawClient, re: RegExp): Promise<string> => waitFor(`a toast matching ${re} (got ${JSON.stringify(toasts(c))})`, () => toasts(c).find((t) => re.test(t)));

/** Two clients attached to one session, both focused on a fresh pods pane in namespace `ns`. */
async function twoClientsOnPods(names: string[]): Promise<{ a: RawClient; b: RawClient; paneId: number }> {
  for (const n of names) sim.createObject(pod(n, ns));
  const a = await RawClient.connect(env.socket);
  const b = await RawClient.connect(env.socket);
  await a.attach({ cols: 140, rows: 40 });
  await b.attach({ cols: 100, rows: 30 });
  const { paneId, tabId } = await a.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
  await a.request('kube/use', { tabId, namespace: ns });
  await b.request('pane/focus', { paneId });
  await waitRows(paneId, [...names].sort(), 'pods listed');
  return { a, b, paneId };
}

beforeAll(async () => {
  stack = await startSimDaemon({ client: true });
  ({ env, sim, client: script } = stack);
});
afterAll(() => stack?.stop());
beforeEach(() => {
  ns = `race-${++nsCounter}`;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

describe('a confirmed delete acts on the object the prompt named', () => {
  it('another client moving the selection between the prompt and y does not redirect the delete', async () => {
    const { a, b, paneId } = await twoClientsOnPods(['web-1', 'web-2', 'web-3']);
    try {
      await a.request('client/key', { key: 'ctrl+alt+x' });
      const l = await a.waitLayout('confirm dialog', (x) => x.overlay?.type === 'confirm');
      expect(l.overlay).toMatchObject({ text: `Delete Pod ${ns}/web-1?` });
      // The pane's selection is shared: client B moves it to web-2 while A's prompt is open.
      await b.request('client/key', { key: 'j' });
      await waitFor('selection moved to web-2', async () => {
        const v = await snapshot(paneId);
        return v.type === 'table' && v.selected === 1;
      });
      await a.request('client/key', { key: 'y' });
      await waitToast(a, new RegExp(`deleted Pod ${ns}/web-1`));
      await waitFor('web-1 gone from the server', () => !podNames(ns).includes('web-1'));
      expect(podNames(ns)).toEqual(['web-2', 'web-3']);
      await waitRows(paneId, ['web-2', 'web-3'], 'the pane shows the two others');
    } finally {
      a.close();
      b.close();
    }
  });

  it('enter does not answer a confirmation (ctrl+alt+x enter deleted the pod): it says to answer with y or n, and nothing is deleted until y', async () => {
    const { a, b } = await twoClientsOnPods(['keep-1', 'keep-2']);
    try {
      await a.request('client/key', { key: 'ctrl+alt+x' });
      await a.waitLayout('confirm dialog', (x) => x.overlay?.type === 'confirm' && x.overlay.text === `Delete Pod ${ns}/keep-1?`);
      expect(await a.request('client/key', { key: 'enter' })).toEqual({ handled: true, command: 'confirm:not-an-answer' });
      await waitToast(a, /answer with y \(yes\) or n \/ esc \(no\): enter does not answer a question/);
      expect(a.layout!.overlay).toMatchObject({ type: 'confirm', text: `Delete Pod ${ns}/keep-1?` });
      expect(podNames(ns)).toEqual(['keep-1', 'keep-2']);
      await a.request('client/key', { key: 'y' });
      await waitFor('keep-1 gone from the server', () => !podNames(ns).includes('keep-1'));
      expect(podNames(ns)).toEqual(['keep-2']);
    } finally {
      a.close();
      b.close();
    }
  });

  it('when the named pod disappears before y, nothing else is deleted', async () => {
    const { a, b, paneId } = await twoClientsOnPods(['api-1', 'api-2']);
    try {
      await a.request('client/key', { key: 'ctrl+alt+x' });
      await a.waitLayout('confirm dialog', (x) => x.overlay?.type === 'confirm' && x.overlay.text === `Delete Pod ${ns}/api-1?`);
      sim.deleteObject('v1', 'Pod', 'api-1', ns);
      await waitRows(paneId, ['api-2'], 'api-1 gone from the pane (api-2 now selected)');
      await a.request('client/key', { key: 'y' });
      await waitToast(a, /api-1 no longer exists; nothing was deleted/);
      expect(podNames(ns)).toEqual(['api-2']);
    } finally {
      a.close();
      b.close();
    }
  });

  it('a pod re-created under the same name is not deleted by a prompt about the old one', async () => {
    const { a, b, paneId } = await twoClientsOnPods(['db-1']);
    try {
      const oldUid = sim.getObject('v1', 'Pod', 'db-1', ns)!.metadata.uid;
      await a.request('client/key', { key: 'ctrl+alt+x' });
      await a.waitLayout('confirm dialog', (x) => x.overlay?.type === 'confirm');
      sim.deleteObject('v1', 'Pod', 'db-1', ns);
      sim.createObject(pod('db-1', ns));
      const newUid = sim.getObject('v1', 'Pod', 'db-1', ns)!.metadata.uid;
      expect(newUid).not.toBe(oldUid);
      await waitFor('the pane follows the new pod', async () => (await snapshot(paneId)).rows?.[0]?.id === newUid);
      await a.request('client/key', { key: 'y' });
      await waitToast(a, new RegExp(`Pod ${ns}/db-1 was replaced by another object of the same name.*nothing was deleted`));
      expect(sim.getObject('v1', 'Pod', 'db-1', ns)?.metadata.uid).toBe(newUid);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('resource/action from a script', () => {
  it('an explicit target is acted on whatever is selected; a stale uid is refused and changes nothing', async () => {
    const { a, b, paneId } = await twoClientsOnPods(['job-1', 'job-2', 'job-3']);
    try {
      const r = await script.request<{ message: string }>('resource/action', { paneId, action: 'delete', target: { name: 'job-3' } });
      expect(r.message).toBe(`deleted Pod ${ns}/job-3`);
      expect(podNames(ns)).toEqual(['job-1', 'job-2']);
      const uid2 = sim.getObject('v1', 'Pod', 'job-2', ns)!.metadata.uid;
      await expect(
        script.request('resource/action', { paneId, action: 'delete', target: { namespace: ns, name: 'job-2', uid: 'not-the-uid' } }),
      ).rejects.toThrow(/job-2 was replaced by another object of the same name.*nothing was deleted/);
      expect(sim.getObject('v1', 'Pod', 'job-2', ns)?.metadata.uid).toBe(uid2);
      await expect(script.request('resource/action', { paneId, action: 'delete', target: { name: '' } })).rejects.toThrow(/target\.name/);
      await expect(script.request('resource/action', { paneId, action: 'delete', target: { name: 'x', extra: 1 } })).rejects.toThrow(/extra/);
      // With only a paneId, the selection at the time of the call is pinned by its uid.
      const sel = await snapshot(paneId);
      const selectedName = sel.rows[sel.selected!]!.cells.name!;
      await script.request('resource/action', { paneId, action: 'delete' });
      expect(podNames(ns)).not.toContain(selectedName);
      expect(podNames(ns)).toHaveLength(1);
    } finally {
      a.close();
      b.close();
    }
  });

  it('scale and restart on a kind without them are refused before anything is sent', async () => {
    const { a, b, paneId } = await twoClientsOnPods(['solo-1']);
    try {
      await expect(script.request('resource/action', { paneId, action: 'scale', args: { replicas: 2 } })).rejects.toThrow(/Pod cannot be scaled/);
      await expect(script.request('resource/action', { paneId, action: 'restart' })).rejects.toThrow(/Pod has no rollout to restart/);
      // Keys: no dialog opens, a toast says why.
      await a.request('client/key', { key: 'ctrl+alt+s' });
      await waitToast(a, /Pod cannot be scaled/);
      await a.request('client/key', { key: 'ctrl+alt+r' });
      await waitToast(a, /Pod has no rollout to restart/);
      expect(a.layout?.overlay ?? null).toBeNull();
      expect(a.layout?.mode).toBe('normal');
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('scale and restart hit exactly the chosen object', () => {
  async function deploymentsPane(c: RawClient, names: string[]): Promise<number> {
    for (const n of names) sim.createObject(deployment(n, ns));
    const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments' } }, newTab: true });
    await c.request('kube/use', { tabId, namespace: ns });
    await waitRows(paneId, [...names].sort(), 'deployments listed');
    return paneId;
  }
  const replicasOf = (name: string): unknown => (sim.getObject('apps/v1', 'Deployment', name, ns)?.spec as { replicas?: number } | undefined)?.replicas;

  it('ctrl+u clears and ctrl+w erases a word in a dialog, the filter line and the switcher (readline, k9s); what is left is what is used', async () => {
    const { a, b, paneId } = await twoClientsOnPods(['edit-1', 'edit-2']);
    const press = async (...ks: string[]): Promise<void> => {
      for (const k of ks) await a.request('client/key', { key: k });
    };
    try {
      // The filter line: "edit 2" → ctrl+w → "edit " → ctrl+u → "" (all rows) → "2".
      await press('/', 'e', 'd', 'i', 't', 'space', '2');
      await a.waitLayout('filter typed', (x) => x.mode === 'filter' && x.input === 'edit 2');
      await press('ctrl+w');
      await a.waitLayout('a word erased', (x) => x.mode === 'filter' && x.input === 'edit ');
      await press('ctrl+u');
      await a.waitLayout('the line cleared', (x) => x.mode === 'filter' && x.input === '');
      await press('2', 'enter');
      await waitRows(paneId, ['edit-2'], 'filtered by what is left');
      await press('/', 'ctrl+u', 'enter');
      await waitRows(paneId, ['edit-1', 'edit-2'], 'the filter cleared');
      // The switcher's search.
      await press(':', 'd', 'e', 'p', 'l');
      await a.waitLayout('the switcher', (x) => x.overlay?.type === 'selector');
      await press('ctrl+u');
      await waitFor('the search cleared', () => a.layout?.overlay?.type === 'selector' && (a.layout.overlay as { query?: string }).query === '');
      await press('esc');
      await a.waitLayout('closed', (x) => x.overlay === null);
      // A dialog with a value in it: the scale input (typed 25, erased; 3 used).
      await deploymentsPane(a, ['wordy']);
      await press('ctrl+alt+s');
      await a.waitLayout('replicas input', (x) => x.overlay?.type === 'input');
      await press('2', '5');
      await a.waitLayout('25 typed', (x) => x.overlay?.type === 'input' && x.overlay.value === '25');
      await press('ctrl+w');
      await a.waitLayout('erased', (x) => x.overlay?.type === 'input' && x.overlay.value === '');
      // Spaces around the number are no part of it (a port's are not either).
      await press('4', 'ctrl+u', 'space', '3', 'space', 'enter');
      await waitToast(a, new RegExp(`scaled Deployment ${ns}/wordy to 3`));
      expect(replicasOf('wordy')).toBe(3);
    } finally {
      a.close();
      b.close();
    }
  });

  it('scaling above 100 asks again; the scale lands on the named deployment', async () => {
    const a = await RawClient.connect(env.socket);
    try {
      await a.attach({ cols: 140, rows: 40 });
      await deploymentsPane(a, ['front', 'back']);
      await a.request('client/key', { key: 'ctrl+alt+s' }); // 'back' is first
      const asked = await a.waitLayout('replicas input', (x) => x.overlay?.type === 'input' && /Scale Deployment .*\/back/.test(x.overlay.title));
      // The replicas it has now are said (not typed in: a 2 typed would append to them).
      expect(asked.overlay).toMatchObject({ title: `Scale Deployment ${ns}/back to replicas (now 1)`, value: '' });
      for (const k of ['2', '5', '0']) await a.request('client/key', { key: k });
      await a.request('client/key', { key: 'enter' });
      const l = await a.waitLayout('second confirmation', (x) => x.overlay?.type === 'confirm');
      expect(l.overlay).toMatchObject({ text: `Scale Deployment ${ns}/back to 250 replicas? That is more than 100.` });
      expect(replicasOf('back')).toBe(1);
      await a.request('client/key', { key: 'y' });
      await waitToast(a, new RegExp(`scaled Deployment ${ns}/back to 250`));
      expect(replicasOf('back')).toBe(250);
      expect(replicasOf('front')).toBe(1);
      // Escape at the second question changes nothing.
      await a.request('client/key', { key: 'ctrl+alt+s' });
      await a.waitLayout('replicas input', (x) => x.overlay?.type === 'input');
      for (const k of ['5', '0', '0']) await a.request('client/key', { key: k });
      await a.request('client/key', { key: 'enter' });
      await a.waitLayout('second confirmation', (x) => x.overlay?.type === 'confirm');
      await a.request('client/key', { key: 'esc' });
      await a.waitLayout('closed', (x) => x.overlay === null);
      expect(replicasOf('back')).toBe(250);
    } finally {
      a.close();
    }
  });

  it('a replicas count that cannot be taken keeps the input open to be corrected; the corrected one scales', async () => {
    const a = await RawClient.connect(env.socket);
    try {
      await a.attach({ cols: 140, rows: 40 });
      await deploymentsPane(a, ['typo']);
      await a.request('client/key', { key: 'ctrl+alt+s' });
      await a.waitLayout('replicas input', (x) => x.overlay?.type === 'input' && /Scale Deployment .*\/typo/.test(x.overlay.title));
      for (const k of ['-', '1']) await a.request('client/key', { key: k });
      await a.request('client/key', { key: 'enter' });
      await waitToast(a, /replicas must be a whole number from 0 to \d+, not '-1'/);
      await a.waitLayout('the input still open with -1', (x) => x.overlay?.type === 'input' && x.overlay.value === '-1');
      for (const k of ['backspace', 'backspace', '3']) await a.request('client/key', { key: k });
      await a.request('client/key', { key: 'enter' });
      await waitToast(a, new RegExp(`scaled Deployment ${ns}/typo to 3`));
      expect(replicasOf('typo')).toBe(3);
      await a.waitLayout('the input closed', (x) => x.overlay === null);
    } finally {
      a.close();
    }
  });

  it('the status row names only keys that work in each dialog and in the filter line', async () => {
    const { a, b } = await twoClientsOnPods(['hint-1']);
    const hints = (l: { status: { hints: Array<{ key: string; label: string }> } }): string[] => l.status.hints.map((h) => `${h.key} ${h.label}`);
    try {
      const normal = hints(await a.waitLayout('normal mode', (x) => x.mode === 'normal' && x.overlay === null));
      expect(normal).toContain('alt+v Split');
      await a.request('client/key', { key: 'ctrl+alt+x' });
      expect(hints(await a.waitLayout('the delete dialog', (x) => x.overlay?.type === 'confirm'))).toEqual(['y Yes', 'n No']);
      // The other client, in normal mode, keeps its own hints.
      expect(b.layout!.mode).toBe('normal');
      expect(hints(b.layout!)).toEqual(normal);
      await a.request('client/key', { key: 'n' });
      await a.request('client/key', { key: ':' });
      expect(hints(await a.waitLayout('the switcher', (x) => x.overlay?.type === 'selector'))).toEqual(['enter Pick', 'down Next', 'up Previous', 'esc Cancel (type to narrow)']);
      await a.request('client/key', { key: 'esc' });
      await a.request('client/key', { key: '/' });
      const filter = hints(await a.waitLayout('the filter line', (x) => x.mode === 'filter'));
      expect(filter.slice(0, 2)).toEqual(['enter Keep the filter', 'esc Clear it']);
      // Global keys still work while filtering (F1 opens help); a pane's split key would be typed into the filter.
      expect(filter).toContain('f1 Help');
      expect(filter).not.toContain('alt+v Split');
      await a.request('client/key', { key: 'esc' });
      expect(hints(await a.waitLayout('normal again', (x) => x.mode === 'normal'))).toEqual(normal);
    } finally {
      a.close();
      b.close();
    }
    const c = await RawClient.connect(env.socket);
    try {
      await c.attach({ cols: 140, rows: 40 });
      await deploymentsPane(c, ['hinted']);
      await c.request('client/key', { key: 'ctrl+alt+s' });
      expect(hints(await c.waitLayout('the replicas input', (x) => x.overlay?.type === 'input'))).toEqual(['enter OK', 'esc Cancel']);
      await c.request('client/key', { key: 'esc' });
    } finally {
      c.close();
    }
  });

  it('a deployment re-created under the same name is neither scaled nor restarted by a prompt about the old one', async () => {
    const a = await RawClient.connect(env.socket);
    try {
      await a.attach({ cols: 140, rows: 40 });
      const paneId = await deploymentsPane(a, ['cart']);
      const recreate = async (): Promise<void> => {
        const old = sim.getObject('apps/v1', 'Deployment', 'cart', ns)!.metadata.uid;
        sim.deleteObject('apps/v1', 'Deployment', 'cart', ns);
        sim.createObject(deployment('cart', ns, 3));
        const fresh = sim.getObject('apps/v1', 'Deployment', 'cart', ns)!.metadata.uid;
        await waitFor('the pane follows the new deployment', async () => (await snapshot(paneId)).rows?.[0]?.id === fresh && fresh !== old);
      };
      await a.request('client/key', { key: 'ctrl+alt+s' });
      await a.waitLayout('replicas input', (x) => x.overlay?.type === 'input');
      await recreate();
      await a.request('client/key', { key: '7' });
      await a.request('client/key', { key: 'enter' });
      await waitToast(a, /cart was replaced by another object of the same name.*nothing was scaled/);
      expect(replicasOf('cart')).toBe(3);

      await a.request('client/key', { key: 'ctrl+alt+r' });
      await a.waitLayout('restart confirmation', (x) => x.overlay?.type === 'confirm' && /Restart the rollout of Deployment/.test(x.overlay.text));
      await recreate();
      await a.request('client/key', { key: 'y' });
      await waitToast(a, /cart was replaced by another object of the same name.*nothing was restarted/);
      const annotations = (sim.getObject('apps/v1', 'Deployment', 'cart', ns)?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } })?.template?.metadata?.annotations;
      expect(annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();

      // And the same object, unchanged, is restarted.
      await a.request('client/key', { key: 'ctrl+alt+r' });
      await a.waitLayout('restart confirmation', (x) => x.overlay?.type === 'confirm');
      await a.request('client/key', { key: 'y' });
      await waitToast(a, new RegExp(`restarted Deployment ${ns}/cart`));
      const after = (sim.getObject('apps/v1', 'Deployment', 'cart', ns)?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } })?.template?.metadata?.annotations;
      expect(after?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);
    } finally {
      a.close();
    }
  });
});

describe('deleting a Namespace asks for its name', () => {
  it('a wrong name deletes nothing; the right name deletes it', async () => {
    const a = await RawClient.connect(env.socket);
    try {
      await a.attach({ cols: 140, rows: 40 });
      const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'namespaces' } }, newTab: true });
      await a.request('pane/command', { paneId, command: { type: 'filter', query: ns } });
      await waitRows(paneId, [ns], 'only the test namespace');
      await a.request('client/key', { key: 'ctrl+alt+x' });
      const l = await a.waitLayout('typed confirmation', (x) => x.overlay?.type === 'input');
      expect(l.overlay).toMatchObject({ title: `Delete Namespace ${ns} and everything in it? Type its name to confirm` });
      await a.request('client/key', { key: 'y' });
      await a.request('client/key', { key: 'enter' });
      await waitToast(a, new RegExp(`'y' is not '${ns}'; nothing was deleted`));
      expect(sim.getObject('v1', 'Namespace', ns, '')).toBeDefined();
      await a.request('client/key', { key: 'ctrl+alt+x' });
      await a.waitLayout('typed confirmation', (x) => x.overlay?.type === 'input');
      for (const ch of ns) await a.request('client/key', { key: ch });
      await a.request('client/key', { key: 'enter' });
      await waitToast(a, new RegExp(`deleted Namespace ${ns}`));
      await waitFor('namespace terminating or gone', () => {
        const o = sim.getObject('v1', 'Namespace', ns, '');
        return !o || !!o.metadata.deletionTimestamp;
      });
    } finally {
      a.close();
    }
  });
});
