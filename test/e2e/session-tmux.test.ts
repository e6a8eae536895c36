import { describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rpc-client.js';
import { TmuxTerminal, tmuxMissing } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';

const e2e = useTmuxE2e();

/** Count of pane title rows: each pane's top border carries its title. */
const count = (screen: string, word: string): number => screen.split(word).length - 1;

describe.skipIf(tmuxMissing)('kubetile in a real terminal (tmux)', () => {
  it('splits with alt+v, detaches with ctrl+q, and finds the layout again on re-attach', async () => {
    await e2e.startDaemon();
    const term = e2e.terminal();
    // The first tab shows a pods list; with no kubeconfig it says so instead of a frozen list.
    const first = await term.waitScreen('kubetile drawn', (s) => s.includes('No cluster connection') && s.includes('NORMAL'));
    expect(first).toContain('Pods');
    expect(count(first, 'Empty pane — press')).toBe(0);
    term.keys('M-v');
    const split = await term.waitScreen('two panes side by side', (s) => count(s, 'Empty pane — press') === 1);
    // side by side: both panes' texts sit on the same row
    expect(split.split('\n').some((row) => row.includes('No cluster') && row.includes('Empty pane'))).toBe(true);
    term.keys('F1');
    await term.waitScreen('help pane', (s) => s.includes('Help') && s.includes('Global') && s.includes('Ctrl+Q'));
    term.keys('C-q');
    await term.waitScreen('client exited', (s) => s.includes('[kubetile exited 0]'));
    // The daemon kept the layout: three panes in the session.
    const script = await RawClient.connect(e2e.env.socket);
    const panes = await script.request<{ panes: Array<{ key: string }> }>('pane/list');
    expect(panes.panes.map((p) => p.key).sort()).toEqual(['empty', 'help', 'resource-list']);
    script.close();
    term.run([]);
    const again = await term.waitScreen('re-attached with the same layout', (s) => count(s, 'Empty pane') === 1 && s.includes('No cluster') && s.includes('Global') && s.includes('Ctrl+Q'));
    expect(again).toContain('Help');
  });

  it('a keystroke in one terminal shows up in another attached to the same session', async () => {
    await e2e.startDaemon();
    const term = e2e.terminal();
    const other = TmuxTerminal.start(e2e.env, [], { cols: 100, rows: 30 });
    try {
      await term.waitScreen('A drawn', (s) => s.includes('No cluster'));
      await other.waitScreen('B drawn', (s) => s.includes('No cluster'));
      term.keys('M-h');
      await other.waitScreen('split seen in B', (s) => count(s, 'Empty pane — press') === 1);
      // ... while B keeps its own mode: A enters filter mode, B stays NORMAL
      term.keys('/');
      await term.waitScreen('A in filter mode', (s) => s.includes('FILTER'));
      expect(other.screen()).toContain('NORMAL');
    } finally {
      other.kill();
    }
  });

  it('kubetile kill-server ends the attached client like tmux does', async () => {
    const daemon = await e2e.startDaemon();
    const term = e2e.terminal();
    await term.waitScreen('drawn', (s) => s.includes('No cluster'));
    const { execFileSync } = await import('node:child_process');
    const { CLIENT_MAIN } = await import('../helpers/daemon-process.js');
    const out = execFileSync(process.execPath, [CLIENT_MAIN, 'kill-server', '--socket', e2e.env.socket], { env: e2e.env.env, encoding: 'utf8' });
    expect(out).toMatch(/daemon stopped/);
    await term.waitScreen('client told and gone', (s) => s.includes('server exited') && s.includes('[kubetile exited 0]'));
    expect(await daemon.exited).toBe(0);
  });
});
