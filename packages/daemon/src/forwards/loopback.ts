import { createServer, type Server } from 'node:net';
import { hostPort } from '@kubetile/rpc-schema';

/** The IPv4 loopback: every forward listens on it (and on ::1 where the machine has IPv6). */
export const LOOPBACK = '127.0.0.1';
/** The IPv6 loopback, where clients that resolve `localhost` to ::1 first connect (Node ≥ 17, Java, browsers). */
export const LOOPBACK6 = '::1';
/** kubectl's `--address localhost`: both loopbacks, on the same port, IPv4 first. */
export const LOOPBACKS: readonly string[] = [LOOPBACK, LOOPBACK6];

/** `127.0.0.1:80, [::1]:80`: where a forward listens (the IPv4 loopback alone when `addresses` is empty). */
export const hostPorts = (addresses: readonly string[], port: number): string => (addresses.length > 0 ? addresses : [LOOPBACK]).map((a) => hostPort(a, port)).join(', ');

/** The machine has no such address or family (IPv6 turned off, in the kernel or on `lo`): skipped quietly. */
const NO_SUCH_ADDRESS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

/** Automatic ports tried before one is taken that another program holds on one loopback. */
const AUTO_PORT_TRIES = 8;

/** One listener of a forward: the address and its server. */
export interface LoopbackListener {
  address: string;
  server: Server;
}

/** What `listenLoopback` bound: one listener per loopback it could (IPv4 first), all on `port`. */
export interface Listening {
  listeners: LoopbackListener[];
  port: number;
  /**
   * A loopback whose port another program holds (the forward is not there: a client connecting
   * to it reaches that program), for the forward's error; null when every loopback the machine has
   * is listened on.
   */
  missing: string | null;
}

export interface ListenOptions {
  /**
   * 127.0.0.1 must be listened on: its port held by another program is an error (a restored
   * forward moves to another port rather than leave 127.0.0.1:port to that program).
   */
  needIPv4?: boolean;
}

type Failure = { address: string; err: NodeJS.ErrnoException };

function listenOne(address: string, port: number): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    // Connections arrive paused: nothing is read before their API stream is open.
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true });
    const onError = (err: NodeJS.ErrnoException): void => {
      server.close();
      reject(err);
    };
    server.once('error', onError);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

const closeAll = (listeners: LoopbackListener[]): Promise<void> =>
  Promise.all(listeners.map((l) => new Promise<void>((r) => (l.server.listening ? l.server.close(() => r()) : r())))).then(() => undefined);

/** Why `port` cannot be listened on at `addresses` (all failed the same way), worded as before IPv6 was listened on too. */
function wordFailure(port: number, failures: Failure[]): string {
  const code = failures[0]!.err.code;
  const same = failures.filter((f) => f.err.code === code);
  const where = `local port ${port} on ${same.map((f) => f.address).join(' and ')}`;
  if (code === 'EADDRINUSE') return `${where} is already in use`;
  if (code === 'EACCES') return `${where} needs privileges (ports below 1024 are reserved); choose a port from 1024 or 0 for any free port`;
  return `cannot listen on ${where}: ${failures[0]!.err.message}`;
}

/** One try at every loopback: the first on `port`, the others on the port it got. */
async function listenOnce(port: number): Promise<{ listeners: LoopbackListener[]; failures: Failure[]; port: number }> {
  const listeners: LoopbackListener[] = [];
  const failures: Failure[] = [];
  let p = port;
  for (const address of LOOPBACKS) {
    try {
      const server = await listenOne(address, p);
      if (listeners.length === 0) {
        const a = server.address();
        if (typeof a === 'object' && a) p = a.port;
      }
      listeners.push({ address, server });
    } catch (err) {
      failures.push({ address, err: err as NodeJS.ErrnoException });
    }
  }
  return { listeners, failures, port: p };
}

/**
 * Listens on `port` (0: any free one) on 127.0.0.1 and ::1, as kubectl does for `localhost`: the
 * same port on both (an automatic one is picked again when another program holds it on one of them);
 * a machine without IPv6 listens on 127.0.0.1 alone and says nothing. Fails only when neither can be
 * listened on (or 127.0.0.1 cannot, with `needIPv4`), with a clear error: the port in use, reserved.
 */
export async function listenLoopback(port: number, options: ListenOptions = {}): Promise<Listening> {
  for (let attempt = 1; ; attempt++) {
    const r = await listenOnce(port);
    const held = r.failures.filter((f) => !NO_SUCH_ADDRESS.has(f.err.code ?? ''));
    const v4 = held.find((f) => f.address === LOOPBACK);
    if (r.listeners.length === 0 || (options.needIPv4 && v4)) {
      await closeAll(r.listeners);
      const why = held.length > 0 ? held : r.failures;
      if (r.listeners.length === 0 && held.length === 0) throw new Error(`cannot listen on local port ${port}: the machine has no loopback address (${LOOPBACKS.join(', ')})`);
      throw new Error(wordFailure(port, options.needIPv4 && v4 ? [v4] : why));
    }
    // Another program on the picked port (on the other loopback): another port may be free on both.
    if (port === 0 && held.some((f) => f.err.code === 'EADDRINUSE') && attempt < AUTO_PORT_TRIES) {
      await closeAll(r.listeners);
      continue;
    }
    const missing =
      held.length > 0
        ? `${held.map((f) => hostPort(f.address, r.port)).join(', ')}: ${held[0]!.err.code === 'EADDRINUSE' ? 'in use by another program' : held[0]!.err.message}; this forward listens on ${hostPorts(
            r.listeners.map((l) => l.address),
            r.port,
          )} only`
        : null;
    return { listeners: r.listeners, port: r.port, missing };
  }
}
