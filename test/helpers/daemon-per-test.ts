import { afterEach } from 'vitest';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from './daemon-process.js';

/** A daemon of the test's own, started by the test with the env vars it wants. */
export interface DaemonPerTest {
  /** The temp home of the current test's daemon. */
  readonly env: TestEnv;
  readonly daemon: DaemonProcess;
  /** A fresh temp home with `vars` set, and `kubetiled run` in it once its socket accepts. */
  start(vars?: Record<string, string>): Promise<DaemonProcess>;
}

/** Registers the teardown: after each test its daemon is stopped and its temp home removed. */
export function useDaemonPerTest(): DaemonPerTest {
  let env: TestEnv | null = null;
  let daemon: DaemonProcess | null = null;
  afterEach(async () => {
    await daemon?.stop();
    daemon = null;
    env?.cleanup();
    env = null;
  });
  return {
    get env() {
      if (!env) throw new Error('no daemon started in this test');
      return env;
    },
    get daemon() {
      if (!daemon) throw new Error('no daemon started in this test');
      return daemon;
    },
    async start(vars = {}) {
      env = makeTestEnv();
      Object.assign(env.env, vars);
      daemon = await startDaemon(env);
      return daemon;
    },
  };
}
