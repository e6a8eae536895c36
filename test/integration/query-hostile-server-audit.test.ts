import { describe, expect, it } from 'vitest';
import { commandComplete, cstr, dataRow, defaultStartup, int16, int32, msg, rowDescription } from '../helpers/hostile-pg-server.js';
import { flat, flatText as text, useHostilePgWorld } from '../helpers/hostile-pg-world.js';
import { RawClient } from '../helpers/rpc-client.js';
import { keys, rowsText, waitFor, waitScreen } from '../../packages/daemon/test/exec/harness.js';
import { openQueryConnected, openQueryDialog } from '../helpers/postgres-pod.js';

/**
 * The query pane against a server that is not a well-behaved PostgreSQL (test/helpers/hostile-pg-server.ts,
 * reached through kube-sim's real port-forward): messages the pg driver's parser cannot read safely,
 * an authentication method the driver does not have, more rows than a cursor asked for, a COPY
 * response. Each must end in the pane saying what the server did, with the daemon still answering
 * and the next run reconnecting — not a daemon spinning forever, nor a query "Executing…" forever.
 */

const SIZE = { cols: 160, rows: 44 };
const world = useHostilePgWorld('qhostile');

/** Clears the editor, pastes `sql` and runs it (ctrl+r). */
async function run(c: RawClient, sql: string): Promise<void> {
  await keys(c, 'ctrl+u');
  await c.request('client/paste', { text: sql });
  await keys(c, 'ctrl+r');
}

const openDialog = (c: RawClient): Promise<number> => openQueryDialog(c, world.ns, SIZE);
const openAndConnect = (c: RawClient): Promise<number> => openQueryConnected(c, world.ns, SIZE, /Connected — PostgreSQL 16\.4/);

/** The daemon still answers, and the pane's next run connects again and shows its row. */
async function recovers(c: RawClient, paneId: number): Promise<void> {
  await world.w.script.request('rpc/echo', { value: 1 });
  world.server.script = {};
  await run(c, 'SELECT 1 AS ok');
  await waitScreen(c, paneId, 'the next run reconnected', (rows) => (rows.at(-1) ?? '').includes('1 row in'), 60_000);
}

