import { Requests, resolveSocketPath } from '@kubetile/rpc-schema';
import { ConnectionLostError, DaemonClient, DaemonUnreachableError, RpcError } from '../connection/daemon-client.js';
import { type Size, UsageError } from './args.js';
import { type Io } from './io.js';
import { onInterrupt } from './interrupt.js';
import { shortMessage } from './short-message.js';

/** JSON-RPC's (LSP's) code for a request the server stopped because the client cancelled it. */
export const REQUEST_CANCELLED = -32800;

/** Exit status after Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Prints a failure of a daemon call and returns the exit code (1; 2 for a usage error). */
export function reportError(io: Io, e: unknown): number {
  const msg = shortMessage(e instanceof Error ? e.message : String(e));
  if (e instanceof UsageError) {
    io.err(`kubetile: ${msg}\n`);
    return 2;
  }
  if (e instanceof RpcError) io.err(`error ${e.code}: ${msg}\n`);
  else if (e instanceof DaemonUnreachableError) io.err(`kubetile: ${msg}${e.nobodyListens ? "; start one with 'kubetile daemon start'" : ''}\n`);
  else io.err(`kubetile: ${msg}\n`);
  return 1;
}

/** Connects as a scripting client (hello done). */
export function connectScript(io: Io, socketFlag: string | undefined, name: string): Promise<DaemonClient> {
  return DaemonClient.connect(resolveSocketPath(socketFlag, io.env), { clientName: name, env: io.env });
}

/**
 * Connects as a scripting client named `name`, runs `fn` with it and closes the connection however
 * it ends. A failure is printed and gives the exit code (reportError).
 */
export async function withScriptClient(io: Io, socketFlag: string | undefined, name: string, fn: (client: DaemonClient) => Promise<number>): Promise<number> {
  let client: DaemonClient | null = null;
  try {
    client = await connectScript(io, socketFlag, name);
    return await fn(client);
  } catch (e) {
    return reportError(io, e);
  } finally {
    client?.close();
  }
}

/** How long Ctrl-C waits for the daemon to confirm a cancelled request before leaving anyway. */
const CANCEL_GRACE_MS = 2000;

/**
 * Runs one call; Ctrl-C (or SIGTERM) sends `$/cancelRequest` for it, waits a moment for the daemon's
 * answer and reports the interruption (exit 130).
 */
export async function callInterruptibly(
  io: Io,
  client: DaemonClient,
  method: string,
  params: Record<string, unknown>,
): Promise<{ ok: true; result: unknown } | { ok: false; code: number }> {
  const abort = new AbortController();
  const stop = onInterrupt(() => abort.abort());
  // Why the daemon went away, when it said so (daemon/exit) before the connection closed.
  let exitReason: string | null = null;
  const stopExit = client.on('exit', (p) => (exitReason = p.reason));
  try {
    const call = client.call(method, params, abort.signal);
    const interrupted = new Promise<'interrupted'>((r) => abort.signal.addEventListener('abort', () => r('interrupted'), { once: true }));
    const first = await Promise.race([call.then((result) => ({ result })), interrupted]);
    if (first !== 'interrupted') return { ok: true, result: first.result };
    const answer = await Promise.race([
      call.then(
        () => 'finished' as const,
        (e: unknown) => (e instanceof RpcError && e.code === REQUEST_CANCELLED ? ('cancelled' as const) : ('failed' as const)),
      ),
      new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), CANCEL_GRACE_MS)),
    ]);
    io.err(
      `kubetile: interrupted; ${answer === 'cancelled' ? `the daemon cancelled ${method}` : answer === 'finished' ? `${method} had already finished` : `asked the daemon to cancel ${method}`}\n`,
    );
    return { ok: false, code: EXIT_INTERRUPTED };
  } catch (e) {
    if (e instanceof ConnectionLostError) {
      // Which call was left without an answer, and why when the daemon said.
      const why = exitReason !== null ? `the daemon exited (${shortMessage(exitReason)})` : 'the connection to the daemon was lost (the daemon stopped or crashed)';
      io.err(`kubetile: ${method} got no answer: ${why}\n`);
      return { ok: false, code: 1 };
    }
    return { ok: false, code: reportError(io, e) };
  } finally {
    stop();
    stopExit();
  }
}

export interface RpcCommand {
  socket?: string;
  method: string;
  params: Record<string, unknown>;
  watch?: string[];
  session?: string;
  pane?: number;
  size?: Size;
}

/** `kubetile rpc <method> [json-params]`: the result as pretty JSON on stdout; with --watch, a stream. */
export async function runRpc(io: Io, cmd: RpcCommand): Promise<number> {
  if (cmd.watch && cmd.watch.length > 0) {
    const { runWatch } = await import('./watch-command.js');
    return runWatch(io, { ...cmd, watch: cmd.watch });
  }
  return withScriptClient(io, cmd.socket, 'kubetile-rpc', async (client) => {
    const r = await callInterruptibly(io, client, cmd.method, cmd.params);
    if (!r.ok) return r.code;
    io.out(`${JSON.stringify(r.result ?? null, null, 2)}\n`);
    return 0;
  });
}

/** `kubetile rpc --list`: every method from rpc/discover, one per line (or the whole answer with --json). */
export async function runRpcList(io: Io, socketFlag: string | undefined, json = false): Promise<number> {
  return withScriptClient(io, socketFlag, 'kubetile-rpc', async (client) => {
    const api = await client.request(Requests.discover, {});
    if (json) {
      io.out(`${JSON.stringify(api.methods.map((m) => ({ name: m.name, kind: m.kind, since: m.since, description: m.description })), null, 2)}\n`);
      return 0;
    }
    const w = Math.max(...api.methods.map((m) => m.name.length), 6);
    for (const m of api.methods) {
      io.out(`${m.name.padEnd(w)}  ${m.kind.padEnd(12)}  since ${m.since}  ${m.description}\n`);
    }
    return 0;
  });
}
