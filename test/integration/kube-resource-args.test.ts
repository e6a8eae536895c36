// Issue 8, item 7: `group`, `version` and `plural` from pane args are checked (syntax, then
// discovery) before anything is listed: a bad arg gets an error naming it, and nothing but discovery
// is asked of the API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { TableView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

let env: TestEnv;
let sim: KubeSim;
let daemon: DaemonProcess;
let c: RawClient;

beforeAll(async () => {
  env = makeTestEnv();
  const kc = join(env.dir, 'kubeconfig');
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kc, stateDir: join(env.dir, 'sim') });
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  sim.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-password', namespace: 'shop' }, data: { p: 'aHVudGVyMg==' } });
  env.env.KUBECONFIG = kc;
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
  await c.attach({ cols: 160, rows: 40 });
  await waitFor('default pane listed', async () => (await view(c.activeTab().focusedPaneId)).type === 'table' && ((await view(c.activeTab().focusedPaneId)) as TableView).empty === 'No resources found');
});
afterAll(async () => {
  c?.close();
  await daemon?.stop();
  await sim?.stop();
  env?.cleanup();
});

async function view(paneId: number): Promise<TableView | { type: 'message'; text: string }> {
  return (await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view;
}
const shown = (v: TableView | { type: 'message'; text: string }): string => (v.type === 'table' ? `${v.empty ?? ''}|${v.footer ?? ''}|${v.rows.map((r) => r.cells.name).join(',')}` : v.text);

const DISCOVERY = /^\/(api|apis|api\/v1|apis\/[^/]+\/[^/]+)$/;

async function openAndRead(args: Record<string, unknown>, want: RegExp): Promise<string> {
  const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args }, newTab: true });
  try {
    return await waitFor(`error for ${JSON.stringify(args)}`, async () => {
      const t = shown(await view(paneId));
      return want.test(t) ? t : null;
    }, 20_000, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}; shown: ${shown(await view(paneId))}`);
  }
}

describe('resource-list args are validated before anything is listed', () => {
  it('malicious group/version/plural: an error naming the arg, and no request but discovery', async () => {
    const since = Math.max(0, ...sim.journalEntries({}).map((e) => e.seq));
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ kind: 'foo', kindName: 'Foo', version: 'v1/namespaces/shop/secrets?x=' }, /args\.version "v1\/namespaces\/shop\/secrets\?x=" is not an API version/],
      [{ kind: 'secrets', version: 'v1/namespaces/shop/secrets?x=' }, /args\.version "v1\/namespaces\/shop\/secrets\?x=" is not an API version/],
      [{ kind: '../..', kindName: 'X', version: 'v1' }, /args\.kind "\.\.\/\.\." is not a resource name/],
      [{ kind: 'x', plural: '../..', kindName: 'X', version: 'v1' }, /args\.plural "\.\.\/\.\." is not a resource name/],
      [{ kind: 'x', kindName: 'X', group: 'apps/../../api', version: 'v1' }, /args\.group "apps\/\.\.\/\.\.\/api" is not an API group/],
      [{ kind: 'x', kindName: 'X/../y', version: 'v1' }, /args\.kindName "X\/\.\.\/y" is not a kind/],
    ];
    for (const [args, want] of cases) await openAndRead(args, want);
    // Names the API does not serve: discovery says so, naming the args.
    expect(await openAndRead({ kind: 'widgets', kindName: 'Widget', version: 'v1' }, /^Error: /)).toMatch(
      /the API server does not serve resource "widgets" in v1 \(args\.kind\)/,
    );
    expect(await openAndRead({ kind: 'flurbs', kindName: 'Flurb', group: 'example.com', version: 'v1' }, /^Error: /)).toMatch(
      /the API server does not serve example\.com\/v1 \(args\.group, args\.version\)/,
    );
    expect(await openAndRead({ kind: 'secrets', kindName: 'Secret', group: 'apps', version: 'v1' }, /^Error: /)).toMatch(
      /the API server does not serve resource "secrets" in apps\/v1 \(args\.kind\)/,
    );
    const asked = sim.journalEntries({ sinceSeq: since }).filter((e) => e.seq > since).map((e) => e.path);
    // The default pane's watch may follow its list after the list showed: paths asked before are its.
    // Its usage poll (metrics.k8s.io, every 15 s) may ask first or again at any time: also its.
    const before = new Set(sim.journalEntries({}).filter((e) => e.seq <= since).map((e) => e.path));
    const other = asked.filter((p) => !DISCOVERY.test(p) && !before.has(p) && !p.startsWith('/apis/metrics.k8s.io/'));
    expect(other).toEqual([]);
    expect(asked.some((p) => p.includes('secrets'))).toBe(false);
  }, 120_000);

  it('a discovered kind with good args still lists (the CRD the sim serves)', async () => {
    sim.createObject({ apiVersion: 'kubetile.dev/v1alpha1', kind: 'Database', metadata: { name: 'orders', namespace: 'default' }, spec: { engine: 'postgres', version: '16' } });
    const { paneId } = await c.request<{ paneId: number }>('pane/open', {
      view: { key: 'resource-list', args: { kind: 'databases', kindName: 'Database', group: 'kubetile.dev', version: 'v1alpha1', namespaced: true } },
      newTab: true,
    });
    await waitFor('database listed', async () => shown(await view(paneId)).includes('orders'), 20_000);
  });
});
