import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeSim } from '@kubetile/kube-sim';
import type { LinesView, SessionLayout, TableView } from '@kubetile/rpc-schema';
import { waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * The habits k9s users bring, through a real daemon on kube-sim: `:` resolves short names, plurals, singulars,
 * `name.group` and config aliases as kubectl does (compared with kubectl itself when it is installed), lists
 * recent picks first, `:ns NAME`/`:ctx NAME` switch the tab; `?` opens help as F1 does; F2 shows the focused
 * pane's keys; `ctrl+d` deletes through the one confirmation.
 */

const run = promisify(execFile);
let env: TestEnv;
let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;
let kubeconfig = '';
let kubectl = false;

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wg'] },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

const tabOf = (l: SessionLayout) => l.tabs.find((t) => t.id === l.activeTabId)!;
const toasts = (): string[] => c.notifications.filter((n) => n.method === 'toast').map((n) => (n.params as { text: string }).text);
const waitToast = (re: RegExp): Promise<string> => waitFor(`a toast matching ${re} (got ${JSON.stringify(toasts())})`, () => toasts().find((t) => re.test(t)));

async function keys(...ks: string[]): Promise<void> {
  for (const key of ks) await c.request('client/key', { key });
}
async function type(text: string): Promise<void> {
  for (const ch of text) await c.request('client/key', { key: ch === ' ' ? 'space' : ch });
}

/** A resource list in a new tab on namespace `habits`, focused. */
async function openList(kind: string): Promise<{ paneId: number; tabId: number }> {
  const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind } }, newTab: true });
  await c.request('kube/use', { tabId: r.tabId, namespace: 'habits' });
  await c.request('pane/focus', { paneId: r.paneId });
  await c.waitLayout('the new list focused', (l) => tabOf(l).id === r.tabId && tabOf(l).focusedPaneId === r.paneId && tabOf(l).namespace === 'habits');
  return r;
}

/** Opens `:`, types `name`, presses enter; the view that replaced the focused pane (its args). */
let customKindsKnown = false;

async function switchTo(name: string): Promise<{ paneId: number; args: Record<string, unknown> }> {
  const before = tabOf(c.layout!).focusedPaneId;
  if (!customKindsKnown) {
    // The first time, until discovery has found the CRD's kind (the unfiltered list shows only its first rows).
    await keys(':');
    await type('widgets');
    await c.waitLayout('switcher with the custom kind', (l) => l.overlay?.type === 'selector' && l.overlay.items.some((i) => i.startsWith('widgets')));
    await keys('escape');
    await c.waitLayout('switcher closed', (l) => l.overlay === undefined || l.overlay === null);
    customKindsKnown = true;
  }
  await keys(':');
  await c.waitLayout('switcher', (l) => l.overlay?.type === 'selector');
  await type(name);
  await keys('enter');
  const l = await c.waitLayout(`:${name} replaced the view`, (x) => x.overlay === undefined || x.overlay === null ? tabOf(x).focusedPaneId !== before : false);
  const paneId = tabOf(l).focusedPaneId;
  const panes = (await c.request<{ panes: Array<{ paneId: number; args: Record<string, unknown> }> }>('pane/list', {})).panes;
  return { paneId, args: panes.find((p) => p.paneId === paneId)!.args };
}

/** The group/plural kubectl lists for `kubectl get NAME` (from its request log), or null when kubectl refuses it. */
async function kubectlResolves(name: string): Promise<{ group: string; plural: string } | null> {
  const out = await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(env.dir, 'kube-cache'), 'get', name, '-n', 'habits', '-v=6'], { timeout: 60_000 }).then(
    (r) => r.stdout + r.stderr,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
  );
  const m = /GET https?:\/\/[^/\s]+\/(?:api\/v1|apis\/([^/\s]+)\/[^/\s]+)\/(?:namespaces\/[^/\s]+\/)?([a-z0-9.-]+)\?limit=/.exec(out);
  return m ? { group: m[1] ?? '', plural: m[2]! } : null;
}

beforeAll(async () => {
  stack = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: async (s, e) => {
      sim = s;
      env = e;
      kubeconfig = join(env.dir, 'sim-kubeconfig');
      kubectl = await run('kubectl', ['version', '--client']).then(
        () => true,
        () => false,
      );
      if (kubectl) {
        // A second context on the same server, for `:ctx`.
        const cluster = (await run('kubectl', ['--kubeconfig', kubeconfig, 'config', 'view', '-o', 'jsonpath={.contexts[0].context.cluster}'])).stdout;
        const user = (await run('kubectl', ['--kubeconfig', kubeconfig, 'config', 'view', '-o', 'jsonpath={.contexts[0].context.user}'])).stdout;
        await run('kubectl', ['--kubeconfig', kubeconfig, 'config', 'set-context', 'second', `--cluster=${cluster}`, `--user=${user}`, '--namespace=other']);
      }
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'habits' } });
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
      sim.createObject(CRD);
      mkdirSync(dirname(env.configFile), { recursive: true });
      writeFileSync(env.configFile, '[aliases]\ndp = "deployments"\nwid = "widgets.example.com"\nloop = "loop2"\nloop2 = "loop"\n');
    },
  });
  c = stack.client;
});
afterAll(() => stack?.stop());

