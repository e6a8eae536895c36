import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * The state directory removed while the daemon runs (`rm -rf ~/.local/state/kubetile` to clear the
 * logs, a cleaner): the next save makes it again. Every save failed after it ("cannot save the
 * sessions", once, in a log that was gone too), and the next daemon brought no session back.
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
const saved = (what: string, pred: (text: string) => boolean): Promise<boolean> =>
  waitFor(`the state file written with ${what}`, () => existsSync(stateFile()) && pred(readFileSync(stateFile(), 'utf8')));
const tabsSaved = (n: number) => (t: string): boolean => (t.match(/"lastFocusedPaneId"/g) ?? []).length === n;

describe('the state directory removed under a running daemon', () => {
  it('is made again by the next save, and the sessions come back after a restart', async () => {
    daemon = await startDaemon(env);
    const a = await RawClient.connect(env.socket);
    clients.push(a);
    await a.attach(undefined, 'work');
    await a.request('pane/open', { view: { key: 'help' }, newTab: true });
    await saved('two tabs', (t) => t.includes('"name":"work"') && tabsSaved(2)(t));

    rmSync(stateDir(), { recursive: true, force: true });
    await a.request('pane/open', { view: { key: 'help' }, newTab: true });
    await saved('three tabs', (t) => t.includes('"name":"work"') && tabsSaved(3)(t));

    for (const c of clients.splice(0)) c.close();
    await daemon.stop();
    daemon = await startDaemon(env);
    const b = await RawClient.connect(env.socket);
    clients.push(b);
    const sessions = (await b.request<{ sessions: Array<{ name: string; tabs: number }> }>('session/list')).sessions;
    expect(sessions.map((s) => ({ name: s.name, tabs: s.tabs }))).toEqual([{ name: 'work', tabs: 3 }]);
  }, 60_000);
});
