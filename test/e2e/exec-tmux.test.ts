import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { TmuxTerminal, tmuxMissing } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';
import { pod } from '../../packages/daemon/test/exec/harness.js';

/**
 * Exec end to end with the real `kubetile` client in a real terminal (tmux): `e` on a pod opens a
 * shell, a typed command's output is painted (colours too), Esc reaches the shell, `exit` shows the
 * code and a key closes the pane.
 */

const e2e = useTmuxE2e();

/** The screen with its colours (SGR sequences as tmux keeps them). */
const colouredScreen = (t: TmuxTerminal): string => execFileSync('tmux', ['-L', t.server, 'capture-pane', '-p', '-e', '-t', t.target], { env: e2e.env.env, encoding: 'utf8' });

describe.skipIf(tmuxMissing)('exec in a real terminal (tmux)', () => {
  it('e on a pod, type a command, see its output painted, Esc reaches the shell, exit', async () => {
    const sim = await e2e.startSim();
    sim.createObject(pod('web-7', 'default'));
    await e2e.startDaemon();
    const term = e2e.terminal([], { cols: 120, rows: 36 });
    await term.waitScreen('the pod listed', (s) => /web-7\s+1\/1\s+Running/.test(s) || /web-7\s+\S+\s+Running/.test(s));

    term.keys('e');
    await term.waitScreen('the shell prompt in an exec pane, insert mode', (s) => s.includes('exec default/web-7 (main)') && s.includes('root@web-7:/#') && s.includes('INSERT'));

    term.text('echo hello from tmux');
    term.keys('Enter');
    await term.waitScreen('the output painted', (s) => s.split('\n').some((row) => /│hello from tmux\s*│|┃hello from tmux\s*┃/.test(row)));

    term.text("echo -e '\\e[31mred-word\\e[0m'");
    term.keys('Enter');
    await term.waitScreen('coloured output', (s) => s.split('\n').some((row) => /[│┃]red-word\s/.test(row)));
    // The cell colour crossed the socket and was drawn with the terminal's own red.
    expect(colouredScreen(term)).toMatch(/\x1b\[31m(\x1b\[[0-9;]*m)*red-word/);

    term.keys('Escape');
    term.text('q');
    await term.waitScreen('Esc echoed by the shell, still in insert mode', (s) => s.includes('root@web-7:/# ^[q') && s.includes('INSERT'));
    term.keys('BSpace', 'BSpace');

    term.text('exit 7');
    term.keys('Enter');
    await term.waitScreen('the exit code', (s) => s.includes('[exited with code 7]'));
    term.keys('x');
    const after = await term.waitScreen('the exec pane closed', (s) => !s.includes('exec default/web-7'));
    expect(after).toContain('NORMAL');
    expect(after).toMatch(/web-7/); // back on the pods list
  });
});