describe('`:` names', () => {
  it('short names, plurals, singulars and name.group open the kind kubectl lists for them', async () => {
    const names = ['po', 'svc', 'cm', 'sts', 'ds', 'deploy', 'rs', 'ns', 'pv', 'pvc', 'ev', 'no', 'sa', 'cj', 'ing', 'wg', 'widget', 'Widgets', 'service', 'deployments.apps', 'jobs'];
    const expected: Record<string, { group: string; plural: string }> = {
      po: { group: '', plural: 'pods' },
      svc: { group: '', plural: 'services' },
      cm: { group: '', plural: 'configmaps' },
      sts: { group: 'apps', plural: 'statefulsets' },
      ds: { group: 'apps', plural: 'daemonsets' },
      deploy: { group: 'apps', plural: 'deployments' },
      rs: { group: 'apps', plural: 'replicasets' },
      ns: { group: '', plural: 'namespaces' },
      pv: { group: '', plural: 'persistentvolumes' },
      pvc: { group: '', plural: 'persistentvolumeclaims' },
      ev: { group: '', plural: 'events' },
      no: { group: '', plural: 'nodes' },
      sa: { group: '', plural: 'serviceaccounts' },
      cj: { group: 'batch', plural: 'cronjobs' },
      ing: { group: 'networking.k8s.io', plural: 'ingresses' },
      wg: { group: 'example.com', plural: 'widgets' },
      widget: { group: 'example.com', plural: 'widgets' },
      Widgets: { group: 'example.com', plural: 'widgets' },
      service: { group: '', plural: 'services' },
      'deployments.apps': { group: 'apps', plural: 'deployments' },
      jobs: { group: 'batch', plural: 'jobs' },
    };
    await openList('pods');
    const seen: Record<string, { group: string; plural: string }> = {};
    const byKubectl: Record<string, { group: string; plural: string } | null> = {};
    for (const name of names) {
      const { args } = await switchTo(name);
      // Built-in kinds open by plural alone (their group is the built-in one); discovered kinds carry their group.
      seen[name] = { group: typeof args.group === 'string' ? args.group : (expected[name]!.plural === args.kind ? expected[name]!.group : '?'), plural: String(args.kind) };
      if (kubectl) byKubectl[name] = await kubectlResolves(name);
    }
    expect(seen).toEqual(expected);
    if (kubectl) {
      // kubectl itself agrees on every name (with the kind ids/groups we open).
      expect(byKubectl).toEqual(expected);
    } else {
      console.warn('kubectl is not installed: `:` names compared with the expected table only');
    }
  });

  it('config aliases resolve (alias chains too, a loop does not), and recent picks are listed first', async () => {
    const { args } = await switchTo('dp');
    expect(args.kind).toBe('deployments');
    const wid = await switchTo('wid');
    expect(wid.args).toMatchObject({ kind: 'widgets', group: 'example.com' });
    // The switcher's label shows the alias beside the short name.
    await keys(':');
    const l = await c.waitLayout('switcher items', (x) => x.overlay?.type === 'selector' && x.overlay.items.length > 5);
    const items = l.overlay?.type === 'selector' ? l.overlay.items : [];
    // History: the last two picks first, newest first.
    expect(items.slice(0, 2).map((i) => i.split(' (')[0])).toEqual(['widgets', 'deployments']);
    expect(items.find((i) => i.startsWith('widgets'))).toBe('widgets (wg, wid)');
    expect(items.find((i) => i.startsWith('deployments'))).toBe('deployments (deploy, dp)');
    // An alias loop resolves to nothing: the daemon stays up and the selection is simply not moved.
    await type('loop');
    await c.waitLayout('typed loop', (x) => x.overlay?.type === 'selector' && x.overlay.query === 'loop');
    await keys('esc');
    await c.waitLayout('switcher closed', (x) => !x.overlay);
    expect((await c.request<{ panes: unknown[] }>('pane/list', {})).panes.length).toBeGreaterThan(0);
  });

  it(':ns NAME and :ctx NAME switch the tab; an unknown one says so and changes nothing', async () => {
    const { tabId } = await openList('pods');
    await keys(':');
    await type('ns other');
    await keys('enter');
    await c.waitLayout('tab on namespace other', (l) => l.tabs.find((t) => t.id === tabId)?.namespace === 'other');
    await keys(':');
    await type('ns nowhere');
    await keys('enter');
    await waitToast(/no namespace 'nowhere'/);
    expect(c.layout!.tabs.find((t) => t.id === tabId)?.namespace).toBe('other');
    await keys(':');
    await type('ctx missing');
    await keys('enter');
    await waitToast(/no context 'missing' in the kubeconfig/);
    if (kubectl) {
      await keys(':');
      await type('ctx second');
      await keys('enter');
      await c.waitLayout('tab on context second', (l) => l.tabs.find((t) => t.id === tabId)?.context === 'second');
      // The context's own namespace comes with it.
      expect(c.layout!.tabs.find((t) => t.id === tabId)?.namespace).toBe('other');
    }
  });

  it(":q detaches this terminal as k9s's quits (the session stays); :quota still lists ResourceQuotas", async () => {
    const other = await RawClient.connect(env.socket);
    try {
      await other.attach({ cols: 120, rows: 40 });
      const answers: Array<string | undefined> = [];
      for (const key of [':', 'q', 'enter']) answers.push((await other.request<{ command?: string }>('client/key', { key })).command);
      expect(answers.at(-1)).toBe('detach');
      expect((await other.request<{ command?: string }>('client/key', { key: 'j' })).command).toBe('ignored:detaching');
    } finally {
      other.close();
    }
    await openList('pods');
    await keys(':');
    await type('quota');
    await keys('enter');
    await c.waitLayout('the ResourceQuotas list', (l) => (l.paneTitles[String(tabOf(l).focusedPaneId)] ?? '').startsWith('ResourceQuotas'));
  });
});

