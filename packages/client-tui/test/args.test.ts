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
    expect(parseCli(['daemon', 'start', '--socket', '/s'])).toEqual({ kind: 'daemon-start', demo: false, socket: '/s' });
    expect(parseCli(['daemon', 'status', '--json'])).toEqual({ kind: 'daemon-status', socket: undefined, json: true });
    expect(parseCli(['daemon', 'stop'])).toEqual({ kind: 'kill-server', socket: undefined });
    expect(parseCli(['kill-server', '--socket', '/s'])).toEqual({ kind: 'kill-server', socket: '/s' });
  });

  it('help and version', () => {
    expect(parseCli(['--help']).kind).toBe('help');
    expect(parseCli(['-h']).kind).toBe('help');
    expect(parseCli(['rpc', '--help']).kind).toBe('help');
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
