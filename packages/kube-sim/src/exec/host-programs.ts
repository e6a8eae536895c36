/**
 * Opt-in programs of a pod's container that are the host's own (for tests only: set through
 * `KubeSim.mapPsql`, never from the API). `psql` in the container runs the host's psql binary
 * against a server on the host (a test's real PostgreSQL on loopback): the container's arguments
 * as given, then `-h HOST -p PORT` (the last of an option wins), its environment's PG* variables
 * (PGPASSWORD among them: never a command line), stdin, stdout and stderr streamed both ways.
 */
import { spawn } from 'node:child_process';
import { readOrAbort, type ExecIO, type ShellState } from './io.js';

export interface HostPsql {
  /** The host's psql binary. */
  bin: string;
  host: string;
  port: number;
}

type Program = (args: string[], io: ExecIO, sh: ShellState) => Promise<number>;

export function hostPsql(target: HostPsql): Program {
  return (args, io, sh) =>
    new Promise<number>((resolve) => {
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' };
      for (const [k, v] of Object.entries(sh.env)) if (/^PG[A-Z]+$/.test(k) && k !== 'PGHOST' && k !== 'PGPORT') env[k] = v;
      const child = spawn(target.bin, [...args, '-h', target.host, '-p', String(target.port)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let settled = false;
      const settle = (code: number): void => {
        if (settled) return;
        settled = true;
        io.signal.removeEventListener('abort', onAbort);
        resolve(code);
      };
      // The client went away (or ^C): the program goes too.
      const onAbort = (): void => {
        child.kill('SIGTERM');
      };
      io.signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (d: Buffer) => io.out(d));
      child.stderr.on('data', (d: Buffer) => io.err(d));
      child.stdin.on('error', () => undefined);
      child.on('error', (err) => {
        io.err(`sh: psql: ${err.message}\n`);
        settle(127);
      });
      child.on('close', (code, signal) => settle(code ?? (signal ? 128 + 15 : 1)));
      void (async () => {
        for (let c = await readOrAbort(io.stdin, io.signal); c && !settled; c = await readOrAbort(io.stdin, io.signal)) {
          if (!child.stdin.write(c)) await new Promise<void>((r) => child.stdin.once('drain', () => r()).once('close', () => r()));
        }
        child.stdin.end();
      })();
    });
}
