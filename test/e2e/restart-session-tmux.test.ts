import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_MAIN, waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { tmuxMissing } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';
import { pod, waitScreen } from '../../packages/daemon/test/exec/harness.js';

/**
 * After a kill -9 of the daemon, a person types `kubetile --session work` in a terminal: the command
 * starts a fresh daemon (none answers), which restores the saved session, and the terminal shows
 * that session's layout; its exec pane says "session ended — press enter to reconnect", and enter
 * there opens a new shell in the same pod.
 */

// The daemon `kubetile --session` started is not a child of this test: stopped through the CLI if it answers.
const e2e = useTmuxE2e({ killServer: 'if-answering' });

describe.skipIf(tmuxMissing)('kubetile --session NAME after the daemon died', () => {
  it('a fresh daemon started by the command finds the session; its exec pane says session ended, enter reconnects', async () => {
    const sim = await e2e.startSim();
    sim.createObject(pod('web-7', 'default'));
    const daemon = await e2e.startDaemon();

    // A session "work" with a help tab and an exec pane on web-7 in a second tab.
    const c = await RawClient.connect(e2e.env.socket);
    try {
      await c.attach({ cols: 120, rows: 36 }, 'work');
      await c.request('pane/open', { view: { key: 'help' }, newTab: true });
      const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'exec', args: { namespace: 'default', pod: 'web-7' } }, newTab: true });
      await waitScreen(c, paneId, 'the shell runs', (rows) => rows.some((r) => r.startsWith('root@web-7:/#')), 60_000);
    } finally {
      c.close();
    }
    const stateFile = join(e2e.env.dir, 'state', 'kubetile', 'sessions.json');
    await waitFor('the session saved with its exec pane', () => existsSync(stateFile) && /"work"/.test(readFileSync(stateFile, 'utf8')) && /"exec"/.test(readFileSync(stateFile, 'utf8')));

    daemon.child.kill('SIGKILL');
    await daemon.exited;

    // No daemon answers: `kubetile --session work` starts one, which brings the session back.
    const term = e2e.terminal(['--session', 'work'], { cols: 120, rows: 36 });
    const screen = await term.waitScreen('the restored exec pane, in the restored session', (s) => s.includes('session ended — press enter to reconnect') && s.includes('exec default/web-7'), 60_000);
    // Three tabs came back (the first, help and exec), not a new session's single one.
    expect(screen).toMatch(/Help/);
    const script = await RawClient.connect(e2e.env.socket);
    try {
      const sessions = await script.request<{ sessions: Array<{ name: string; tabs: number }> }>('session/list');
      expect(sessions.sessions.find((s) => s.name === 'work')).toMatchObject({ tabs: 3 });
    } finally {
      script.close();
    }

    // One enter: insert mode, and the shell reconnects.
    term.keys('Enter');
    await term.waitScreen('a new shell in the same pod', (s) => s.includes('INSERT') && s.includes('root@web-7:/#') && !s.includes('session ended'), 60_000);
    term.text('echo back-again');
    term.keys('Enter');
    await term.waitScreen('the new shell runs commands', (s) => s.split('\n').some((row) => /[│┃]back-again\s*[│┃]/.test(row)));
  }, 180_000);

  it('kubetile daemon restart: an attached terminal stays, reconnects to the new daemon and shows the same layout', async () => {
    await e2e.startSim();
    const daemon = await e2e.startDaemon();
    const oldPid = daemon.child.pid;

    const term = e2e.terminal(['--session', 'work'], { cols: 120, rows: 36 });
    await term.waitScreen('the client attached', (s) => s.includes('NORMAL'));
    const c = await RawClient.connect(e2e.env.socket);
    try {
      await c.attach({ cols: 100, rows: 30 }, 'work');
      await c.request('pane/open', { view: { key: 'help' }, newTab: true });
    } finally {
      c.close();
    }
    await term.waitScreen('the help tab shown', (s) => s.includes('Navigation') || /Help/.test(s));

    const out = execFileSync(process.execPath, [CLIENT_MAIN, 'daemon', 'restart', '--socket', e2e.env.socket], { env: e2e.env.env, timeout: 60_000 }).toString();
    expect(out).toMatch(/restarted \(pid \d+ → \d+\)/);
    await daemon.exited;

    // The terminal did not leave: it reattached to the new daemon, which restored the session.
    const script = await RawClient.connect(e2e.env.socket);
    try {
      await waitFor('the terminal attached again', async () => {
        const s = await script.request<{ sessions: Array<{ name: string; tabs: number; clients: number }> }>('session/list');
        return s.sessions.some((x) => x.name === 'work' && x.clients === 1 && x.tabs === 2);
      }, 60_000);
      const st = await script.request<{ pid: number }>('daemon/status');
      expect(st.pid).not.toBe(oldPid);
    } finally {
      script.close();
    }
    const screen = await term.waitScreen('the same layout on the new daemon', (s) => /Help/.test(s) && s.includes('NORMAL') && !s.includes('reconnecting') && !s.includes('kubetile exited'));
    expect(screen).not.toMatch(/kubetile exited/);
    // And it takes keys: ctrl+t opens a third tab, on the new daemon.
    term.keys('C-t');
    await term.waitScreen('a third tab', (s) => s.includes('[3]') && !s.includes('kubetile exited'));
  }, 180_000);
});
