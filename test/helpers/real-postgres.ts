/**
 * A real PostgreSQL server for the query pane's real-server tier: Debian's `postgresql` binaries,
 * a cluster of its own (initdb in a temp dir, pg_ctl on a free loopback port, scram-sha-256
 * passwords), stopped and removed afterwards. Run as the `postgres` user when the tests run as root
 * (initdb refuses root). `findPostgres()` says why the tier is skipped where the binaries are missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RealPostgres {
  port: number;
  version: string;
  /** Runs SQL as the superuser through the real `psql` (ON_ERROR_STOP). */
  psql(database: string, sql: string): string;
  stop(): void;
}

/** The directory with initdb/pg_ctl/psql, or why there is none. */
export function findPostgres(): { bin: string } | { missing: string } {
  const candidates: string[] = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) for (const v of readdirSync(root).sort((a, b) => Number(b) - Number(a))) candidates.push(join(root, v, 'bin'));
  for (const dir of candidates) if (['initdb', 'pg_ctl', 'postgres', 'psql'].every((b) => existsSync(join(dir, b)))) return { bin: dir };
  return { missing: 'PostgreSQL is not installed (Debian: apt-get install postgresql postgresql-client); the real-server tier is skipped' };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Starts a cluster whose superuser is `user` with `password`; resolves once it accepts connections. */
export async function startRealPostgres(bin: string, user: string, password: string): Promise<RealPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'kt-pg-'));
  const asRoot = process.getuid?.() === 0;
  let uid = -1;
  let gid = -1;
  if (asRoot) {
    const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim();
    [uid, gid] = line.split(':').slice(2, 4).map(Number) as [number, number];
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]): string => {
    const full = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    const r = spawnSync(full[0], [...full[1]], { encoding: 'utf8', cwd: dir, env: { ...process.env, LC_ALL: 'C.UTF-8', PGPASSWORD: password }, timeout: 180_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  chmodSync(pwfile, 0o600);
  if (asRoot) chownSync(pwfile, uid, gid);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', user, '--pwfile', pwfile, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-sync']);
  rmSync(pwfile);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '120', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, 'start']);
  const psql = (database: string, sql: string): string => run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-At', '-c', sql]);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // gone already
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that ends without its afterAll (a hook timeout) leaves no server behind.
  process.on('exit', stop);
  const version = psql('postgres', 'SHOW server_version').trim();
  return { port, version, psql, stop };
}
