import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { profArgs } from './options.js';
import { DAEMON_MAIN, socketAccepts, waitFor, type TestEnv } from '../../test/helpers/daemon-process.js';

/**
 * `kubetiled run` as a real process, optionally with node's inspector on a loopback port so the
 * benchmark can collect garbage in it before reading its heap (a size measured without a GC first
 * is noise: the verdict flipped between runs).
 */
export class BenchDaemon {
  private stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.stdout!.resume();
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(env: TestEnv, o: { inspect?: boolean } = {}): Promise<BenchDaemon> {
    const args = [...profArgs(), ...(o.inspect ? ['--inspect=127.0.0.1:0'] : []), DAEMON_MAIN, 'run', '--socket', env.socket];
    const d = new BenchDaemon(spawn(process.execPath, args, { env: env.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    let gone = false;
    void d.exited.then(() => (gone = true));
    await waitFor('daemon socket', async () => {
      if (gone) throw new Error(`daemon exited early: ${d.stderr}`);
      return socketAccepts(env.socket);
    }, 60_000);
    return d;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Runs a full GC in the daemon (inspector's HeapProfiler.collectGarbage), then reads its process.memoryUsage(). */
  async memoryAfterGc(): Promise<{ rss: number; heapUsed: number }> {
    const m = /Debugger listening on (ws:\/\/\S+)/.exec(this.stderr);
    if (!m) throw new Error('the daemon was not started with the inspector');
    const ws = new WebSocket(m[1]!);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let id = 0;
    const call = (method: string, params: unknown = {}): Promise<{ result?: { result?: { value?: unknown } } }> =>
      new Promise((resolve, reject) => {
        const my = ++id;
        const on = (data: WebSocket.RawData): void => {
          const msg = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
          if (msg.id !== my) return;
          ws.off('message', on);
          if (msg.error) reject(new Error(msg.error.message));
          else resolve(msg as { result?: { result?: { value?: unknown } } });
        };
        ws.on('message', on);
        ws.send(JSON.stringify({ id: my, method, params }));
      });
    try {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const r = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
      return JSON.parse(String(r.result?.result?.value)) as { rss: number; heapUsed: number };
    } finally {
      ws.close();
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}
