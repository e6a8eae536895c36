import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { TmuxTerminal, tmuxMissing } from '../helpers/tmux.js';

let env: TestEnv;
let daemon: DaemonProcess | null = null;
let term: TmuxTerminal | null = null;

beforeEach(() => {
  env = makeTestEnv();
});
afterEach(async () => {
  term?.kill();
  term = null;
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

// `--readonly` cannot change a daemon that already runs: attaching to a writable one as if the
// flag held would let the writes the user asked to refuse through.
describe.skipIf(tmuxMissing)('kubetile --readonly with a daemon already running (tmux)', () => {
  it('refuses a writable daemon with a message naming the socket and what to do', async () => {
    daemon = await startDaemon(env, ['--demo']);
    term = TmuxTerminal.start(env, ['--readonly'], { cols: 200, rows: 20 });
    const screen = await term.waitScreen('refusal printed', (s) => s.includes('[kubetile exited'));
    expect(screen.replace(/\n/g, '')).toContain(`a daemon already runs on ${env.socket} and it is not read-only`);
    expect(screen).toContain('[kubetile exited 1]');
  });

  it('attaches to a daemon that is read-only', async () => {
    daemon = await startDaemon(env, ['--demo', '--readonly']);
    term = TmuxTerminal.start(env, ['--readonly'], { cols: 140, rows: 40 });
    await term.waitScreen('pods listed', (s) => s.includes('Pods (') && s.includes('Running'), 60_000);
  });
});
