import { describe, it } from 'vitest';
import { SEED_SQL } from '../../packages/kube-sim/src/pgdemo/seed-sql.js';
import { findPostgres, startRealPostgres, type RealPostgres } from '../helpers/real-postgres.js';
import { DB_PASSWORD, DB_USER, defineQueryPaneSuite } from './query-suite.js';

/**
 * The query pane against a real PostgreSQL server (Debian's `postgresql`): the test starts its own
 * cluster (initdb + pg_ctl in a temp dir, loopback, scram-sha-256), seeds the demo schema with the
 * real `psql`, and kube-sim's port-forward of the pod's 5432 leads to it. Skipped, saying why, where
 * PostgreSQL is not installed.
 */
const found = findPostgres();
if ('missing' in found) {
  describe('query pane on a real PostgreSQL', () => {
    it.skip(found.missing, () => undefined);
  });
  process.stderr.write(`query-real-postgres: ${found.missing}\n`);
} else {
  let server: RealPostgres | null = null;
  defineQueryPaneSuite('a real PostgreSQL server', {
    prepare: async (sim, ns) => {
      server = await startRealPostgres(found.bin, DB_USER, DB_PASSWORD);
      server.psql('postgres', 'CREATE DATABASE shop');
      server.psql('shop', SEED_SQL);
      sim.setPortTarget(ns, 'db-0', 5432, { host: '127.0.0.1', port: server.port });
      return {};
    },
    stop: () => server?.stop(),
    // The server ends the pane's backend, as an administrator's pg_terminate_backend does.
    dropConnection: async (c, run) => run(c, 'SELECT pg_terminate_backend(pg_backend_pid())'),
    // The real server's own version (PGlite says 17.5): the pane talked to this server.
    get banner() {
      return new RegExp(`Connected — PostgreSQL ${(server?.version ?? 'unknown').split(' ')[0]!.replace(/\./g, '\\.')} `);
    },
  });
}
