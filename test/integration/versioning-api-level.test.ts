import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { API_LEVEL, ErrorCodes, PRODUCT_VERSION } from '@kubetile/rpc-schema';
import { CLIENT_MAIN, makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * API levels, both ways: a client newer than the daemon, and a daemon newer than the client (played
 * by a scripted daemon of a future kubetile). Each side gets one message naming both versions and what
 * to do ('kubetile daemon restart'), never a hang; the TUI says it before taking the screen; and
 * `kubetile daemon restart` replaces a daemon of another level with this version's, sessions kept.
 */

const run = promisify(execFile);
let env: TestEnv;
let daemon: DaemonProcess | null = null;
let fake: FutureDaemon | null = null;
beforeEach(() => {
  env = makeTestEnv();
  env.env.KUBETILE_SOCKET = env.socket;
});
afterEach(async () => {
  await fake?.close();
  fake = null;
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

async function kt(args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLIENT_MAIN, ...args], { env: env.env, timeout: timeoutMs });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

/**
 * A daemon of a future kubetile (0.9.0, API levels 2..3) on the socket: it refuses level-1 clients
 * the way this build's daemon refuses others (error -32001 with its version in `data`) — or, with
 * `accept`, answers hello at level 3 without negotiating. Speaks daemon/shutdown at its own level.
 */
class FutureDaemon {
  readonly pid = 424242;
  shutdowns = 0;
  private readonly conns: MessageConnection[] = [];
  private readonly server: Server;

  constructor(
    private readonly socket: string,
    private readonly mode: 'refuse' | 'accept',
  ) {
    this.server = createServer((sock) => {
      const conn = createMessageConnection(new StreamMessageReader(sock), new StreamMessageWriter(sock));
      this.conns.push(conn);
      let level = 0;
      conn.onRequest('daemon/hello', (p: { apiLevel: number }) => {
        const server = { name: 'kubetile', version: '0.9.0', pid: this.pid };
        if (this.mode === 'accept') return { server, apiLevel: 3 };
        if (p.apiLevel < 2) {
          throw new ResponseError(ErrorCodes.IncompatibleApiLevel, `client speaks API level ${p.apiLevel}; this daemon (0.9.0) speaks 2..3`, {
            server,
            apiLevel: 3,
            minApiLevel: 2,
          });
        }
        level = p.apiLevel;
        return { server, apiLevel: level, minApiLevel: 2, maxApiLevel: 3 };
      });
      conn.onRequest('daemon/shutdown', () => {
        if (level < 2) throw new ResponseError(ErrorCodes.HandshakeRequired, 'call daemon/hello first');
        this.shutdowns++;
        setImmediate(() => void this.close());
        return { ok: true };
      });
      conn.onClose(() => conn.dispose());
      conn.listen();
    });
  }

  async listen(): Promise<void> {
    mkdirSync(dirname(this.socket), { recursive: true, mode: 0o700 });
    await new Promise<void>((r) => this.server.listen(this.socket, () => r()));
    chmodSync(this.socket, 0o600);
  }

  async close(): Promise<void> {
    for (const c of this.conns.splice(0)) c.dispose();
    await new Promise<void>((r) => this.server.close(() => r()));
    rmSync(this.socket, { force: true });
  }
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a client newer than the daemon', () => {
  it('is refused with both versions and what to do; one that also speaks the daemon level gets it', async () => {
    daemon = await startDaemon(env);
    const c = await RawClient.connect(env.socket, { hello: false });
    const err = await c.request('daemon/hello', { client: { name: 'kubetile', version: '0.2.0' }, apiLevel: API_LEVEL + 1, minApiLevel: API_LEVEL + 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseError);
    const e = err as ResponseError<{ server: { version: string; pid: number }; apiLevel: number }>;
    expect(e.code).toBe(ErrorCodes.IncompatibleApiLevel);
    expect(e.message).toBe(
      `kubetile 0.2.0 (API level ${API_LEVEL + 1}) and the daemon is kubetile ${PRODUCT_VERSION} (API level ${API_LEVEL}, pid ${daemon.child.pid}) share no API level; ` +
        "the daemon is older: restart it with this version with 'kubetile daemon restart' (sessions and port-forwards come back)",
    );
    expect(e.data).toMatchObject({ server: { version: PRODUCT_VERSION, pid: daemon.child.pid }, apiLevel: API_LEVEL });
    // Nothing else is served before a hello succeeds.
    await expect(c.request('daemon/status')).rejects.toThrow(/call daemon\/hello first/);
    // A client that speaks this level too is answered at it.
    const ok = await c.request<{ apiLevel: number; maxApiLevel: number }>('daemon/hello', { client: { name: 'kubetile', version: '0.2.0' }, apiLevel: API_LEVEL + 1, minApiLevel: API_LEVEL });
    expect(ok).toMatchObject({ apiLevel: API_LEVEL, maxApiLevel: API_LEVEL });
    c.close();
  });
});

describe('a daemon newer than the client', () => {
  it('kubetile commands say both versions and what to do, at once (exit 1)', async () => {
    fake = new FutureDaemon(env.socket, 'refuse');
    await fake.listen();
    const started = Date.now();
    const r = await kt(['rpc', 'daemon/status']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `kubetile: kubetile ${PRODUCT_VERSION} (API level ${API_LEVEL}) and the daemon is kubetile 0.9.0 (API levels 2..3, pid ${fake.pid}) share no API level; ` +
        `this client is older: use kubetile 0.9.0 (upgrade this install), or run this version's daemon with 'kubetile daemon restart'\n`,
    );
    const open = await kt(['open', 'pods']);
    expect(open.code).toBe(1);
    expect(open.stderr).toMatch(/share no API level/);
  });

  it('a daemon that answers at a level this client does not speak is refused by the client, with the same message', async () => {
    fake = new FutureDaemon(env.socket, 'accept');
    await fake.listen();
    const r = await kt(['snapshot', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^kubetile: kubetile ${esc(PRODUCT_VERSION)} \\(API level ${API_LEVEL}\\) and the daemon is kubetile 0\\.9\\.0 \\(API level 3, pid ${fake.pid}\\) share no API level; .*kubetile daemon restart`));
  });

  it.skipIf(spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0)('the TUI says it plainly before taking the screen', async () => {
    fake = new FutureDaemon(env.socket, 'refuse');
    await fake.listen();
    const cmd = `stty cols 100 rows 30; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLIENT_MAIN)}`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: env.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code).toBe(1);
    expect(out).toContain('share no API level');
    expect(out).toContain("'kubetile daemon restart'");
    expect(out).not.toContain('\x1b[?1049h'); // the alternate screen was never entered
  });

  it('kubetile daemon restart stops it (at its own level) and starts this version, which every command then reaches', async () => {
    fake = new FutureDaemon(env.socket, 'refuse');
    await fake.listen();
    const r = await kt(['daemon', 'restart'], 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fake.shutdowns).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^kubetile: daemon restarted \\(pid ${fake.pid} → \\d+\\), kubetile ${esc(PRODUCT_VERSION)} on `));
    fake = null;
    const status = JSON.parse((await kt(['rpc', 'daemon/status'])).stdout) as { version: string; pid: number };
    expect(status.version).toBe(PRODUCT_VERSION);
    process.kill(status.pid, 'SIGTERM');
    await waitFor('the started daemon gone', async () => (await kt(['rpc', 'daemon/status'])).code === 1);
  }, 90_000);
});

