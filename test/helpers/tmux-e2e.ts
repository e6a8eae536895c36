import { afterEach, beforeEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import type { KubeSim, KubeSimOptions } from '@kubetile/kube-sim';
import { CLIENT_MAIN, makeTestEnv, socketAccepts, startDaemon, type DaemonProcess, type TestEnv } from './daemon-process.js';
import { startSimFor } from './sim-daemon.js';
import { TmuxTerminal } from './tmux.js';

export interface TmuxE2eOptions {
  /**
   * The client starts a daemon itself (`--demo`, `--session`), which is not a child of the test: stop it
   * at teardown with `kubetile kill-server`. 'always' runs it whatever happened; 'if-answering' only
   * when the socket still accepts.
   */
  killServer?: 'always' | 'if-answering';
  /** Runs right after the temp home is made, before each test (e.g. to write a config file). */
  setup?: (env: TestEnv) => void;
}

/** What one tmux end-to-end test uses; everything it starts is stopped after the test. */
export interface TmuxE2e {
  /** The current test's temp home (a fresh one per test). */
  readonly env: TestEnv;
  /** kube-sim (seed `empty` unless told) writing its kubeconfig into the temp home, which the env then points at. */
  startSim(opts?: Partial<KubeSimOptions>): Promise<KubeSim>;
  /** `kubetiled run` as a real process, once its socket accepts. */
  startDaemon(args?: string[]): Promise<DaemonProcess>;
  /** `kubetile <args>` in a private tmux server. */
  terminal(args?: string[], size?: { cols: number; rows: number }): TmuxTerminal;
}

/**
 * Registers the per-test setup (a temp home) and teardown (terminals killed, daemon stopped, the
 * client-started daemon stopped if asked, kube-sim stopped, temp home removed — in that order).
 */
export function useTmuxE2e(opts: TmuxE2eOptions = {}): TmuxE2e {
  let env: TestEnv | null = null;
  let sim: KubeSim | null = null;
  let daemon: DaemonProcess | null = null;
  const terms: TmuxTerminal[] = [];
  const current = (): TestEnv => {
    if (!env) throw new Error('tmux e2e fixture used outside a test');
    return env;
  };

  beforeEach(() => {
    env = makeTestEnv();
    opts.setup?.(env);
  });
  afterEach(async () => {
    for (const t of terms.splice(0)) t.kill();
    await daemon?.stop();
    daemon = null;
    const e = current();
    if (opts.killServer === 'always' || (opts.killServer === 'if-answering' && (await socketAccepts(e.socket)))) {
      spawnSync(process.execPath, [CLIENT_MAIN, 'kill-server', '--socket', e.socket], { env: e.env, timeout: 30_000 });
    }
    await sim?.stop();
    sim = null;
    e.cleanup();
    env = null;
  });

  return {
    get env() {
      return current();
    },
    async startSim(simOpts = {}) {
      sim = await startSimFor(current(), simOpts);
      return sim;
    },
    async startDaemon(args = []) {
      daemon = await startDaemon(current(), args);
      return daemon;
    },
    terminal(args = [], size) {
      const t = TmuxTerminal.start(current(), args, size);
      terms.push(t);
      return t;
    },
  };
}
