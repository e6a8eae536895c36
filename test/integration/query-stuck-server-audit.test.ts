import { describe, expect, it } from 'vitest';
import { rowDescription } from '../helpers/hostile-pg-server.js';
import { flat, flatText as text, useHostilePgWorld } from '../helpers/hostile-pg-world.js';
import { RawClient } from '../helpers/rpc-client.js';
import { keys, rowsText, waitScreen } from '../../packages/daemon/test/exec/harness.js';
import { openQueryConnected, openQueryDialog } from '../helpers/postgres-pod.js';

/**
 * The query pane against a server that stops answering (test/helpers/hostile-pg-server.ts through
 * kube-sim's real port-forward): one that logs the pane in and then never answers kubetile's first
 * query, and one that takes the cancel request and goes on. Before, the dialog said "Connecting…" and
 * the pane "Executing…" until the pane was closed; now `[query] connect_timeout_seconds` ends the
 * first, and a second ctrl+c closes the connection of the second.
 */

const SIZE = { cols: 160, rows: 44 };
const world = useHostilePgWorld('qstuck', '[query]\nconnect_timeout_seconds = 4\n');

describe('query pane against a server that stops answering', () => {
  it('logged in, then no answer to SELECT version(): the dialog says so after connect_timeout_seconds, and enter connects once the server answers', async () => {
    world.server.script = { own: (s) => s.sql.startsWith('SELECT version()') };
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openQueryDialog(c, world.ns, SIZE);
      await keys(c, 'enter');
      const v = text(await waitScreen(c, paneId, 'the connection refused', (rows) => flat(rows).includes('Connection failed') || /Connected — /.test(rows.join('\n')), 60_000));
      expect(v).toContain("accepted the login but did not answer kubetile's first query (SELECT version()) within 4 s");
      expect(world.server.seen.some((q) => q.startsWith('SELECT version()'))).toBe(true);
      world.server.script = {};
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'connected', (rows) => /Connected — PostgreSQL 16\.4/.test(rows.join('\n')), 60_000);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);

  it('a server that takes the cancel and goes on: ctrl+c sends it, a second ctrl+c closes the connection, the next run reconnects', async () => {
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openQueryConnected(c, world.ns, SIZE, /Connected — PostgreSQL 16\.4/);
      // The statement is taken and never answered; the cancel request is counted and ignored.
      world.server.script = {
        statement: (s) => {
          s.socket.write(rowDescription(['pg_sleep']));
          s.onExecute = () => undefined;
          return true;
        },
      };
      await keys(c, 'ctrl+u');
      await c.request('client/paste', { text: 'SELECT pg_sleep(3600)' });
      await keys(c, 'ctrl+r');
      await waitScreen(c, paneId, 'executing', (rows) => flat(rows).includes('Executing'), 30_000);
      const cancels = world.server.cancels;
      await keys(c, 'ctrl+c');
      await waitScreen(c, paneId, 'the cancel sent', (rows) => flat(rows).includes('cancel request sent (ctrl+c again closes the connection)'), 30_000);
      expect(world.server.cancels).toBe(cancels + 1);
      expect(flat(rowsText(await waitScreen(c, paneId, 'still executing', () => true)))).toContain('Executing');
      await keys(c, 'ctrl+c');
      const v = text(await waitScreen(c, paneId, 'the connection closed', (rows) => flat(rows).includes('second ctrl+c closed the connection'), 30_000));
      expect(v).toContain('the server did not stop the query after the cancel request');
      world.server.script = {};
      await keys(c, 'ctrl+u');
      await c.request('client/paste', { text: 'SELECT 1 AS ok' });
      await keys(c, 'ctrl+r');
      await waitScreen(c, paneId, 'the next run reconnected', (rows) => (rows.at(-1) ?? '').includes('1 row in'), 60_000);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);
});