describe('query pane against a hostile PostgreSQL server', () => {
  it('ctrl+r while the connection is still being made runs the query once connected (it said "connect first" and the query was lost)', async () => {
    const c = await RawClient.connect(world.w.env.socket);
    let release: (() => void) | null = null;
    try {
      world.server.script = {
        // The login is answered only when the test says: the pane stays "connecting" meanwhile.
        startup: (socket) => {
          release = () => defaultStartup(socket);
        },
        statement: (st) => {
          st.result(['answer'], [['typed ahead']]);
          return true;
        },
      };
      const paneId = await openDialog(c);
      await keys(c, 'enter');
      await waitFor('the server asked to log in', () => release !== null, 60_000);
      await run(c, 'SELECT typed_ahead');
      await waitScreen(c, paneId, 'the pane says the query waits', (rows) => flat(rows).includes('connecting…: the query runs once connected'), 30_000);
      release!();
      await waitScreen(c, paneId, 'the query ran once connected', (rows) => flat(rows).includes('typed ahead') && (rows.at(-1) ?? '').includes('1 row in'), 60_000);
      expect(world.server.seen).toContain('SELECT typed_ahead');
    } finally {
      c.close();
    }
  });

  it('an ErrorResponse without its closing NUL: the pane names it and the daemon keeps answering (the driver looped forever on it)', async () => {
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      world.server.script = {
        statement: (s) => {
          // Fields S and M, but not the NUL that ends the list: the last bytes the server sends.
          s.socket.write(msg('E', cstr('SERROR'), cstr('Mboom')));
          return true;
        },
      };
      await run(c, 'SELECT broken_error');
      const v = text(await waitScreen(c, paneId, 'the refusal', (rows) => flat(rows).includes('not valid PostgreSQL protocol'), 60_000));
      expect(v).toContain(`${world.ns}/db-0:5432 sent an ErrorResponse that is cut short`);
      expect(v).toContain('the connection is gone: the next run reconnects');
      await recovers(c, paneId);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);

  it('a DataRow whose counts lie (more values than it holds; a length of -5): the pane names it at once (the query stayed "Executing…" forever)', async () => {
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      for (const [row, said] of [
        [msg('D', int16(5), int32(1), Buffer.from('x')), 'a DataRow that is cut short'],
        [msg('D', int16(2), int32(-5), int32(1), Buffer.from('y')), 'a DataRow whose value 1 of 2 has the length -5'],
        [msg('D', int16(1), int32(1_000_000), Buffer.from('z')), 'a DataRow that says 1,000,000 bytes follow where 1 do'],
      ] as const) {
        world.server.script = {
          statement: (s) => {
            s.socket.write(rowDescription(['a']));
            s.onExecute = () => s.socket.write(row);
            return true;
          },
        };
        await run(c, 'SELECT lying_row');
        const v = text(await waitScreen(c, paneId, `the refusal (${said})`, (rows) => flat(rows).includes(said), 60_000));
        expect(v).toContain('which is not valid PostgreSQL protocol: the connection was closed (the next run reconnects)');
        await recovers(c, paneId);
      }
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 300_000);

  it('a server asking for GSSAPI authentication: the dialog says so at once (it waited 30 s, then said nothing answered as PostgreSQL)', async () => {
    world.server.script = { startup: (sock) => sock.write(msg('R', int32(7))) };
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openDialog(c);
      await keys(c, 'enter');
      const v = text(await waitScreen(c, paneId, 'the refusal', (rows) => flat(rows).includes('Connection failed'), 60_000));
      expect(v).toContain('GSSAPI authentication (AuthenticationRequest 7)');
      expect(v).toContain("which kubetile's PostgreSQL driver does not support");
      expect(v).not.toContain('nothing answered as PostgreSQL');
      // The dialog is still there: with a server that accepts, enter connects.
      world.server.script = {};
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'connected', (rows) => /Connected — PostgreSQL 16\.4/.test(rows.join('\n')), 60_000);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);

  it('more rows than the cursor asked for: stopped at the first one too many, not all 300,000 kept', async () => {
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      world.server.script = {
        statement: (s) => {
          s.socket.write(rowDescription(['n']));
          s.onExecute = () => {
            // The Execute asked for row_cap (500) rows; this server sends all it has, then says "suspended".
            const rows: Buffer[] = [];
            for (let i = 0; i < 300_000; i++) rows.push(dataRow([`row ${i}`]));
            rows.push(msg('s'));
            s.socket.write(Buffer.concat(rows));
          };
          return true;
        },
      };
      await run(c, 'SELECT flood');
      const v = text(await waitScreen(c, paneId, 'the refusal', (rows) => flat(rows).includes('not valid PostgreSQL protocol') || /^[\d,]+ rows/.test(rows.at(-1) ?? ''), 60_000));
      expect(v).toContain('sent more rows than the 500 asked for');
      expect(v).not.toContain('300,000');
      await recovers(c, paneId);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);

  it("kubetile's own query (SELECT version()) answered with 200,000 rows: the connection fails at the second one, saying so (all were kept)", async () => {
    world.server.script = {
      own: (s) => {
        if (!s.sql.startsWith('SELECT version()')) return false;
        const rows: Buffer[] = [rowDescription(['version'])];
        for (let i = 0; i < 200_000; i++) rows.push(dataRow([`PostgreSQL 16.4 flood ${i}`]));
        s.socket.write(Buffer.concat([...rows, commandComplete('SELECT 200000'), msg('Z', Buffer.from('I'))]));
        return true;
      },
    };
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openDialog(c);
      await keys(c, 'enter');
      const v = text(await waitScreen(c, paneId, 'the refusal', (rows) => flat(rows).includes('Connection failed') || /Connected — /.test(rows.join('\n')), 60_000));
      expect(v).toContain("answered a query of kubetile's own (SELECT version() AS version…) with more rows than the 1 it can have");
      world.server.script = {};
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'connected', (rows) => /Connected — PostgreSQL 16\.4/.test(rows.join('\n')), 60_000);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);

  it('a column name of 20,000,000 characters is kept cut (saying so): the table, the record view and the status line show its start, not the whole name on every redraw', async () => {
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      world.server.script = {
        statement: (s) => {
          s.result(['n'.repeat(20_000_000), 'b'], [['1', '2']]);
          return true;
        },
      };
      await run(c, 'SELECT wide_name');
      await waitScreen(c, paneId, 'the result', (rows) => /1 row in/.test(rows.at(-1) ?? ''), 60_000);
      await keys(c, 'esc');
      await c.waitLayout('browse mode', (l) => l.mode === 'normal');
      await keys(c, 'v');
      const rec = rowsText(await waitScreen(c, paneId, 'the record view', (rows) => rows.some((r) => r.startsWith('Row 1 of 1'))));
      const label = rec.find((r) => r.startsWith('nnnn'));
      expect(label).toBe(`${'n'.repeat(256)}… (a name of 20,000,000 characters) (text)`);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);

  it('a COPY response (what COPY … TO STDOUT gets): the pane says COPY to the client is not taken, not "Executing…" forever', async () => {
    const c = await RawClient.connect(world.w.env.socket);
    try {
      const paneId = await openAndConnect(c);
      world.server.script = {
        statement: (s) => {
          // What PostgreSQL answers COPY … TO STDOUT with: CopyOutResponse, CopyData, CopyDone, CommandComplete.
          s.socket.write(msg('n'));
          s.onExecute = () => s.socket.write(Buffer.concat([msg('H', Buffer.from([0]), int16(1), int16(0)), msg('d', Buffer.from('1\n')), msg('c'), commandComplete('COPY 1')]));
          return true;
        },
      };
      await run(c, 'COPY (SELECT 1) TO STDOUT');
      const v = text(await waitScreen(c, paneId, 'the refusal', (rows) => flat(rows).includes('CopyOutResponse'), 60_000));
      expect(v).toContain('COPY … FROM STDIN / TO STDOUT streams data the query pane does not take');
      await recovers(c, paneId);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, 180_000);
});
