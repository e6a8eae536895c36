import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * Scripts hold pane and tab ids. A pane closed before a daemon restart must not hand its id to a
 * pane opened after it: the restarted daemon went on from the highest id it restored, and
 * `pane/close 3` from a script that still held the old pane 3 closed the new one.
 */

let env: TestEnv;
let daemon: DaemonProcess | null = null;
const clients: RawClient[] = [];

beforeEach(() => {
  env = makeTestEnv();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

async function attach(): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  clients.push(c);
  await c.attach({ cols: 120, rows: 40 });
  return c;
}

const stateFile = (): string => join(env.dir, 'state', 'kubetile', 'sessions.json');

describe('ids across a daemon restart', () => {
  it('a pane and a tab closed before the restart do not give their ids to new ones', async () => {
    daemon = await startDaemon(env);
    let c = await attach();
    const opened = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    const later = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    // The last pane and tab made are closed: the highest saved ids are now below theirs.
    await c.request('tab/close', { tabId: later.tabId });
    await waitFor('the closed tab saved away', () => {
      try {
        const saved = JSON.parse(readFileSync(stateFile(), 'utf8')) as { sessions: Array<{ tabs: Array<{ id: number }> }> };
        return saved.sessions.every((s) => s.tabs.every((t) => t.id !== later.tabId));
      } catch {
        return false;
      }
    });
    for (const x of clients.splice(0)) x.close();
    await daemon.stop();

    daemon = await startDaemon(env);
    c = await attach();
    expect(c.layout!.tabs.map((t) => t.id)).toContain(opened.tabId);
    const fresh = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'help' }, newTab: true });
    expect(fresh.paneId).toBeGreaterThan(later.paneId);
    expect(fresh.tabId).toBeGreaterThan(later.tabId);
    // A script still holding the closed pane's id is told it is gone, not served the new pane.
    await expect(c.request('pane/close', { paneId: later.paneId })).rejects.toThrow(new RegExp(`no pane ${later.paneId}\\b`));
    const panes = await c.request<{ panes: Array<{ paneId: number }> }>('pane/list', {});
    expect(panes.panes.map((p) => p.paneId)).toContain(fresh.paneId);
  });
});
