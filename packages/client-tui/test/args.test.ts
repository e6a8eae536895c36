import { daemonArgv } from '../src/connection/launcher.js';
import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../src/cli/args.js';
import { run } from '../src/cli/run.js';
import type { Io } from '../src/cli/io.js';

const usage = (argv: string[]): string => {
  try {
    parseCli(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
};

function bufferIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    env: {},
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

describe('parseCli', () => {
  it('attach is the default, with its flags', () => {
    expect(parseCli([])).toEqual({ kind: 'attach', demo: false });
    expect(parseCli(['--demo', '--socket', '/tmp/s.sock', '--session', 'work'])).toEqual({
      kind: 'attach', demo: true, socket: '/tmp/s.sock', session: 'work',
    });
    expect(parseCli(['attach', '--config', 'c.toml', '--state-dir', '/tmp/st'])).toEqual({
      kind: 'attach', demo: false, config: 'c.toml', stateDir: '/tmp/st',
    });
  });

  it('rpc with a method and JSON params', () => {
    expect(parseCli(['rpc', 'daemon/status'])).toEqual({ kind: 'rpc', socket: undefined, method: 'daemon/status', params: {} });
    expect(parseCli(['rpc', '--socket', '/s', 'pane/snapshot', '{"paneId":1}'])).toEqual({
      kind: 'rpc', socket: '/s', method: 'pane/snapshot', params: { paneId: 1 },
    });
    expect(parseCli(['rpc', '--list'])).toEqual({ kind: 'rpc-list', socket: undefined });
  });

  it('daemon and kill-server commands', () => {
    expect(parseCli(['daemon', 'run', '--demo'])).toEqual({ kind: 'daemon-run', demo: true });
    // --readonly reaches the daemon it runs or starts: plugin writes are refused.
    expect(parseCli(['daemon', 'run', '--readonly'])).toEqual({ kind: 'daemon-run', demo: false, readonly: true });
    expect(daemonArgv({ socket: '/s', readonly: true })).toEqual(['run', '--socket', '/s', '--readonly']);
    expect(parseCli(['daemon', 'start', '--socket', '/s'])).toEqual({ kind: 'daemon-start', demo: false, socket: '/s' });
    expect(parseCli(['daemon', 'status', '--json'])).toEqual({ kind: 'daemon-status', socket: undefined, json: true });
    expect(parseCli(['daemon', 'stop'])).toEqual({ kind: 'kill-server', socket: undefined });
    expect(parseCli(['kill-server', '--socket', '/s'])).toEqual({ kind: 'kill-server', socket: '/s' });
  });

  it('scripting commands and their flags', () => {
    expect(parseCli(['rpc', 'pane/command', '{"paneId":2}', '--watch', 'pane/view', '--watch', 'toast', '--pane', '2', '--cols', '80'])).toEqual({
      kind: 'rpc', socket: undefined, method: 'pane/command', params: { paneId: 2 }, watch: ['pane/view', 'toast'], pane: 2, size: { cols: 80, rows: 40 },
    });
    expect(parseCli(['open', 'pods', '-n', 'kube-system', '--context', 'kind', '--json'])).toEqual({
      kind: 'open', socket: undefined, view: 'pods', namespace: 'kube-system', context: 'kind', split: false, json: true,
    });
    expect(parseCli(['snapshot', '7'])).toEqual({ kind: 'snapshot', socket: undefined, paneId: 7, format: 'text', timeoutMs: 10_000 });
    expect(parseCli(['snapshot', '7', '--json', '--rows', '50'])).toMatchObject({ format: 'json', size: { rows: 50 } });
    expect(parseCli(['keys', 'j', 'ctrl+p', '--session', 'w'])).toEqual({ kind: 'keys', socket: undefined, session: 'w', keys: ['j', 'ctrl+p'], json: false });
    expect(parseCli(['pf', 'start', 'svc/web', '8080:80', '-n', 'shop'])).toEqual({ kind: 'pf-start', socket: undefined, target: 'svc/web', ports: '8080:80', namespace: 'shop', json: false });
    expect(parseCli(['pf', 'stop', 'pf-1', 'pf-2'])).toEqual({ kind: 'pf-stop', socket: undefined, ids: ['pf-1', 'pf-2'], json: false });
    expect(parseCli(['pf', 'list', '--json'])).toEqual({ kind: 'pf-list', socket: undefined, json: true });
    expect(parseCli(['plugins'])).toEqual({ kind: 'plugins-list', socket: undefined, json: false });
    expect(parseCli(['plugins', 'reload', 'smoke-test'])).toEqual({ kind: 'plugins-reload', socket: undefined, key: 'smoke-test', json: false });
    expect(parseCli(['daemon', 'restart', '--demo'])).toEqual({ kind: 'daemon-restart', demo: true });
    expect(parseCli(['daemon', 'install-units', '--no-enable', '--dir', '/u'])).toEqual({ kind: 'daemon-install-units', enable: false, dir: '/u' });
  });

  it('scripting commands name what is wrong', () => {
    expect(usage(['snapshot'])).toContain('needs a pane id');
    expect(usage(['snapshot', 'x'])).toContain("the pane id must be a whole number from 1 to 2147483648, not 'x'");
    expect(usage(['snapshot', '1', '--json', '--format', 'text'])).toContain('disagree');
    expect(usage(['keys'])).toContain('needs at least one key');
    expect(usage(['open'])).toContain('needs a view');
    expect(usage(['open', 'pods', '--split', '-n', 'x'])).toContain('belong to a tab');
    expect(usage(['pf'])).toContain('needs an action');
    expect(usage(['pf', 'start'])).toContain('needs a target');
    expect(usage(['plugins', 'zap'])).toContain("unknown plugins action 'zap'");
    expect(usage(['rpc', 'a/b', '--watch', 'Bad Name'])).toContain('--watch takes a notification name');
    expect(usage(['rpc', 'a/b', '--cols', '5'])).toContain('--cols applies only with --watch');
    expect(usage(['keys', 'j', '--rows', '0'])).toContain("--rows must be a whole number from 1 to 10000, not '0'");
    expect(usage(['open', 'pods', '--demo'])).toContain("'--demo' does not apply to 'kubetile open'");
  });

  it('help and version', () => {
    expect(parseCli(['--help']).kind).toBe('help');
    expect(parseCli(['-h']).kind).toBe('help');
    expect(parseCli(['rpc', '--help']).kind).toBe('help');
    // A command that needs an action, asked for help before one: the usage (it was an error, exit 2).
    for (const sub of ['pf', 'daemon', 'plugin']) expect(parseCli([sub, '--help']).kind).toBe('help');
    expect(parseCli(['help']).kind).toBe('help');
    expect(parseCli(['-V']).kind).toBe('version');
  });

  it('names the bad flag, argument or command', () => {
    expect(usage(['--bogus'])).toContain("'--bogus'");
    expect(usage(['--socket'])).toContain('--socket');
    expect(usage(['rpc', '--demo', 'x'])).toContain("'--demo' does not apply to 'kubetile rpc'");
    expect(usage(['daemon', 'status', '--demo'])).toContain("'--demo'");
    expect(usage(['kill-server', '--session', 'x'])).toContain("'--session'");
    expect(usage(['frobnicate'])).toContain("unknown command 'frobnicate'");
    expect(usage(['daemon'])).toContain('needs an action');
    expect(usage(['daemon', 'explode'])).toContain("'explode'");
    expect(usage(['rpc'])).toContain('needs a method');
    expect(usage(['rpc', '--list', 'x'])).toContain("'x'");
    expect(usage(['rpc', 'a/b', '{}', 'extra'])).toContain("'extra'");
    expect(usage(['attach', 'extra'])).toContain("'extra'");
  });

  it('rejects params that are not a JSON object, naming them', () => {
    expect(usage(['rpc', 'pane/list', '{bad'])).toMatch(/json-params is not valid JSON .*\{bad/);
    expect(usage(['rpc', 'pane/list', '[1]'])).toContain('must be a JSON object');
    expect(usage(['rpc', 'pane/list', '3'])).toContain('must be a JSON object');
  });
});

describe('run (exit codes without a daemon)', () => {
  it('exits 2 with the message on a usage error', async () => {
    const io = bufferIo();
    expect(await run(['--nope'], io)).toBe(2);
    expect(io.stderr).toContain("Unknown option '--nope'");
    expect(io.stderr).toContain('kubetile --help');
  });

  it('prints help and version', async () => {
    const io = bufferIo();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.stdout).toContain('kubetile rpc <method> [json-params]');
    expect(await run(['--version'], io)).toBe(0);
    expect(io.stdout).toMatch(/kubetile \d+\.\d+\.\d+/);
  });

  it('exits 1 and names the socket when no daemon answers', async () => {
    const io = bufferIo();
    expect(await run(['rpc', '--socket', '/tmp/kubetile-test-none.sock', 'daemon/status'], io)).toBe(1);
    expect(io.stderr).toContain('no daemon answers on /tmp/kubetile-test-none.sock');
    const io2 = bufferIo();
    expect(await run(['kill-server', '--socket', '/tmp/kubetile-test-none.sock'], io2)).toBe(1);
    expect(io2.stderr).toContain('no daemon answers on /tmp/kubetile-test-none.sock');
  });
});
