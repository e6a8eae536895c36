/**
 * One embedded PostgreSQL engine (PGlite, PostgreSQL compiled to WASM) in its own process, served
 * on a loopback port by pglite-socket. Run by DemoEngine; argv: dataDir database user. A fresh data
 * directory is initialised with the role, the database and the demo schema. The process ends with
 * its parent (the IPC channel closing).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { templateAsidePrefix } from './data-dirs.js';
import { SEED_SQL } from './seed-sql.js';

const [dataDir, database, user] = process.argv.slice(2);
if (!dataDir || !database || !user || !process.send) {
  process.stderr.write('usage: engine-main DATADIR DATABASE USER (with an IPC channel)\n');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * An initialised, seeded data directory for this database/user/seed, kept in the temp dir: initdb in
 * WASM takes tens of seconds on a loaded machine, copying the result well under one. Made once
 * (written aside, then renamed into place, so a concurrent reader never sees half of one).
 */
function templateDir(): string {
  const key = createHash('sha256').update(`${database}\0${user}\0${SEED_SQL}\0pglite-0.3`).digest('hex').slice(0, 16);
  return join(tmpdir(), `kube-sim-pg-template-${key}`);
}

async function initialise(dir: string): Promise<void> {
  const boot = await PGlite.create({ dataDir: dir });
  const roles = await boot.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [user]);
  if ((roles.rows[0]?.n ?? 0) === 0) await boot.exec(`CREATE ROLE ${ident(user!)} SUPERUSER LOGIN`);
  const dbs = await boot.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [database]);
  if ((dbs.rows[0]?.n ?? 0) === 0) await boot.exec(`CREATE DATABASE ${ident(database!)} OWNER ${ident(user!)}`);
  await boot.close();
  const seeded = await PGlite.create({ dataDir: dir, database: database!, username: user! });
  await seeded.exec(SEED_SQL);
  await seeded.close();
}

async function main(): Promise<void> {
  if (!existsSync(join(dataDir!, 'PG_VERSION'))) {
    const template = templateDir();
    if (!existsSync(join(template, 'PG_VERSION'))) {
      const aside = mkdtempSync(templateAsidePrefix(template, process.pid));
      await initialise(aside);
      try {
        renameSync(aside, template);
      } catch {
        rmSync(aside, { recursive: true, force: true }); // another engine made it meanwhile
      }
    }
    cpSync(template, dataDir!, { recursive: true });
  }
  const db = await PGlite.create({ dataDir: dataDir!, database: database!, username: user! });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 16 } as ConstructorParameters<typeof PGLiteSocketServer>[0]);
  await server.start();
  const addr = (server as unknown as { server?: { address(): unknown } }).server?.address();
  const port = typeof addr === 'object' && addr !== null ? (addr as { port: number }).port : 0;
  process.send!({ ready: true, port });
}

main().catch((err: unknown) => {
  process.stderr.write(`embedded PostgreSQL failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
