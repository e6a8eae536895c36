import { PRODUCT_VERSION, resolveSocketPath } from '@kubetile/rpc-schema';
import { probe } from '../connection/launcher.js';
import type { Io } from './io.js';

/** `kubetile --version`: this client's version, and the daemon's when one answers on the socket. */
export async function runVersion(io: Io, socketFlag: string | undefined): Promise<number> {
  io.out(`kubetile ${PRODUCT_VERSION}\n`);
  const socket = resolveSocketPath(socketFlag, io.env);
  try {
    const hello = await probe(socket, 1500, io.env);
    if (!hello) io.out(`daemon: none answers on ${socket}\n`);
    else {
      const same = hello.server.version === PRODUCT_VERSION;
      io.out(`daemon: ${hello.server.name} ${hello.server.version} (pid ${hello.server.pid}, API level ${hello.apiLevel}) on ${socket}${same ? '' : ' — not this client\'s version: `kubetile kill-server` and start it again to upgrade'}\n`);
    }
  } catch (e) {
    io.out(`daemon: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  return 0;
}
