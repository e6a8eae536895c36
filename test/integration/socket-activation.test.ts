import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { DAEMON_MAIN, makeTestEnv, REPO_ROOT, waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

let env: TestEnv;
beforeEach(() => {
  env = makeTestEnv();
});
afterEach(() => env.cleanup());

describe('systemd integration', () => {
  it('serves a socket passed by systemd (LISTEN_FDS) and leaves it in place on exit', async () => {
    mkdirSync(dirname(env.socket), { recursive: true, mode: 0o700 });
    // Play systemd: bind and listen, move the socket to fd 3, set LISTEN_PID/LISTEN_FDS, exec the daemon.
    const launcher = [
      'import os, socket, sys',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      's.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o600); s.listen(16)',
      'os.dup2(s.fileno(), 3); os.set_inheritable(3, True)',
      "os.environ['LISTEN_PID'] = str(os.getpid()); os.environ['LISTEN_FDS'] = '1'",
      "os.execv(sys.argv[2], [sys.argv[2], sys.argv[3], 'run', '--socket', '/nonexistent/ignored.sock'])",
    ].join('\n');
    const child = spawn('python3', ['-c', launcher, env.socket, process.execPath, DAEMON_MAIN], { env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const c = await waitFor('daemon on the activation socket', async () => {
      try {
        return await RawClient.connect(env.socket);
      } catch {
        return null;
      }
    });
    // It says the socket it serves, not the one its --socket (or environment) would have made.
    await expect(c.request<{ pid: number; socket: string }>('daemon/status')).resolves.toMatchObject({ pid: child.pid, socket: env.socket });
    await c.request('daemon/shutdown');
    expect(await exited).toBe(0);
    const log = readFileSync(join(env.dir, 'state', 'kubetile', 'kubetiled.log'), 'utf8');
    const listening = log.split('\n').find((l) => l.includes('"daemon listening"'));
    expect(listening && (JSON.parse(listening) as { socket?: string }).socket).toBe(env.socket);
    expect(existsSync(env.socket)).toBe(true); // systemd's socket is systemd's to remove
    c.close();
  });
});
