import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT, kubetile, makeHome, stopDaemon, type Home } from './harness.js';

describe.skipIf(!BUILT)('kubetile rpc / daemon / kill-server against a real daemon', () => {
  let home: Home;
  beforeEach(() => {
    home = makeHome();
  });
  afterEach(async () => {
    await stopDaemon(home);
    home.cleanup();
  });

  it('daemon start returns once the socket answers; rpc, status and kill-server work', async () => {
    const start = await kubetile(['daemon', 'start'], home.env);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const pid = Number(start.stdout.match(/daemon started \(pid (\d+)\) on (\S+)/)![1]);
    expect(start.stdout).toContain(home.socket);

    // The socket answers right away: no waiting in between.
    const status = await kubetile(['rpc', 'daemon/status'], home.env);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as { pid: number; socket: string; sessions: number };
    expect(json.pid).toBe(pid);
    expect(json.socket).toBe(home.socket);

    const again = await kubetile(['daemon', 'start'], home.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already running (pid ${pid})`);

    const human = await kubetile(['daemon', 'status'], home.env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^pid\\s+${pid}$`, 'm'));
    expect(human.stdout).toMatch(/^uptime\s+\d/m);

    const kill = await kubetile(['kill-server'], home.env);
    expect(kill.code).toBe(0);
    expect(kill.stdout).toContain(`daemon stopped (pid ${pid})`);

    const after = await kubetile(['rpc', 'daemon/status'], home.env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain(`no daemon answers on ${home.socket}`);

    const killAgain = await kubetile(['kill-server'], home.env);
    expect(killAgain.code).toBe(1);
    expect(killAgain.stderr).toContain(`no daemon answers on ${home.socket}`);
  });

  it('--version prints the client version, and the daemon\'s when one answers', async () => {
    const alone = await kubetile(['--version'], home.env);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/^kubetile \d+\.\d+\.\d+\n/);
    expect(alone.stdout).toContain(`daemon: none answers on ${home.socket}`);
    const start = await kubetile(['daemon', 'start'], home.env);
    const pid = Number(start.stdout.match(/daemon started \(pid (\d+)\)/)![1]);
    const both = await kubetile(['--version'], home.env);
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(new RegExp(`^daemon: kubetile \\d+\\.\\d+\\.\\d+ \\(pid ${pid}, API level \\d+\\) on ${home.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('rpc --list prints every method from rpc/discover', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    const list = await kubetile(['rpc', '--list'], home.env);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(30);
    expect(list.stdout).toMatch(/^daemon\/hello\s+request\s+since 1\s+Handshake/m);
    expect(list.stdout).toMatch(/^pane\/snapshot\s+request\s+since 1/m);
    expect(list.stdout).toMatch(/^session\/layout\s+notification\s+since 1/m);
    expect(list.stdout).toMatch(/^daemon\/exit\s+notification/m);
  });

  it('rpc errors: bad JSON exits 2 naming it; unknown method and bad params exit 1 with code and message', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);

    const bad = await kubetile(['rpc', 'pane/snapshot', '{paneId:1}'], home.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('json-params is not valid JSON');
    expect(bad.stderr).toContain('{paneId:1}');
    expect(bad.stdout).toBe('');

    const unknown = await kubetile(['rpc', 'no/such-method'], home.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error -32601: .*no\/such-method/m);
    expect(unknown.stdout).toBe('');

    const params = await kubetile(['rpc', 'pane/snapshot', '{"paneId":"x"}'], home.env);
    expect(params.code).toBe(1);
    expect(params.stderr).toMatch(/^error -32602: .*paneId/m);
  });

  it('pane/snapshot returns what a pane shows, as structured data', async () => {
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    const opened = await kubetile(['rpc', 'pane/open', '{"session":"main","view":{"key":"help"}}'], home.env);
    expect(opened.code).toBe(0);
    const { paneId } = JSON.parse(opened.stdout) as { paneId: number };
    const snap = await kubetile(['rpc', 'pane/snapshot', JSON.stringify({ paneId, rows: 10, cols: 60 })], home.env);
    expect(snap.code).toBe(0);
    const res = JSON.parse(snap.stdout) as { paneId: number; view: { type: string; title: string; lines: Array<{ text: string }> } };
    expect(res.paneId).toBe(paneId);
    expect(res.view.type).toBe('lines');
    expect(res.view.title).toBe('Help');
    expect(res.view.lines.map((l) => l.text).join('\n')).toContain('Ctrl+Q');
  });

  it('--socket and KUBETILE_SOCKET choose the socket', async () => {
    const sock = `${home.dir}/alt.sock`;
    const start = await kubetile(['daemon', 'start', '--socket', sock], home.env);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain(sock);
    const viaEnv = await kubetile(['rpc', 'daemon/status'], { ...home.env, KUBETILE_SOCKET: sock });
    expect(viaEnv.code).toBe(0);
    expect((JSON.parse(viaEnv.stdout) as { socket: string }).socket).toBe(sock);
    // The default socket has no daemon.
    expect((await kubetile(['rpc', 'daemon/status'], home.env)).code).toBe(1);
    expect((await kubetile(['kill-server', '--socket', sock], home.env)).code).toBe(0);
  });

  it('a socket path too long for a Unix socket, an empty one and a message quoting a huge argument are said plainly', async () => {
    const long = `${home.dir}/${'d'.repeat(200)}.sock`;
    const tooLong = await kubetile(['rpc', 'daemon/status', '--socket', long], home.env);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain(`bytes, more than the 107 a Unix socket allows`);
    expect(tooLong.stderr).not.toContain('no socket file');
    const empty = await kubetile(['rpc', 'daemon/status', '--socket', ''], home.env);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--socket needs a path, not an empty one');
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    const huge = await kubetile(['rpc', `no/${'x'.repeat(120_000)}`], home.env);
    expect(huge.code).toBe(1);
    expect(huge.stderr.length).toBeLessThan(2200);
    expect(huge.stderr).toMatch(/^error -32601: unknown method 'no\/x+… \(1[\d,]+ more characters\)\n$/);
  });

  it('daemon run stays in the foreground and exits with the daemon on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const { CLIENT_MAIN, until } = await import('./harness.js');
    const child = spawn(process.execPath, [CLIENT_MAIN, 'daemon', 'run'], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until('daemon answering', async () => (await kubetile(['rpc', 'daemon/status'], home.env)).code === 0);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await kubetile(['rpc', 'daemon/status'], home.env)).code).toBe(1);
  });

  it('daemon start reports a daemon that cannot start, naming the socket and the log', async () => {
    const res = await kubetile(['daemon', 'start', '--config', `${home.dir}/missing-dir/x.toml`], { ...home.env, KUBETILE_DAEMON_MAIN: `${home.dir}/nope.js` });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(home.socket);
    expect(res.stderr).toContain('daemon-launch.log');
  });
});
