import { Requests, resolveSocketPath } from '@kubetile/rpc-schema';
import { DaemonClient, DaemonUnreachableError, RpcError } from '../connection/daemon-client.js';
import type { Io } from './io.js';

/** Prints a failure of a daemon call and returns the exit code (1). */
export function reportError(io: Io, e: unknown): number {
  if (e instanceof RpcError) io.err(`error ${e.code}: ${e.message}\n`);
  else if (e instanceof DaemonUnreachableError) io.err(`kubetile: ${e.message}; start one with 'kubetile daemon start'\n`);
  else io.err(`kubetile: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}

/** `kubetile rpc <method> [json-params]`: the result as pretty JSON on stdout. */
export async function runRpc(io: Io, socketFlag: string | undefined, method: string, params: Record<string, unknown>): Promise<number> {
  const socket = resolveSocketPath(socketFlag, io.env);
  let client: DaemonClient | null = null;
  try {
    client = await DaemonClient.connect(socket, { clientName: 'kubetile-rpc', env: io.env });
    const result = await client.call(method, params);
    io.out(`${JSON.stringify(result ?? null, null, 2)}\n`);
    return 0;
  } catch (e) {
    return reportError(io, e);
  } finally {
    client?.close();
  }
}

/** `kubetile rpc --list`: every method from rpc/discover, one per line. */
export async function runRpcList(io: Io, socketFlag: string | undefined): Promise<number> {
  const socket = resolveSocketPath(socketFlag, io.env);
  let client: DaemonClient | null = null;
  try {
    client = await DaemonClient.connect(socket, { clientName: 'kubetile-rpc', env: io.env });
    const api = await client.request(Requests.discover, {});
    const w = Math.max(...api.methods.map((m) => m.name.length), 6);
    for (const m of api.methods) {
      io.out(`${m.name.padEnd(w)}  ${m.kind.padEnd(12)}  since ${m.since}  ${m.description}\n`);
    }
    return 0;
  } catch (e) {
    return reportError(io, e);
  } finally {
    client?.close();
  }
}
