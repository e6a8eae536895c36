import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockStateDir } from '../../src/state/state-lock.js';

/**
 * Two daemons starting on one state directory after a crash left its lock: while one asks the
 * stale lock's socket whether a daemon still answers there, the other takes the directory over.
 * The first then removed the other's fresh lock and made its own, and both ran on the directory
 * (saving their sessions over each other's). Only the stale lock is removed; the fresh one holds.
 */

let dir: string;
let server: Server | null = null;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-lock-'));
});
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('a stale lock taken over by another daemon meanwhile', () => {
  it('is not removed: this daemon is refused, naming the one that holds the directory now', async () => {
    const lock = join(dir, 'daemon.lock');
    // The crashed daemon's lock: its pid now another live program's (here the test runner's parent), nothing on its socket.
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, socket: join(dir, 'crashed.sock') }));
    const other = join(dir, 'other.sock');
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server!.listen(other, r));
    const mine = lockStateDir(dir, join(dir, 'mine.sock'));
    // While this daemon asks the crashed one's socket, the other daemon takes the directory over.
    const fresh = JSON.stringify({ pid: process.ppid, socket: other });
    unlinkSync(lock);
    writeFileSync(lock, fresh, { flag: 'wx' });
    await expect(mine).rejects.toThrow(`another kubetile daemon (pid ${process.ppid}, socket ${other}) uses the state directory ${dir}`);
    expect(readFileSync(lock, 'utf8')).toBe(fresh);
    expect(readdirSync(dir).filter((f) => f.startsWith('daemon.lock.'))).toEqual([]);
  });

  it('a stale lock still there is taken over, and released', async () => {
    const lock = join(dir, 'daemon.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, socket: join(dir, 'crashed.sock') }));
    const release = await lockStateDir(dir, join(dir, 'mine.sock'));
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toEqual({ pid: process.pid, socket: join(dir, 'mine.sock') });
    release();
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