describe('kubetile daemon restart', () => {
  it('restarts a running daemon; its sessions come back', async () => {
    const start = await kt(['daemon', 'start']);
    expect(start.code).toBe(0);
    const pid = Number(/pid (\d+)/.exec(start.stdout)![1]);
    const opened = JSON.parse((await kt(['rpc', 'pane/open', '{"session":"work","view":{"key":"help"},"newTab":true}'])).stdout) as { paneId: number };
    await waitFor('saved', async () => {
      const { readFileSync, existsSync } = await import('node:fs');
      const f = `${env.dir}/state/kubetile/sessions.json`;
      return existsSync(f) && readFileSync(f, 'utf8').includes('"work"');
    });
    const r = await kt(['daemon', 'restart', '--json'], 60_000);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { stopped: number; started: number; version: string };
    expect(j.stopped).toBe(pid);
    expect(j.started).not.toBe(pid);
    const panes = JSON.parse((await kt(['rpc', 'pane/list', '{"session":"work"}'])).stdout) as { panes: Array<{ paneId: number; key: string }> };
    expect(panes.panes).toEqual(expect.arrayContaining([expect.objectContaining({ paneId: opened.paneId, key: 'help' })]));
    expect((await kt(['kill-server'])).code).toBe(0);
  }, 90_000);

  it('with no daemon running, starts one', async () => {
    const r = await kt(['daemon', 'restart'], 60_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kubetile: daemon started \(pid \d+\)/);
    expect((await kt(['kill-server'])).code).toBe(0);
  }, 90_000);
});
