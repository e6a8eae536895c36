import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A lock left by a daemon that is gone, on the very socket the next daemon uses, whose pid now
 * belongs to another program (after a reboot pids start over; a daemon killed with -9 stays a
 * zombie, "alive", until it is reaped): the next daemon takes the state directory over. It asked
 * the lock's socket whether a daemon answered there — and reached its own listener, so it refused
 * to start ("another kubetile daemon (pid N …) uses the state directory") until the lock was removed.
 */

let env: TestEnv;
let daemon: DaemonProcess | null = null;

beforeEach(() => {
  env = makeTestEnv();
});
afterEach(async () => {
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

describe('a stale lock on the same socket', () => {
  it('whose pid is now another program is taken over', async () => {
    const dir = join(env.dir, 'state', 'kubetile');
    mkdirSync(dir, { recursive: true });
    // This test's own process stands for whatever program got the dead daemon's pid.
    writeFileSync(join(dir, 'daemon.lock'), JSON.stringify({ pid: process.pid, socket: env.socket }));
    daemon = await startDaemon(env, [], { wait: false });
    let exited = false;
    const outcome = await Promise.race([
      daemon.exited.then((code) => {
        exited = true;
        return `exited ${code}: ${daemon?.stderr() ?? ''}`;
      }),
      (async () => {
        while (!exited) {
          try {
            const c = await RawClient.connect(env.socket);
            c.close();
            return 'answers';
          } catch {
            await new Promise((r) => setTimeout(r, 25));
          }
        }
        return 'exited';
      })(),
    ]);
    expect(outcome).toBe('answers');
    expect(JSON.parse(readFileSync(join(dir, 'daemon.lock'), 'utf8'))).toEqual({ pid: daemon.child.pid, socket: env.socket });
  }, 60_000);
});
