/**
 * One embedded PostgreSQL engine (PGlite, PostgreSQL compiled to WASM) in its own process, served
 * on a loopback port by pglite-socket. Run by DemoEngine; argv: dataDir database user. A fresh data
 * directory is initialised with the role, the database and the demo schema. The process ends with
 * its parent (the IPC channel closing).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SEED_SQL } from './seed-sql.js';

const [dataDir, database, user] = process.argv.slice(2);
if (!dataDir || !database || !user || !process.send) {
  process.stderr.write('usage: engine-main DATADIR DATABASE USER (with an IPC channel)\n');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

async function main(): Promise<void> {
  const fresh = !existsSync(join(dataDir!, 'PG_VERSION'));
  if (fresh) {
    const boot = await PGlite.create({ dataDir: dataDir! });
    const roles = await boot.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1', [user]);
    if ((roles.rows[0]?.n ?? 0) === 0) await boot.exec(`CREATE ROLE ${ident(user!)} SUPERUSER LOGIN`);
    const dbs = await boot.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [database]);
    if ((dbs.rows[0]?.n ?? 0) === 0) await boot.exec(`CREATE DATABASE ${ident(database!)} OWNER ${ident(user!)}`);
    await boot.close();
  }
  const db = await PGlite.create({ dataDir: dataDir!, database: database!, username: user! });
  if (fresh) await db.exec(SEED_SQL);
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