describe('keys', () => {
  it('? opens help as F1 does (and closes it), F2 shows only the focused pane\'s keys', async () => {
    const { paneId, tabId } = await openList('pods');
    const helpPanes = (l: SessionLayout) => Object.entries(l.paneTitles).filter(([id, t]) => t === 'Help' && l.tabs.find((x) => x.id === tabId) !== undefined && id !== String(paneId));
    await keys('?');
    const l = await c.waitLayout('help opened by ?', (x) => helpPanes(x).length === 1);
    const helpId = Number(helpPanes(l)[0]![0]);
    // Full screen on this client, as k9s's help (a split of a split was too narrow to read).
    expect(l.tabs.find((x) => x.id === tabId)!.fullscreenPaneId).toBe(helpId);
    const help = await waitFor('help lines', async () => {
      const v = (await c.request<{ view: LinesView }>('pane/snapshot', { paneId: helpId, rows: 400, cols: 120 })).view;
      return v.type === 'lines' && v.total > 20 ? v : null;
    });
    const text = help.lines.map((x) => x.text).join('\n');
    expect(text).toMatch(/^  \?\s+Help$/m);
    expect(text).toMatch(/Ctrl\+D.*Delete resource/);
    // F1 lists every group under a title of its own (none shown by its config id).
    const headers = help.lines.filter((x) => x.style === 'header').map((x) => x.text);
    expect(headers.length).toBeGreaterThanOrEqual(8);
    expect(headers.filter((h) => /^[a-z_]+$/.test(h))).toEqual([]);
    await c.request('pane/focus', { paneId });
    await keys('f1');
    await c.waitLayout('F1 closes it again', (x) => helpPanes(x).length === 0);

    await keys('f2');
    const k = await c.waitLayout('F2 pane help', (x) => Object.values(x.paneTitles).some((t) => t.startsWith('Keys of Pods')));
    const keysId = Number(Object.entries(k.paneTitles).find(([, t]) => t.startsWith('Keys of Pods'))![0]);
    const v = await waitFor('F2 lines', async () => {
      const s = (await c.request<{ view: LinesView }>('pane/snapshot', { paneId: keysId, rows: 400, cols: 120 })).view;
      return s.type === 'lines' && s.total > 5 ? s : null;
    });
    const f2 = v.lines.map((x) => x.text).join('\n');
    expect(f2).toMatch(/Delete resource/);
    expect(f2).toMatch(/Logs/);
    // Not the tab/pane management keys, nor the logs pane's own keys.
    expect(f2).not.toMatch(/New tab/);
    expect(f2).not.toMatch(/Previous container/i);
    await c.request('pane/focus', { paneId });
    await keys('f2');
    await c.waitLayout('F2 again closes it', (x) => !Object.values(x.paneTitles).some((t) => t.startsWith('Keys of')));
  });

  it('ctrl+d deletes the selected pod after one confirmation; n keeps it', async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'doomed', namespace: 'habits' }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] }, status: { phase: 'Running' } });
    const { paneId } = await openList('pods');
    await waitFor('pod listed', async () => {
      const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 20, cols: 120 })).view;
      return v.type === 'table' && v.rows.some((r) => r.cells.name === 'doomed');
    });
    await keys('ctrl+d');
    await c.waitLayout('confirm', (x) => x.overlay?.type === 'confirm' && x.overlay.text === 'Delete Pod habits/doomed?');
    await keys('n');
    await c.waitLayout('dialog closed', (x) => !x.overlay);
    expect(sim.getObject('v1', 'Pod', 'doomed', 'habits')).toBeTruthy();
    await keys('ctrl+d');
    await c.waitLayout('confirm again', (x) => x.overlay?.type === 'confirm');
    await keys('y');
    await waitToast(/deleted Pod habits\/doomed/);
    await waitFor('pod gone from the server', () => !sim.getObject('v1', 'Pod', 'doomed', 'habits'));
  });
});
