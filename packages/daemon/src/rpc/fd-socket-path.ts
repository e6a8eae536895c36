import { readFileSync, readlinkSync } from 'node:fs';

/**
 * The filesystem path of the Unix socket open on `fd` (one systemd passed), or null when it cannot be
 * told (not Linux, not a Unix socket, an abstract or unnamed one). Node cannot say it: a server
 * listening on an fd has no address (`server.address()` is null for a pipe it did not bind), so the
 * socket's inode (`/proc/self/fd/N` → `socket:[inode]`) is looked up in `/proc/net/unix`.
 */
export function fdSocketPath(fd: number): string | null {
  try {
    const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
    if (!m) return null;
    // Num RefCount Protocol Flags Type St Inode Path — the path is the rest of the line (it may hold spaces).
    for (const line of readFileSync('/proc/net/unix', 'latin1').split('\n')) {
      const f = /^\S+: \S+ \S+ \S+ \S+ \S+ +(\d+) (\/.*)$/.exec(line);
      if (f && f[1] === m[1]) return Buffer.from(f[2]!, 'latin1').toString('utf8');
    }
    return null;
  } catch {
    return null;
  }
}
