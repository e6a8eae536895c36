import { execFileSync, spawnSync } from 'node:child_process';
import { CLIENT_MAIN, waitFor, type TestEnv } from './daemon-process.js';

/** tmux is how a person's terminal is played in end-to-end tests; without it they skip. */
export const tmuxMissing: string | false = spawnSync('tmux', ['-V']).status === 0 ? false : 'tmux is not installed (apt-get install tmux); skipping terminal end-to-end tests';

let counter = 0;

/** One private tmux server (its own -L socket) running kubetile in a fixed-size window. */
export class TmuxTerminal {
  readonly server = `kt-e2e-${process.pid}-${++counter}`;
  readonly target = 'main';

  private constructor(readonly env: TestEnv) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.server, ...args], { env: this.env.env, encoding: 'utf8' });
  }

  /** Starts `kubetile <args>` in a new tmux session of the given size. */
  static start(env: TestEnv, args: string[] = [], size = { cols: 120, rows: 36 }): TmuxTerminal {
    const t = new TmuxTerminal(env);
    const cmd = [process.execPath, CLIENT_MAIN, '--socket', env.socket, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    t.tmux('-f', '/dev/null', 'new-session', '-d', '-s', t.target, '-x', String(size.cols), '-y', String(size.rows), `TERM=xterm-256color ${cmd}; echo "[kubetile exited $?]"; sleep 600`);
    t.tmux('set-option', '-t', t.target, 'remain-on-exit', 'on');
    return t;
  }

  /** Runs another command in the same window (e.g. kubetile again after a detach). */
  run(args: string[]): void {
    const cmd = [process.execPath, CLIENT_MAIN, '--socket', this.env.socket, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    this.tmux('respawn-pane', '-k', '-t', this.target, `TERM=xterm-256color ${cmd}; echo "[kubetile exited $?]"; sleep 600`);
  }

  /** Sends keys as tmux names them: `M-v` (alt+v), `C-q`, `Enter`, `Escape`, or literal text with `literal`. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.target, ...keys);
  }

  /** Types `s` as it is (`--` ends tmux's options: text may start with a dash, like `-l app=web`). */
  text(s: string): void {
    this.tmux('send-keys', '-t', this.target, '-l', '--', s);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.target);
  }

  /**
   * Waits until the screen shows what `pred` wants, the same in two captures in a row; the error shows
   * the last screen. A frame reaches tmux in more than one read when it is big (the pty passes a few
   * KiB at a time, and tmux 3.3 does not hold a synchronized update back from capture-pane), so one
   * capture can hold the top of the new frame over the bottom of the old: a screen that matches but is
   * still being painted is not what the user is left looking at.
   */
  async waitScreen(label: string, pred: (screen: string) => boolean, timeoutMs = 20_000): Promise<string> {
    let last = '';
    let matched: string | null = null;
    try {
      return await waitFor(label, () => {
        last = this.screen();
        if (!pred(last)) {
          matched = null;
          return null;
        }
        if (matched === last) return last;
        matched = last;
        return null;
      }, timeoutMs, 50);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- screen ---\n${last}\n--------------`);
    }
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.server, 'kill-server'], { env: this.env.env });
  }
}
