import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * What the daemon restores or saves cannot always be what the user had: a tab naming a pane the
 * file lacks, saved port-forwards this daemon cannot read, a save that fails. Each is said, and
 * nothing the user could still get back from the file is written over: a copy is kept.
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

const stateDir = (): string => join(env.dir, 'state', 'kubetile');
const stateFile = (): string => join(stateDir(), 'sessions.json');
const copies = (): string[] => readdirSync(stateDir()).filter((f) => f.startsWith('sessions.json.corrupt-'));
const leaf = (paneId: number) => ({ type: 'leaf', paneId });
const tab = (id: number, tree: unknown, focus: number) => ({ id, context: null, namespace: 'default', tree, lastFocusedPaneId: focus });

async function attach(session: string): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  clients.push(c);
  await c.attach({ cols: 120, rows: 40 }, session);
  return c;
}

function writeState(value: unknown): string {
  mkdirSync(stateDir(), { recursive: true });
  const text = JSON.stringify(value);
  writeFileSync(stateFile(), text);
  return text;
}

/** Waits until the daemon has written the state file again (it holds `what`). */
const savedWith = (what: string): Promise<boolean> => waitFor(`the state file saved with ${what}`, () => existsSync(stateFile()) && readFileSync(stateFile(), 'utf8').includes(what));

describe('what could not come back is kept', () => {
  it('a tab whose tree names a pane the file lacks: said once, and the file as it was is kept (the next save wrote it away)', async () => {
    const written = writeState({
      version: 1,
      savedAt: '2026-12-06T00:00:00Z',
      sessions: [
        {
          name: 'work',
          tabs: [tab(1, leaf(1), 1), tab(2, { type: 'split', direction: 'vertical', ratio: 0.3, first: leaf(2), second: leaf(9) }, 2)],
          panes: [
            { id: 1, view: { key: 'help' } },
            { id: 2, view: { key: 'resource-list', args: { kind: 'pods', filter: 'precious' } } },
          ],
          lastActiveTabId: 2,
        },
      ],
      features: {},
    });
    daemon = await startDaemon(env);
    const c = await attach('work');
    await waitFor('the tab named', () => c.toasts().includes("tab 2 of session 'work' was not restored: its pane 9 is missing or already shown"));
    const kept = await waitFor('the copy named', () => c.toasts().find((t) => t.includes('the file as it was is kept at')));
    expect(copies()).toHaveLength(1);
    expect(kept).toBe(`what did not come back is still in the saved sessions: the file as it was is kept at ${join(stateDir(), copies()[0]!)}`);
    expect(c.layout!.tabs.map((t) => t.id)).toEqual([1]);
    // The file is written again without tab 2 (the copy holds it): the next start neither says it
    // again nor makes another copy (left as it was, each start did both).
    await waitFor('the file saved without tab 2', () => !readFileSync(stateFile(), 'utf8').includes('precious'));
    expect(readFileSync(join(stateDir(), copies()[0]!), 'utf8')).toBe(written);
    for (const x of clients.splice(0)) x.close();
    await daemon.stop();
    daemon = await startDaemon(env);
    const again = await attach('work');
    expect(again.layout!.tabs.map((t) => t.id)).toEqual([1]);
    await again.request('pane/open', { view: { key: 'help' }, newTab: true });
    await waitFor('the file saved with two tabs', () => readFileSync(stateFile(), 'utf8').split('"lastFocusedPaneId"').length === 3);
    expect(again.toasts()).toEqual([]);
    expect(copies()).toHaveLength(1);
  });

  it("a feature this daemon does not have (a newer kubetile's) is saved back as it was, not dropped at the first save", async () => {
    writeState({
      version: 1,
      savedAt: '2026-12-06T00:00:00Z',
      sessions: [{ name: 'work', tabs: [tab(1, leaf(1), 1)], panes: [{ id: 1, view: { key: 'help' } }], lastActiveTabId: 1 }],
      features: { 'port-forwards': { forwards: [] }, 'pinned-queries': { queries: ['pods where restarts > 3'] } },
    });
    daemon = await startDaemon(env);
    const c = await attach('work');
    await c.request('pane/open', { view: { key: 'help' }, newTab: true });
    await savedWith('"id":2');
    expect(JSON.parse(readFileSync(stateFile(), 'utf8')).features['pinned-queries']).toEqual({ queries: ['pods where restarts > 3'] });
  });

  it('saved port-forwards this daemon cannot read: said, the valid ones still restored, and the file as it was is kept', async () => {
    const good = { context: 'prod', namespace: 'db', kind: 'pod', name: 'pg-0', remotePort: 5432, localPort: 0 };
    const written = writeState({
      version: 1,
      savedAt: '2026-12-06T00:00:00Z',
      sessions: [{ name: 'work', tabs: [tab(1, leaf(1), 1)], panes: [{ id: 1, view: { key: 'help' } }], lastActiveTabId: 1 }],
      features: { 'port-forwards': { forwards: [{ context: 'prod', namespace: 'db', kind: 'cronjob', name: 'nightly', remotePort: 5432, localPort: 15432 }, good] } },
    });
    daemon = await startDaemon(env);
    const c = await attach('work');
    const said = await waitFor('the forwards named', () => c.toasts().find((t) => t.startsWith('port-forwards could not be restored:')));
    expect(said).toMatch(/^port-forwards could not be restored: 1 saved port-forward is not valid and left out \(forwards\.0\.kind: [^)]*\); the other 1 are restored/);
    await waitFor('the copy named', () => c.toasts().find((t) => t.includes('the file as it was is kept at')));
    expect(copies()).toHaveLength(1);
    expect(readFileSync(join(stateDir(), copies()[0]!), 'utf8')).toBe(written);
    // The valid one came back (waiting: the kubeconfig has no context 'prod'); one bad entry took the whole list with it.
    const listed = await waitFor('the valid forward listed', async () => {
      const { forwards } = await c.request<{ forwards: Array<{ name: string; remotePort: number }> }>('portForward/list', {});
      return forwards.length > 0 ? forwards : null;
    });
    expect(listed.map((f) => `${f.name}:${f.remotePort}`)).toEqual(['pg-0:5432']);
  });

  it('a file that comes back whole is not copied', async () => {
    writeState({
      version: 1,
      savedAt: '2026-12-06T00:00:00Z',
      sessions: [{ name: 'work', tabs: [tab(1, leaf(1), 1)], panes: [{ id: 1, view: { key: 'help' } }], lastActiveTabId: 1 }],
      features: { 'port-forwards': { forwards: [] } },
    });
    daemon = await startDaemon(env);
    const c = await attach('work');
    expect(c.layout!.tabs.map((t) => t.id)).toEqual([1]);
    await c.request('pane/open', { view: { key: 'help' }, newTab: true });
    await savedWith('"id":2');
    expect(copies()).toEqual([]);
    expect(c.toasts()).toEqual([]);
  });
});

