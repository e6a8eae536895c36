import { API_LEVEL, PRODUCT_VERSION, resolveSocketPath } from '@kubetile/rpc-schema';
import { probe } from '../connection/launcher.js';
import type { Io } from './io.js';

/** `kubetile --version`: this client's version, and the daemon's when one answers on the socket. */
export async function runVersion(io: Io, socketFlag: string | undefined, json = false): Promise<number> {
  const socket = resolveSocketPath(socketFlag, io.env);
  let daemon: { version: string; pid: number; apiLevel: number } | { error: string } | null = null;
  try {
    const hello = await probe(socket, 1500, io.env);
    if (hello) daemon = { version: hello.server.version, pid: hello.server.pid, apiLevel: hello.apiLevel };
  } catch (e) {
    daemon = { error: e instanceof Error ? e.message : String(e) };
  }
  if (json) {
    io.out(`${JSON.stringify({ client: { version: PRODUCT_VERSION, apiLevel: API_LEVEL }, socket, daemon })}\n`);
    return 0;
  }
  io.out(`kubetile ${PRODUCT_VERSION}\n`);
  if (daemon === null) io.out(`daemon: none answers on ${socket}\n`);
  else if ('error' in daemon) io.out(`daemon: ${daemon.error}\n`);
  else {
    const same = daemon.version === PRODUCT_VERSION;
    io.out(`daemon: kubetile ${daemon.version} (pid ${daemon.pid}, API level ${daemon.apiLevel}) on ${socket}${same ? '' : " — not this client's version: 'kubetile daemon restart' runs this one"}\n`);
  }
  return 0;
}
