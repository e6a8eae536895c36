import { afterEach, beforeEach } from 'vitest';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from './daemon-process.js';
import { RawClient } from './rpc-client.js';

/** A test's own temp home whose config directory exists (the test writes its config first), and a daemon it starts. */
export interface ConfigDaemon {
  readonly env: TestEnv;
  /** The daemon `start` started. */
  readonly daemon: DaemonProcess;
  /** `kubetiled run` in the test's home, once its socket accepts, and a raw client connected to it. */
  start(): Promise<RawClient>;
}

/** Registers the set-up (a fresh home before each test) and the teardown (client, daemon, home after it). */
export function useConfigDaemon(): ConfigDaemon {
  let env: TestEnv | null = null;
  let daemon: DaemonProcess | null = null;
  let client: RawClient | null = null;
  beforeEach(() => {
    env = makeTestEnv();
    mkdirSync(dirname(env.configFile), { recursive: true });
  });
  afterEach(async () => {
    client?.close();
    client = null;
    await daemon?.stop();
    daemon = null;
    env?.cleanup();
    env = null;
  });
  return {
    get env() {
      if (!env) throw new Error('no test home: useConfigDaemon() makes one before each test');
      return env;
    },
    get daemon() {
      if (!daemon) throw new Error('no daemon started in this test');
      return daemon;
    },
    async start() {
      daemon = await startDaemon(this.env);
      client = await RawClient.connect(this.env.socket);
      return client;
    },
  };
}
