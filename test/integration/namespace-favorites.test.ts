import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionLayout } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { pressKeys } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's favorite namespaces: each namespace a tab is switched to joins its context's list (numbered
 * 1–9 in the layout's status, the tab bar), `1`…`9` switch the tab to one, `0` to all namespaces;
 * a number with no favorite yet is said; the list is kept in the state dir.
 */

let t: SimDaemonWithClient;
let c: RawClient;

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    beforeDaemon: (sim) => {
      for (const ns of ['shop', 'payments']) sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

const tabOf = (l: SessionLayout) => l.tabs.find((x) => x.id === l.activeTabId)!;

describe('favorite namespaces (0–9)', () => {
  it('switching namespaces numbers them; the number keys switch back; 0 is all namespaces', async () => {
    const tabId = tabOf(c.layout!).id;
    const start = tabOf(c.layout!).namespace;
    await c.request('kube/use', { tabId, namespace: 'shop' });
    await c.request('kube/use', { tabId, namespace: 'payments' });
    // The newest first; one already there keeps its number.
    await c.request('kube/use', { tabId, namespace: 'shop' });
    await c.waitLayout('the favorites', (x) => (x.status.namespaces ?? []).join(',') === `payments,shop,${start}` && tabOf(x).namespace === 'shop');
    await pressKeys(c, '1');
    await c.waitLayout('payments', (x) => tabOf(x).namespace === 'payments');
    await pressKeys(c, '0');
    await c.waitLayout('all namespaces', (x) => tabOf(x).namespace === '*');
    await pressKeys(c, '3');
    await c.waitLayout(start, (x) => tabOf(x).namespace === start);
    expect(c.layout!.status.namespaces).toEqual(['payments', 'shop', start]);

    const before = c.toasts().length;
    await pressKeys(c, '7');
    await waitFor('the toast', () => c.toasts().slice(before).find((x) => x.startsWith('no favorite namespace 7 yet')) ?? null);
    expect(tabOf(c.layout!).namespace).toBe(start);
    // Kept for the next start.
    await waitFor('saved', () => {
      try {
        const saved = JSON.parse(readFileSync(join(t.env.dir, 'state', 'kubetile', 'namespace-favorites.json'), 'utf8')) as Record<string, string[]>;
        return Object.values(saved).some((v) => v.join(',') === `payments,shop,${start}`) || null;
      } catch {
        return null;
      }
    });
  });
});
