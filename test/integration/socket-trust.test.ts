import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENT_MAIN, DAEMON_MAIN, socketAccepts, waitFor } from '../helpers/daemon-process.js';

/**
 * The default socket when XDG_RUNTIME_DIR is unset lives in a predictable directory under the
 * temp dir (`$TMPDIR/kubetile-UID`), which another user can create first. The client trusts it
 * only when the directory is ours with mode 0700 and the socket ours too, neither a symlink; the
 * daemon never follows a symlink there and never chmods a directory it did not create.
 * TMPDIR points at a private temp dir so the test never touches the machine's real /tmp/kubetile-UID.
 */
const NOBODY = 65534;
const uid = process.getuid!();

let base: string;
let env: NodeJS.ProcessEnv;
let runDir: string;
let socket: string;
const children: Array<{ kill(sig?: NodeJS.Signals): boolean; exitCode: number | null }> = [];

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kt-trust-'));
  env = {
    ...process.env,
    HOME: base,
    TMPDIR: base,
    XDG_CONFIG_HOME: join(base, 'config'),
    XDG_STATE_HOME: join(base, 'state'),
    KUBECONFIG: join(base, 'no-kubeconfig'),
    KUBETILE_DAEMON_MAIN: DAEMON_MAIN,
  };
  for (const k of ['XDG_RUNTIME_DIR', 'KUBETILE_SOCKET', 'KUBETILE_CONFIG', 'KUBETILE_STATE_DIR']) delete env[k];
  runDir = join(base, `kubetile-${uid}`);
  socket = join(runDir, 'kubetile.sock');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(base, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}
const kubetile = (...args: string[]): Promise<Run> => run(CLIENT_MAIN, args);
const kubetiled = (...args: string[]): Promise<Run> => run(DAEMON_MAIN, ['run', ...args]);

/** A real daemon serving `path` (in a private directory of ours), for the cases that need one answering. */
async function daemonAt(path: string): Promise<void> {
  const child = spawn(process.execPath, [DAEMON_MAIN, 'run', '--socket', path, '--state-dir', join(base, 'state2')], { env, stdio: 'ignore' });
  children.push(child);
  await waitFor('daemon socket', () => socketAccepts(path));
}

const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

describe('the default socket under the temp dir (XDG_RUNTIME_DIR unset)', () => {
  it('works when the daemon made the directory: 0700, ours', async () => {
    const d = spawn(process.execPath, [DAEMON_MAIN, 'run'], { env, stdio: 'ignore' });
    children.push(d);
    await waitFor('daemon socket', () => socketAccepts(socket));
    expect(mode(runDir)).toBe('700');
    const r = await kubetile('rpc', 'daemon/status');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ socket });
  });

  it('a directory owned by another user: the client and the daemon refuse, naming it; the daemon does not chmod it', async () => {
    mkdirSync(runDir, { mode: 0o755 });
    chownSync(runDir, NOBODY, NOBODY);
    const c = await kubetile('rpc', 'daemon/status');
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(runDir);
    expect(c.stderr).toMatch(/owned by uid 65534/);
    const d = await kubetiled();
    expect(d.code).toBe(1);
    expect(d.stderr).toContain(runDir);
    expect(d.stderr).toMatch(/owned by uid 65534/);
    expect(mode(runDir)).toBe('755');
    expect(statSync(runDir).uid).toBe(NOBODY);
    expect(existsSync(socket)).toBe(false);
  });

  it('a directory of ours with a mode other than 0700: both refuse and nothing is chmodded', async () => {
    const { chmodSync } = await import('node:fs');
    // A daemon answers in there: the client must still refuse to talk to it.
    const d = spawn(process.execPath, [DAEMON_MAIN, 'run'], { env, stdio: 'ignore' });
    children.push(d);
    await waitFor('daemon socket', () => socketAccepts(socket));
    for (const m of [0o755, 0o770, 0o701]) {
      chmodSync(runDir, m);
      const c = await kubetile('rpc', 'daemon/status');
      expect(c.code).toBe(1);
      expect(c.stdout).toBe('');
      expect(c.stderr).toContain(runDir);
      expect(c.stderr).toMatch(new RegExp(`mode 0${m.toString(8)}.*0700`));
    }
    d.kill('SIGTERM');
    await waitFor('daemon gone', () => d.exitCode !== null);
    for (const m of [0o755, 0o770, 0o701]) {
      chmodSync(runDir, m);
      const r = await kubetiled();
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(runDir);
      expect(r.stderr).toMatch(new RegExp(`mode 0${m.toString(8)}.*0700`));
      expect(mode(runDir)).toBe(m.toString(8));
    }
  });

  it('a symlinked directory: both refuse, and the daemon puts nothing behind the link', async () => {
    const target = mkdtempSync(join(base, 'elsewhere-'));
    symlinkSync(target, runDir);
    const c = await kubetile('rpc', 'daemon/status');
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(runDir);
    expect(c.stderr).toMatch(/symbolic link/);
    const d = await kubetiled();
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/symbolic link/);
    expect(existsSync(join(target, 'kubetile.sock'))).toBe(false);
    expect(mode(target)).toBe('700');
  });

  it('a symlinked socket (to a daemon that answers): the client refuses, naming it', async () => {
    const elsewhere = join(mkdtempSync(join(base, 'other-')), 'k.sock');
    await daemonAt(elsewhere);
    mkdirSync(runDir, { mode: 0o700 });
    symlinkSync(elsewhere, socket);
    const c = await kubetile('rpc', 'daemon/status');
    expect(c.code).toBe(1);
    expect(c.stdout).toBe('');
    expect(c.stderr).toContain(socket);
    expect(c.stderr).toMatch(/symbolic link/);
  });

  it('a socket owned by another user: the client refuses, naming it', async () => {
    const d = spawn(process.execPath, [DAEMON_MAIN, 'run'], { env, stdio: 'ignore' });
    children.push(d);
    await waitFor('daemon socket', () => socketAccepts(socket));
    chownSync(socket, NOBODY, NOBODY);
    const c = await kubetile('rpc', 'daemon/status');
    expect(c.code).toBe(1);
    expect(c.stdout).toBe('');
    expect(c.stderr).toContain(socket);
    expect(c.stderr).toMatch(/owned by uid 65534/);
  });

  it('`kubetile daemon start` refuses an untrusted directory instead of starting a daemon', async () => {
    mkdirSync(runDir, { mode: 0o777 });
    const { chmodSync } = await import('node:fs');
    chmodSync(runDir, 0o777);
    const r = await kubetile('daemon', 'start');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mode 0777/);
    expect(existsSync(socket)).toBe(false);
  });
});

describe('an explicit socket path (--socket / KUBETILE_SOCKET)', () => {
  it('is refused in a directory others may write to (no sticky bit) or when it is a symlink', async () => {
    const open = join(base, 'open');
    mkdirSync(open);
    const { chmodSync } = await import('node:fs');
    chmodSync(open, 0o777);
    const c = await kubetile('rpc', '--socket', join(open, 'k.sock'), 'daemon/status');
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/writable by others/);
    const d = await kubetiled('--socket', join(open, 'k.sock'));
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/writable by others/);

    const real = join(mkdtempSync(join(base, 'real-')), 'k.sock');
    await daemonAt(real);
    const link = join(base, 'link.sock');
    symlinkSync(real, link);
    const l = await kubetile('rpc', '--socket', link, 'daemon/status');
    expect(l.code).toBe(1);
    expect(l.stderr).toMatch(/symbolic link/);
    // The real path works.
    expect((await kubetile('rpc', '--socket', real, 'daemon/status')).code).toBe(0);
  });
});
