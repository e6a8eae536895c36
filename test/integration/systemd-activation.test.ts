import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CLIENT_MAIN, makeTestEnv, REPO_ROOT, waitFor, type TestEnv } from '../helpers/daemon-process.js';

/**
 * systemd socket activation through the CLI: the units run the installed `kubetile daemon run`,
 * which serves the socket systemd passes (LISTEN_FDS=1, LISTEN_PID = its pid, fd 3) in its own
 * process; the very first connection — the one that made systemd start it — is answered, and no
 * second daemon is started beside it. Here the test plays systemd: a launcher binds the socket,
 * puts it on fd 3, sets the variables and execs the unit's ExecStart.
 */

const run = promisify(execFile);
let env: TestEnv;
const children: ChildProcess[] = [];
beforeEach(() => {
  env = makeTestEnv();
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  env.cleanup();
});

const HAVE_ANALYZE = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' }).status === 0;
if (!HAVE_ANALYZE) console.warn('systemd-analyze is not installed: the units are not verified by it (apt-get install systemd)');

const LAUNCHER = [
  'import os, socket, sys',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
  's.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o600); s.listen(16)',
  'os.dup2(s.fileno(), 3); os.set_inheritable(3, True)',
  "os.environ['LISTEN_PID'] = str(os.getpid()); os.environ['LISTEN_FDS'] = '1'",
  'os.execv(sys.argv[2], sys.argv[2:])',
].join('\n');

/** Plays systemd: the socket on fd 3, LISTEN_PID/LISTEN_FDS set, then exec of `argv` (same pid). */
function activate(argv: string[]): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  mkdirSync(dirname(env.socket), { recursive: true, mode: 0o700 });
  const child = spawn('/usr/bin/python3', ['-c', LAUNCHER, env.socket, ...argv], { env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return { child, exited, stderr: () => err };
}

async function kubetile(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLIENT_MAIN, ...args], { env: { ...env.env, ...extraEnv }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

/** The ExecStart command line of a written service unit (our paths have no blanks). */
function execStart(unit: string): string[] {
  const line = unit.split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error(`no ExecStart in:\n${unit}`);
  return line.slice('ExecStart='.length).split(' ');
}

function verify(dir: string): void {
  if (!HAVE_ANALYZE) return;
  mkdirSync(join(env.dir, 'run'), { recursive: true, mode: 0o700 });
  const r = spawnSync('systemd-analyze', ['--user', 'verify', join(dir, 'kubetile.socket'), join(dir, 'kubetile.service')], {
    env: { ...env.env, XDG_RUNTIME_DIR: join(env.dir, 'run') },
    encoding: 'utf8',
  });
  expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
  expect(r.status).toBe(0);
}

describe('systemd socket activation through the kubetile CLI', () => {
  it('install-units writes units that run this kubetile; the first connection through the activated socket is answered by it', async () => {
    const units = join(env.dir, 'units');
    // No kubetile on the PATH: the units run node with this entry file.
    const inst = await kubetile(['daemon', 'install-units', '--no-enable', '--dir', units], { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` });
    expect(inst.stderr).toBe('');
    expect(inst.code).toBe(0);
    const service = readFileSync(join(units, 'kubetile.service'), 'utf8');
    expect(service).toContain(`ExecStart=${process.execPath} ${CLIENT_MAIN} daemon run\n`);
    expect(service).toContain(`Environment="PATH=${dirname(process.execPath)}:`);
    expect(readFileSync(join(units, 'kubetile.socket'), 'utf8')).toMatch(/^ListenStream=%t\/kubetile\/kubetile\.sock$/m);
    verify(units);

    // systemd starts the service on the first connection: that connection is `kubetile rpc`, at once.
    const daemon = activate([...execStart(service), '--socket', '/nonexistent/ignored.sock']);
    const status = await kubetile(['rpc', 'daemon/status'], { KUBETILE_SOCKET: env.socket });
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pid: daemon.child.pid });
    // No second daemon: `daemon start` finds this one.
    const start = await kubetile(['daemon', 'start', '--socket', env.socket]);
    expect(start.stdout).toContain(`already running (pid ${daemon.child.pid})`);
    const stop = await kubetile(['kill-server', '--socket', env.socket]);
    expect(stop.code).toBe(0);
    expect(await daemon.exited).toBe(0);
    expect(existsSync(env.socket)).toBe(true); // systemd's socket is systemd's to remove
  }, 120_000);

  it('an installed kubetile (a bin link on the PATH) is what the units run, and the script writes the same', async () => {
    const bin = join(env.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(CLIENT_MAIN, join(bin, 'kubetile'));
    const PATH = `${bin}:${process.env.PATH}`;
    const units = join(env.dir, 'units');
    const r = await run('kubetile', ['daemon', 'install-units', '--no-enable', '--dir', units], { env: { ...env.env, PATH } });
    expect(r.stdout).toContain(`ExecStart: ${join(bin, 'kubetile')} daemon run`);
    const service = readFileSync(join(units, 'kubetile.service'), 'utf8');
    expect(service).toContain(`ExecStart=${join(bin, 'kubetile')} daemon run\n`);
    verify(units);

    const viaScript = join(env.dir, 'units2');
    await run('bash', [join(REPO_ROOT, 'scripts/install-systemd-units.sh'), '--no-enable'], { env: { ...env.env, PATH, UNIT_DIR: viaScript } });
    expect(readFileSync(join(viaScript, 'kubetile.service'), 'utf8')).toBe(service);

    // The installed command, activated: serves the socket in its own process.
    const daemon = activate(execStart(service));
    const c = await waitFor('the activated daemon', async () => {
      const s = await kubetile(['rpc', 'daemon/status'], { KUBETILE_SOCKET: env.socket });
      return s.code === 0 ? (JSON.parse(s.stdout) as { pid: number }) : null;
    });
    expect(c.pid).toBe(daemon.child.pid);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 120_000);

  it('the unit templates in systemd/ are the ones install-units writes', async () => {
    const { SOCKET_UNIT, SERVICE_TEMPLATE } = await import('../../packages/client-tui/src/cli/systemd-units.js');
    expect(readFileSync(join(REPO_ROOT, 'systemd/kubetile.socket'), 'utf8')).toBe(SOCKET_UNIT);
    expect(readFileSync(join(REPO_ROOT, 'systemd/kubetile.service'), 'utf8')).toBe(SERVICE_TEMPLATE);
  });
});
