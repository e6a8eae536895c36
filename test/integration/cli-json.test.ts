import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseCli, USAGE } from '../../packages/client-tui/src/cli/args.js';
import { CLIENT_MAIN, makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';

/**
 * Every `kubetile` command takes --json (the TUI itself aside): its output on stdout is JSON a
 * script can parse, and an error is a non-zero status with the message on stderr, never on stdout.
 * Run through the real command against a real daemon.
 */

const execFileP = promisify(execFile);
let env: TestEnv;
let daemon: DaemonProcess;

beforeAll(async () => {
  env = makeTestEnv();
  env.env.KUBETILE_SOCKET = env.socket;
  // One real plugin, for `kubetile plugins`, `plugins reload` and `open` of a plugin's pane.
  mkdirSync(dirname(env.configFile), { recursive: true });
  writeFileSync(env.configFile, `[[plugins]]\nkey = "smoke"\npath = ${JSON.stringify(join(REPO_ROOT, 'plugins/smoke/build/smoke.wasm'))}\n`);
  daemon = await startDaemon(env);
}, 60_000);
afterAll(async () => {
  await daemon?.stop();
  env?.cleanup();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function kubetile(...args: string[]): Promise<Run> {
  try {
    const r = await execFileP(process.execPath, [CLIENT_MAIN, ...args], { env: env.env, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Succeeds, says nothing on stderr, and stdout is JSON documents (one, or one a line). */
async function json(...args: string[]): Promise<unknown> {
  const r = await kubetile(...args, '--json');
  expect(r, `kubetile ${args.join(' ')} --json`).toMatchObject({ code: 0, stderr: '' });
  const text = r.stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    return text.split('\n').map((l) => JSON.parse(l) as unknown);
  }
}

/** Fails with a non-zero status and a one-line message on stderr; stdout holds no prose. */
async function fails(args: string[], message: RegExp): Promise<void> {
  const r = await kubetile(...args, '--json');
  expect(r.code, `kubetile ${args.join(' ')} --json: ${r.stderr}`).not.toBe(0);
  expect(r.stderr).toMatch(message);
  if (r.stdout.trim() !== '') expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
}

describe('--json on every command', () => {
  it('the command line takes --json on every command the help lists (the TUI aside)', () => {
    const forms = [
      ['--version'], ['rpc', 'daemon/status'], ['rpc', '--list'], ['open', 'help'], ['snapshot', '1'], ['keys', 'j'],
      ['pf', 'list'], ['pf', 'start', 'pod/x', '80'], ['pf', 'stop', '1'], ['plugins'], ['plugins', 'reload', 'x'],
      ['daemon', 'run'], ['daemon', 'start'], ['daemon', 'restart'], ['daemon', 'status'], ['daemon', 'stop'],
      ['daemon', 'install-units'], ['kill-server'], ['plugin', 'new', 'x'],
    ];
    // Every command of the help is among the forms tried.
    const listed = [...USAGE.matchAll(/^ {2}kubetile ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)/gm)].map((m) => m[1]!);
    for (const l of listed) expect(forms.some((f) => l.startsWith(f.filter((w) => /^[a-z]/.test(w) && w !== 'x' && w !== 'j' && w !== 'help' && w !== 'daemon/status').join(' '))), l).toBe(true);
    for (const f of forms) expect(() => parseCli([...f, '--json']), f.join(' ')).not.toThrow();
  });

  it('scripting commands print JSON; their errors are a status and a message on stderr', async () => {
    expect(await json('--version')).toMatchObject({ client: { version: expect.any(String) }, daemon: { version: expect.any(String) } });
    expect(await json('rpc', 'daemon/status')).toMatchObject({ pid: daemon.child.pid });
    expect(await json('rpc', '--list')).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'pane/open' })]));
    expect(await json('daemon', 'status')).toMatchObject({ pid: daemon.child.pid });
    expect(await json('daemon', 'start')).toMatchObject({ started: false, pid: daemon.child.pid });
    const opened = (await json('open', 'help')) as { paneId: number };
    expect(opened.paneId).toBeGreaterThan(0);
    expect(await json('snapshot', String(opened.paneId))).toMatchObject({ title: expect.stringMatching(/help/i) });
    // k9s's name for the port-forwards pane.
    const pf = (await json('open', 'pf')) as { paneId: number };
    const panes = (await json('rpc', 'pane/list')) as { panes: Array<{ paneId: number; key: string }> };
    expect(panes.panes.find((p) => p.paneId === pf.paneId)?.key).toBe('port-forwards');
    expect(await json('keys', 'j')).toEqual([expect.objectContaining({ key: 'j', handled: true })]);
    expect(await json('pf', 'list')).toEqual([]);
    expect(await json('plugins')).toEqual([expect.objectContaining({ key: 'smoke', status: 'ready', error: null })]);
    expect(await json('plugins', 'reload', 'smoke')).toEqual({ reloaded: 'smoke' });
    expect((await kubetile('plugins')).stdout).toMatch(/^smoke\s+ready\s/m);
    const plugin = (await json('open', 'smoke')) as { paneId: number };
    await waitFor('the plugin pane shows what the plugin renders', async () => (await kubetile('snapshot', String(plugin.paneId))).stdout.includes('smoke-ok'), 60_000);

    await fails(['rpc', 'nope/x'], /unknown method 'nope\/x'/);
    await fails(['snapshot', '9999'], /9999/);
    await fails(['pf', 'stop', '99'], /no port-forward '99'/);
    await fails(['plugins', 'reload', 'nope'], /no plugin 'nope'/);
    await fails(['pf', 'start', 'pod/web-1', '80', '--namespace', 'default'], /./);
    await fails(['open', 'help', '--bogus'], /Unknown option '--bogus'/);
  }, 120_000);

  it('plugin new and daemon install-units say what they wrote', async () => {
    const dir = join(env.dir, 'my-plugin');
    const made = (await json('plugin', 'new', 'my-plugin', dir)) as { name: string; dir: string; files: string[]; wasm: string };
    expect(made).toMatchObject({ name: 'my-plugin', dir, wasm: join(dir, 'build', 'my-plugin.wasm') });
    expect(made.files.length).toBeGreaterThan(0);
    for (const f of made.files) expect(existsSync(join(dir, f)), f).toBe(true);
    await fails(['plugin', 'new', 'my-plugin', dir], /./); // the directory is not empty now

    const units = join(env.dir, 'units');
    const wrote = (await json('daemon', 'install-units', '--no-enable', '--dir', units)) as { files: string[]; enabled: boolean };
    expect(wrote).toMatchObject({ enabled: false, files: [join(units, 'kubetile.socket'), join(units, 'kubetile.service')] });
  }, 120_000);

  it('daemon run --json writes its log as JSON lines on stderr; kill-server --json says what it stopped', async () => {
    const socket = join(env.dir, 'run', 'kubetile', 'second.sock');
    const child = spawn(process.execPath, [CLIENT_MAIN, 'daemon', 'run', '--json', '--socket', socket, '--state-dir', join(env.dir, 'second')], { env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    try {
      const listening = await waitFor('the daemon says it listens, as JSON', () =>
        stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg?: string; socket?: string }).find((l) => l.msg === 'daemon listening') ?? null, 60_000);
      expect(listening.socket).toBe(socket);
      expect(await json('kill-server', '--socket', socket)).toMatchObject({ stopped: true, pid: child.pid, socket });
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    // A second `daemon run` on a socket a daemon already serves: a status and the reason on stderr.
    const again = await kubetile('daemon', 'run', '--json');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already running/);
  }, 120_000);
});
