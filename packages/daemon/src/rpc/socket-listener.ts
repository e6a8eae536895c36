import { chmod, lstat, mkdir, stat, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { currentUid, MAX_SOCKET_PATH_BYTES, socketDirStatProblem, socketFileStatProblem, type SocketDirKind } from '@kubetile/rpc-schema/paths';

/** Node truncates longer Unix socket paths silently; refuse them instead. */
export { MAX_SOCKET_PATH_BYTES };

export class SocketInUseError extends Error {}

/** True when something accepts connections on the socket path. */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(true), timeoutMs); // connected-but-silent still counts as live
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** systemd socket activation: the first passed fd (3) when LISTEN_PID names this process. */
export function activationFd(env: NodeJS.ProcessEnv = process.env): number | null {
  if (env.LISTEN_PID !== String(process.pid)) return null;
  const n = Number(env.LISTEN_FDS ?? '0');
  return Number.isInteger(n) && n >= 1 ? 3 : null;
}

/** Serves on a socket systemd created and owns; closing never unlinks it. */
export async function listenOnFd(fd: number, onConnection: (s: Socket) => void): Promise<Listening> {
  const server = createServer({ allowHalfOpen: false }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ fd }, () => resolve());
  });
  return { server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface Listening {
  server: Server;
  close(): Promise<void>;
}

/**
 * Makes sure the socket's directory exists and may be trusted, without following a symlink and
 * without changing a directory we did not create: the private runtime directory is made 0700
 * when we create it, and refused when it is a symlink, someone else's, or any mode but 0700.
 */
async function prepareSocketDir(dir: string, kind: SocketDirKind): Promise<void> {
  const uid = currentUid();
  let created = false;
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  try {
    await mkdir(dir, { mode: 0o700 });
    created = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = await lstat(dir);
  // mkdir's mode passes through the umask; a directory we just made is ours to set right.
  if (created && kind === 'private' && st.isDirectory() && !st.isSymbolicLink() && (st.mode & 0o777) !== 0o700) {
    await chmod(dir, 0o700);
    return prepareSocketDir(dir, kind);
  }
  const problem = uid === null ? null : socketDirStatProblem(dir, st, kind, uid);
  if (problem) throw new Error(`not listening there: ${problem}`);
}

/**
 * Listens on a Unix socket: in a directory that may be trusted (see prepareSocketDir), socket
 * 0600. A live socket is never unlinked (another daemon answers → SocketInUseError); a stale one
 * (nobody answers) is replaced; anything else at the path (a symlink, a file, someone else's
 * socket) is refused.
 */
export async function listenOnSocket(path: string, onConnection: (s: Socket) => void, opts: { privateDir: boolean }): Promise<Listening> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`socket path is ${Buffer.byteLength(path)} bytes, more than the ${MAX_SOCKET_PATH_BYTES} a Unix socket allows: ${path}`);
  }
  await prepareSocketDir(dirname(path), opts.privateDir ? 'private' : 'shared');
  const existing = await lstat(path).catch(() => null);
  if (existing) {
    if (!existing.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
    const uid = currentUid();
    const problem = uid === null ? null : socketFileStatProblem(path, existing, uid);
    if (problem) throw new Error(`refusing to replace ${path}: ${problem}`);
    if (await socketAnswers(path)) throw new SocketInUseError(`a kubetile daemon is already running on ${path}`);
    await unlink(path).catch(() => undefined);
  }
  const server = createServer({ allowHalfOpen: false }, onConnection);
  const oldUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new SocketInUseError(`a kubetile daemon is already running on ${path}`) : err),
      );
      server.listen(path, () => resolve());
    });
  } finally {
    process.umask(oldUmask);
  }
  await chmod(path, 0o600);
  const ino = (await stat(path)).ino;
  return {
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const now = await stat(path).catch(() => null);
      if (now && now.ino === ino) await unlink(path).catch(() => undefined);
    },
  };
}