describe('a save that fails', () => {
  it('is said to the attached terminals with the file and the reason, and once it works again that is said too', async () => {
    daemon = await startDaemon(env);
    const c = await attach('work');
    await c.request('pane/open', { view: { key: 'help' }, newTab: true });
    await savedWith('"id":2');
    // The save's temporary file cannot be written (here: a directory in its place).
    const tmp = `${stateFile()}.tmp-${daemon.child.pid}`;
    mkdirSync(tmp);
    await c.request('pane/open', { view: { key: 'help' }, newTab: true });
    const told = await waitFor('the failure said', () => c.toasts().find((t) => t.startsWith('cannot save the sessions')));
    expect(told).toContain(stateFile());
    expect(told).toContain('EISDIR');
    expect(told).toContain('will not come back after the daemon stops');
    rmdirSync(tmp);
    await c.request('pane/open', { view: { key: 'help' }, newTab: true });
    await savedWith('"id":4');
    await waitFor('the recovery said', () => c.toasts().includes(`the sessions are saved again to ${stateFile()}`));
  });

  it('with no terminal attached, is said to the first that attaches; unless saving worked again before', async () => {
    daemon = await startDaemon(env);
    const script = await RawClient.connect(env.socket);
    clients.push(script);
    const tabs = (n: number) => (t: string): boolean => t.split('"lastFocusedPaneId"').length === n + 1;
    const saved = (n: number) => waitFor(`the state file saved with ${n} tabs`, () => existsSync(stateFile()) && tabs(n)(readFileSync(stateFile(), 'utf8')));
    const first = await attach('work');
    await first.request('pane/open', { view: { key: 'help' }, newTab: true });
    await saved(2);
    first.close();
    await waitFor('no terminal attached', async () => (await script.request<{ sessions: Array<{ name: string; clients: number }> }>('session/list')).sessions.every((x) => x.clients === 0));
    const tmp = `${stateFile()}.tmp-${daemon.child.pid}`;
    // Fails and works again while no one is attached: nothing to say.
    mkdirSync(tmp);
    await script.request('tab/new', { session: 'work' });
    await waitFor('the failed save logged', () => readFileSync(join(stateDir(), 'kubetiled.log'), 'utf8').includes('cannot save the sessions'));
    rmdirSync(tmp);
    await script.request('tab/new', { session: 'work' });
    await saved(4);
    const quiet = await attach('work');
    await quiet.request('pane/open', { view: { key: 'help' }, newTab: true });
    await saved(5);
    expect(quiet.toasts()).toEqual([]);
    quiet.close();
    await waitFor('no terminal attached', async () => (await script.request<{ sessions: Array<{ name: string; clients: number }> }>('session/list')).sessions.every((x) => x.clients === 0));
    // Fails while no one is attached: the next terminal to attach hears it.
    mkdirSync(tmp);
    await script.request('tab/new', { session: 'work' });
    await waitFor('the failed save logged twice', () => readFileSync(join(stateDir(), 'kubetiled.log'), 'utf8').split('cannot save the sessions').length === 3);
    const later = await attach('work');
    const told = await waitFor('the failure said', () => later.toasts().find((t) => t.startsWith('cannot save the sessions')));
    expect(told).toContain(stateFile());
  });
});
