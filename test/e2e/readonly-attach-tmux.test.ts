import { describe, expect, it } from 'vitest';
import { tmuxMissing } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';

const e2e = useTmuxE2e();

// `--readonly` cannot change a daemon that already runs: attaching to a writable one as if the
// flag held would let the writes the user asked to refuse through.
describe.skipIf(tmuxMissing)('kubetile --readonly with a daemon already running (tmux)', () => {
  it('refuses a writable daemon with a message naming the socket and what to do', async () => {
    await e2e.startDaemon(['--demo']);
    const term = e2e.terminal(['--readonly'], { cols: 200, rows: 20 });
    const screen = await term.waitScreen('refusal printed', (s) => s.includes('[kubetile exited'));
    expect(screen.replace(/\n/g, '')).toContain(`a daemon already runs on ${e2e.env.socket} and it is not read-only`);
    expect(screen).toContain('[kubetile exited 1]');
  });

  it('attaches to a daemon that is read-only', async () => {
    await e2e.startDaemon(['--demo', '--readonly']);
    const term = e2e.terminal(['--readonly'], { cols: 140, rows: 40 });
    await term.waitScreen('pods listed', (s) => s.includes('Pods (') && s.includes('Running'), 60_000);
  });
});
