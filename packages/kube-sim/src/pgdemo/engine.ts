/**
 * A demo database's engine process: started on first use, restarted after a cancel (PGlite runs a
 * statement to its end on one thread, so a cancel ends the process; committed data stays in the
 * data directory and the next connection reopens it in about two seconds).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDirPrefix, sweepStaleDataDirs } from './data-dirs.js';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The engine's entry and node flags: the built `engine-main.js` next to this file, or, running from
 * the TypeScript sources (the tests), `engine-main.ts` through tsx's ESM loader.
 */
function engineEntry(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.js')) return { file: fileURLToPath(new URL('./engine-main.js', here)), execArgv: [] };
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href; // its loader, as `node --import tsx`
  return { file: fileURLToPath(new URL('./engine-main.ts', here)), execArgv: ['--import', tsx] };
}
/** How long close() waits for a killed engine to be gone before removing its files. */
const EXIT_WAIT_MS = 5_000;
/** A first start (initdb + seed) takes a few seconds, more on a loaded machine. */
const START_TIMEOUT_MS = 120_000;

export class DemoEngine {
  private child: ChildProcess | null = null;
  private starting: Promise<number> | null = null;
  /** Made on the first start (`kube-sim-pg-<our pid>-…`, so a later process can tell a crashed owner's from a live one's). */
  private dataDir: string | null = null;
  /** Called when the process ends (a cancel, a crash): connections to it are gone. */
  onExit: (() => void) | null = null;
  /** Engine processes killed and not yet gone. */
  private readonly dying = new Map<ChildProcess, Promise<void>>();
  closed = false;

  constructor(
    readonly database: string,
    readonly user: string,
    /** Set: this engine never starts, and says why (past the bound on demo databases). */
    private readonly refusal: string | null = null,
  ) {}

  /** The loopback port of the running engine, starting it if needed. */
  port(): Promise<number> {
    if (this.refusal !== null) return Promise.reject(new Error(this.refusal));
    if (this.closed) return Promise.reject(new Error('the database is shut down'));
    this.starting ??= this.start();
    return this.starting;
  }

  private start(): Promise<number> {
    if (this.dataDir === null) {
      sweepStaleDataDirs();
      this.dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix(process.pid)));
    }
    const dataDir = this.dataDir;
    return new Promise<number>((resolve, reject) => {
      const entry = engineEntry();
      const child = fork(entry.file, [dataDir, this.database, this.user], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
      this.child = child;
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        if (stderr.length < 4096) stderr += d.toString('utf8');
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('the embedded PostgreSQL did not start in time'));
      }, START_TIMEOUT_MS);
      child.on('message', (m: unknown) => {
        const msg = m as { ready?: boolean; port?: number };
        if (msg.ready && typeof msg.port === 'number') {
          clearTimeout(timer);
          resolve(msg.port);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child === child) {
          this.child = null;
          this.starting = null;
        }
        reject(new Error(`the embedded PostgreSQL exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`));
        this.onExit?.();
      });
    });
  }

  /** True while an engine process runs or starts. */
  get running(): boolean {
    return this.child !== null;
  }

  /** Ends the running statement the only way PGlite allows: the process goes; the next use restarts it. */
  interrupt(): void {
    const child = this.child;
    if (!child) return;
    // Forgotten at once: a connection that reconnects before the exit event is seen gets a new
    // engine, not the port of the one being killed (it got 57P01 from the dead port).
    this.child = null;
    this.starting = null;
    this.kill(child);
  }

  /** Kills an engine process; resolves once it is gone (at most EXIT_WAIT_MS). */
  private kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    let gone = this.dying.get(child);
    if (!gone) {
      gone = new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        setTimeout(resolve, EXIT_WAIT_MS).unref();
      }).then(() => {
        this.dying.delete(child);
      });
      this.dying.set(child, gone);
      child.kill('SIGKILL');
    }
    return gone;
  }

  /**
   * Ends the engine and removes its data directory, once the process is gone (a process still
   * writing its WAL while the directory is removed would leave part of it behind).
   */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = null;
    this.starting = null;
    if (child) void this.kill(child);
    // Every process that had the directory open (a cancel's killed one too) is gone before it goes.
    await Promise.all([...this.dying.values()]);
    const dir = this.dataDir;
    this.dataDir = null;
    if (dir === null) return;
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    } catch {
      // left for the sweep of the next start (its owner, this process, will be gone by then)
    }
  }
}
