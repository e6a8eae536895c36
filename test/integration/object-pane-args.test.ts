import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import { waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * YAML/describe/detail panes take the object from their args, which a script chooses: a name that
 * is not a plain path segment must never reach a request path. The pane says which arg is wrong and
 * the API server is asked nothing.
 */

let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let script: RawClient;

beforeAll(async () => {
  stack = await startSimDaemon({ client: true });
  ({ sim, client: script } = stack);
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  sim.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: Buffer.from('hunter2').toString('base64') } });
  sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { a: '1' } });
});
afterAll(() => stack?.stop());

const base = { kindId: 'configmaps', kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true, name: 'cfg', namespace: 'shop', context: 'kube-sim' };

async function open(args: Record<string, unknown>): Promise<{ type: string; text?: string; lines?: Array<{ text?: string }> }> {
  const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-yaml', args }, newTab: true });
  return (await script.request<{ view: { type: string; text?: string } }>('pane/snapshot', { paneId, rows: 30, cols: 120 })).view;
}

describe('object panes check their args', () => {
  it('a well-formed target shows the object', async () => {
    const contexts = await script.request<{ current: string }>('kube/contexts');
    const { paneId } = await script.request<{ paneId: number }>('pane/open', { view: { key: 'resource-yaml', args: { ...base, context: contexts.current } }, newTab: true });
    await waitFor('yaml of cfg', async () => {
      const v = (await script.request<{ view: { type: string; lines?: Array<{ text?: string; spans?: Array<{ text: string }> }> } }>('pane/snapshot', { paneId, rows: 30, cols: 120 })).view;
      const text = JSON.stringify(v);
      return v.type === 'lines' && text.includes('name: cfg');
    });
    // The pane's watch request follows its list, possibly after the YAML is shown: wait for it and
    // close the pane, so the checks below see only what the bad args asked for.
    await waitFor('the pane\'s watch', () => sim.journalEntries({ path: '/api/v1/namespaces/shop/configmaps' }).some((e) => e.query['watch'] !== undefined));
    await script.request('pane/close', { paneId });
  });

  it.each([
    ['version', { version: 'v1/namespaces/shop/secrets?x=' }, /args\.version "v1\/namespaces\/shop\/secrets\?x=" is not an API version/],
    ['plural', { plural: '../secrets' }, /args\.plural "\.\.\/secrets" is not a resource name/],
    ['group', { group: 'apps/v1/../../api' }, /args\.group .* is not an API group/],
    ['name', { name: '..' }, /args\.name "\.\." is not an object name/],
    ['name with a slash', { name: 'db/../../secrets' }, /args\.name .* is not an object name/],
    ['namespace', { namespace: 'shop/secrets' }, /args\.namespace "shop\/secrets" is not a namespace name/],
    ['kind', { kind: 'Secret?watch=1' }, /args\.kind .* is not a kind/],
  ])('a bad %s is named in the pane and nothing is requested', async (_what, patch, message) => {
    const contexts = await script.request<{ current: string }>('kube/contexts');
    const seq = Math.max(0, ...sim.journalEntries().map((e) => e.seq));
    const v = await open({ ...base, context: contexts.current, ...patch });
    expect(v.type).toBe('message');
    expect(v.text).toMatch(message);
    // Give a request that should not happen a moment to show up, then check none did.
    await script.request('daemon/status');
    expect(sim.journalEntries({ sinceSeq: seq }).filter((e) => /secrets|configmaps|\?|\.\./.test(e.path)).map((e) => e.path)).toEqual([]);
  });
});
