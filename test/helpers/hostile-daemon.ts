import { afterEach } from 'vitest';
import { join } from 'node:path';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from './daemon-process.js';
import { startHostileApiServer, writeHostileKubeconfig, type HostileApiServer } from './hostile-api-server.js';
import { RawClient } from './rpc-client.js';

/** A daemon on a raw HTTP "API server" a test sets up, with an attached client. */
export interface HostileDaemon {
  env: TestEnv;
  api: HostileApiServer;
  daemon: DaemonProcess;
  client: RawClient;
}

/**
 * For a test file: `boot(routes)` starts a hostile API server answered by `routes` (hostile-api-server.ts),
 * a home whose kubeconfig points at it, a daemon and a client attached at 200×40; all of it is torn down
 * after each test (the client, the daemon, the server, the home, in that order).
 */
export function useHostileDaemon(): (routes: (api: HostileApiServer) => void) => Promise<HostileDaemon> {
  let env: TestEnv | undefined;
  let api: HostileApiServer | undefined;
  let daemon: DaemonProcess | undefined;
  let client: RawClient | undefined;
  afterEach(async () => {
    client?.close();
    client = undefined;
    await daemon?.stop();
    daemon = undefined;
    await api?.close();
    api = undefined;
    env?.cleanup();
    env = undefined;
  });
  return async (routes) => {
    env = makeTestEnv();
    api = await startHostileApiServer();
    routes(api);
    env.env.KUBECONFIG = writeHostileKubeconfig(join(env.dir, 'kubeconfig'), api);
    daemon = await startDaemon(env);
    client = await RawClient.connect(env.socket);
    await client.attach({ cols: 200, rows: 40 });
    return { env, api, daemon, client };
  };
}
