import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, pressKeys } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's filters: `/-l SELECTOR` keeps the rows whose labels kubectl's `-l` would select, `/!TEXT`
 * the rows without TEXT; the rows follow label changes from the watch; a selector that does not
 * parse shows no rows and says why.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const pod = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

/** A pod in namespace `faults`: running and ready, crash-looping, or Pending (not scheduled yet). */
const statusPod = (name: string, state: 'running' | 'crash' | 'pending') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'faults', labels: { app: name.split('-')[0]! } },
  spec: { ...(state === 'pending' ? {} : { nodeName: 'node-1' }), containers: [{ name: 'main', image: 'busybox:1.36' }] },
  status:
    state === 'pending'
      ? { phase: 'Pending' }
      : {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: state === 'running' ? 'True' : 'False' }],
          containerStatuses: [{ name: 'main', ready: state === 'running', restartCount: state === 'crash' ? 4 : 0, image: 'busybox:1.36', imageID: '', state: state === 'running' ? { running: { startedAt: new Date().toISOString() } } : { waiting: { reason: 'CrashLoopBackOff' } } }],
        },
});

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 160, rows: 40 },
    beforeDaemon: (sim) => {
      sim.createObject(pod('web-1', { app: 'web', tier: 'fe' }));
      sim.createObject(pod('web-2', { app: 'web', tier: 'fe', canary: 'true' }));
      sim.createObject(pod('api-1', { app: 'api', tier: 'be' }));
      sim.createObject(pod('db-1', { app: 'db' }));
      sim.createObject(pod('upper-1', { app: 'Web' }));
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'faults' } });
      for (const [name, state] of [['ok-1', 'running'], ['crash-1', 'crash'], ['wait-1', 'pending'], ['ok-2', 'running']] as const) sim.createObject(statusPod(name, state));
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const view = async (paneId: number): Promise<TableView> => {
  const v = (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
  if (v.type !== 'table') throw new Error(`not a table: ${v.type}`);
  return v;
};
const names = (v: TableView): string[] => v.rows.map((r) => r.cells.name!).sort();
const filtered = async (paneId: number, query: string, want: string[]): Promise<TableView> => {
  await c.request('pane/command', { paneId, command: { type: 'filter', query } });
  return waitFor(`${query} → ${want.join(',')}`, async () => {
    const v = await view(paneId);
    return JSON.stringify(names(v)) === JSON.stringify(want) ? v : null;
  });
};

describe('filter modes', () => {
  it('-l selects by labels as kubectl does (values keep their case); ! keeps the rows without the text', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await filtered(pods, '-l app=web', ['web-1', 'web-2']);
    await filtered(pods, '-l app=Web', ['upper-1']);
    await filtered(pods, '-l app in (web,db),!canary', ['db-1', 'web-1']);
    await filtered(pods, '-l tier', ['api-1', 'web-1', 'web-2']);
    await filtered(pods, '-l tier!=fe', ['api-1', 'db-1', 'upper-1']);
    const v = await filtered(pods, '!web', ['api-1', 'db-1', 'upper-1']);
    expect(v.footer).toContain('/!web');
    await filtered(pods, 'web', ['web-1', 'web-2']);
  });

  it('a label change from the watch moves a row in or out', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await filtered(pods, '-l app=web', ['web-1', 'web-2']);
    t.sim.patchObject('v1', 'Pod', 'db-1', 'default', { metadata: { labels: { app: 'web' } } });
    t.sim.patchObject('v1', 'Pod', 'web-2', 'default', { metadata: { labels: { app: 'old' } } });
    await waitFor('db-1 in, web-2 out', async () => JSON.stringify(names(await view(pods))) === JSON.stringify(['db-1', 'web-1']) || null);
  });

  it('a selector that does not parse shows no rows and says which term is wrong', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    const v = await filtered(pods, '-l app in (web', []);
    expect(v.footer).toContain("label selector: 'app in (web': in takes values in parentheses, like app in (a,b)");
    expect(v.empty).toBe("label selector: 'app in (web': in takes values in parentheses, like app in (a,b)");
    await filtered(pods, '-l app in (web)', ['db-1', 'web-1']);
  });

  it('re: keeps the rows a regular expression matches (k9s filters by regex), case-insensitive; !re: the others; a bad or runaway one is said', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await filtered(pods, 're:^(api|db)-', ['api-1', 'db-1']);
    await filtered(pods, 're:WEB-[12]', ['web-1', 'web-2']);
    await filtered(pods, '!re:web|upper', ['api-1', 'db-1']);
    const bad = await filtered(pods, 're:web-(', []);
    expect(bad.footer).toMatch(/bad regular expression \/web-\(\/: /);
    // One that JavaScript's engine would backtrack on for minutes runs in linear time or is refused.
    const runaway = await filtered(pods, 're:[a-z]{1000}[a-z]{1000}!', []);
    expect(runaway.empty).toMatch(/too large for a filter/);
    await filtered(pods, 're:(a|a)*x', []);
    await filtered(pods, 'web', ['web-1', 'web-2']);
  });

  it("k9s's ctrl+z: only the rows not ready or in error, with the / filter too; a row that recovers leaves, one that fails comes", async () => {
    const pods = await openListIn(c, 'pods', 'faults');
    await waitFor('the four pods', async () => (names(await view(pods)).length === 4 ? true : null));
    await pressKeys(c, 'ctrl+z');
    const v = await waitFor('the faulty pods', async () => {
      const x = await view(pods);
      return names(x).join() === 'crash-1,wait-1' ? x : null;
    });
    expect(v.footer).toContain('faults only (ctrl+z)');
    expect(v.badge).toBe('2/4');
    await filtered(pods, 'crash', ['crash-1']);
    await filtered(pods, '', ['crash-1', 'wait-1']);
    // From the watch: crash-1 recovers, ok-2 starts failing.
    t.sim.patchObject('v1', 'Pod', 'crash-1', 'faults', { status: statusPod('crash-1', 'running').status });
    t.sim.patchObject('v1', 'Pod', 'ok-2', 'faults', { status: statusPod('ok-2', 'crash').status });
    await waitFor('the faults follow the watch', async () => (names(await view(pods)).join() === 'ok-2,wait-1' ? true : null));
    await pressKeys(c, 'ctrl+z');
    await waitFor('all four again', async () => (names(await view(pods)).length === 4 ? true : null));
    // As a restored session opens it (the pane's state in its args): faults on from the start.
    const r = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods', faults: true } }, newTab: true });
    await c.request('kube/use', { tabId: r.tabId, namespace: 'faults' });
    await waitFor('faults from the args', async () => (names(await view(r.paneId)).join() === 'ok-2,wait-1' ? true : null));
  });

  it("k9s's fred|blee keeps rows with either, and -f finds by the letters of the name in order", async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await filtered(pods, 'api|db', ['api-1', 'db-1']);
    await filtered(pods, '!api|db', ['upper-1', 'web-1', 'web-2']);
    await filtered(pods, '-f wb2', ['web-2']);
    await filtered(pods, '-f UP', ['upper-1']);
    // F1's help lists the forms.
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    const help = await c.request<{ view: { type: string; lines?: Array<{ text: string }> } }>('pane/snapshot', { paneId, rows: 400, cols: 160 });
    const text = (help.view.lines ?? []).map((l) => l.text).join('\n');
    for (const form of ['/api|web', '/!text', '/-l app=web', '/-f ngx1', '/re:^api-[0-9]']) expect(text).toContain(form);
  });
});
