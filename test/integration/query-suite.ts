import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TerminalView } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { startDaemon, type DaemonProcess } from '../helpers/daemon-process.js';
import { focusedQueryPane, keys, pod, podsPane, withConfig, rowsText, startWorld, type, waitFor, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * The query pane's tests, run against the demo's embedded engine (query-demo.test.ts) and a real
 * PostgreSQL server (query-real-postgres.test.ts): a pod whose credentials come from a Secret
 * (secretKeyRef) and a ConfigMap (envFrom), `shift+q` on it, the connection dialog prefilled, a wrong
 * password, rows with NULLs, a syntax error, a cancel of `SELECT pg_sleep(30)`, the CSV export file,
 * and history and saved queries across a daemon restart. Real daemon on a real socket, kube-sim
 * speaking the real port-forward protocol, everything read from what the pane shows.
 */

export const DB_USER = 'shop';
export const DB_PASSWORD = 'pw-123 ok';

export interface QueryBackendSetup {
  /** Makes namespace `ns`'s pod `db-0` (already created) answer on 5432 with a database `shop` seeded with the demo schema. */
  prepare(sim: KubeSim, ns: string): Promise<{ podAnnotations?: Record<string, string> }>;
  stop?(): Promise<void> | void;
  /** Ends the pane's connection from the server's side (`run` types and runs SQL in the pane). */
  dropConnection?(c: RawClient, run: (c: RawClient, sql: string) => Promise<void>): Promise<void>;
  /** The server's banner as the pane's status shows it (`PostgreSQL 17.5`). */
  banner: RegExp;
}


export function defineQueryPaneSuite(name: string, setup: QueryBackendSetup): void {
  /** The engine's first start is an initdb in WASM (tens of seconds on a loaded 2-core machine). */
  const ENGINE = 240_000;
  const SIZE = { cols: 140, rows: 44 };
  let w: ExecWorld;
  let ns: string;
  /** The daemon started again by the restart test (the world stops the first one). */
  let restarted: { daemon: DaemonProcess; script: RawClient } | null = null;

  beforeAll(async () => {
    w = await startWorld();
    ns = `query-${process.pid}`;
    w.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    w.sim.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg-cred', namespace: ns }, type: 'Opaque', data: { username: Buffer.from(DB_USER).toString('base64'), password: Buffer.from(DB_PASSWORD).toString('base64') } });
    w.sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pg-env', namespace: ns }, data: { POSTGRES_DB: 'shop' } });
    const p = pod('db-0', ns, ['postgres']) as ReturnType<typeof pod> & { metadata: { annotations?: Record<string, string> }; spec: { containers: Array<Record<string, unknown>> } };
    Object.assign(p.spec.containers[0]!, {
      image: 'postgres:16.4',
      ports: [{ containerPort: 5432, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: 'pg-env' } }],
      env: [
        { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'pg-cred', key: 'username' } } },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg-cred', key: 'password' } } },
      ],
    });
    const { podAnnotations } = await setup.prepare(w.sim, ns);
    if (podAnnotations) p.metadata.annotations = podAnnotations;
    w.sim.createObject(p);
  }, ENGINE);
  afterAll(async () => {
    try {
      if (restarted) {
        restarted.script.close();
        await restarted.daemon.stop();
      }
      await w?.stop();
    } finally {
      await setup.stop?.();
    }
  });

  const text = (v: TerminalView): string => rowsText(v).join('\n');


  /** Types into the editor (clearing it first) and runs it with ctrl+r. */
  async function run(c: RawClient, sql: string): Promise<void> {
    await keys(c, 'ctrl+u');
    await type(c, sql);
    await keys(c, 'ctrl+r');
  }

  /** The next run after the connection went: it connects again and answers. */
  async function reconnects(c: RawClient, paneId: number): Promise<void> {
    await run(c, "SELECT 'back again' AS probe");
    await waitScreen(c, paneId, 'the next run reconnected', (rows) => rows.some((r) => r.includes('back again')), ENGINE);
  }



  /** shift+q on db-0, then the dialog connects with the password the Secret holds. */
  async function openAndConnect(c: RawClient): Promise<number> {
    await c.attach(SIZE);
    return connectAgain(c);
  }

  /** Closes a query pane and waits until this client's layout no longer has it. */
  async function closeQueryPane(c: RawClient, paneId: number): Promise<void> {
    await c.request('pane/close', { paneId });
    await c.waitLayout(`pane ${paneId} closed`, (l) => !Object.keys(l.paneTitles).includes(String(paneId)), 60_000);
  }

  /** The same on a client already attached. */
  async function connectAgain(c: RawClient): Promise<number> {
    await podsPane(c, ns, ['db-0']);
    await keys(c, 'shift+q');
    const paneId = await focusedQueryPane(c);
    // Generous: on a loaded 2-core machine the demo engine may be restarting (a cancel ends its process).
    await c.waitLayout('insert mode for the dialog', (l) => l.mode === 'insert', 60_000);
    await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL'), 60_000);
    await keys(c, 'enter');
    await waitScreen(c, paneId, 'connected', (rows) => setup.banner.test(rows.join('\n')), ENGINE);
    return paneId;
  }

  describe(`query pane on ${name}`, () => {
    it('shift+q on a pod: the dialog prefilled from secretKeyRef and envFrom; a wrong password is refused in the pane; rows with NULLs; a syntax error', async () => {
      const c = await RawClient.connect(w.env.socket);
      try {
        await c.attach(SIZE);
        await podsPane(c, ns, ['db-0']);
        await keys(c, 'shift+q');
        const paneId = await focusedQueryPane(c);
        expect(c.layout!.paneTitles[String(paneId)]).toBe(`query ${ns}/db-0`);
        await c.waitLayout('insert mode for the dialog', (l) => l.mode === 'insert');
        const form = text(await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL')));
        expect(form).toMatch(/Database\s+shop\s+\(POSTGRES_DB from configmap pg-env\)/);
        expect(form).toMatch(/User\s+shop\s+\(POSTGRES_USER from secret pg-cred key username\)/);
        expect(form).toMatch(/Password\s+•{9}\s+\(POSTGRES_PASSWORD from secret pg-cred key password\)/);
        expect(form).not.toContain('pw-123');

        // A wrong password: the server's refusal in the dialog, nothing else disturbed.
        await keys(c, 'tab', 'tab', 'ctrl+u');
        await type(c, 'wrong');
        await keys(c, 'enter');
        const refused = text(await waitScreen(c, paneId, 'the refusal', (rows) => rows.join('\n').includes('Connection failed'), ENGINE));
        expect(refused).toContain('Connection failed: FATAL: password authentication failed for user "shop" (SQLSTATE 28P01)');
        await keys(c, 'ctrl+u');
        await type(c, 'pw-123 ok');
        await keys(c, 'enter');
        await waitScreen(c, paneId, 'connected', (rows) => setup.banner.test(rows.join('\n')), ENGINE);

        await run(c, 'SELECT id, name, country, preferences FROM customers ORDER BY id');
        const table = await waitScreen(c, paneId, 'the rows', (rows) => rows.join('\n').includes('Ken Thompson'), 60_000);
        const lines = rowsText(table);
        const header = lines.find((l) => /\bid\b.*\bname\b.*\bcountry\b.*\bpreferences\b/.test(l));
        expect(header).toBeDefined();
        expect(lines.find((l) => l.includes('Ada Lovelace'))).toMatch(/1\s+│?\s*Ada Lovelace\s+│?\s*GB\s+│?\s*\{"theme":"dark","newsletter":true\}/);
        // Barbara Liskov has no country; Grace Hopper no preferences: NULL, not an empty cell.
        expect(lines.find((l) => l.includes('Barbara Liskov'))).toMatch(/Barbara Liskov\s+│?\s*NULL\s/);
        expect(lines.find((l) => l.includes('Grace Hopper'))).toMatch(/Grace Hopper\s+│?\s*US\s+│?\s*NULL/);
        expect(text(table)).toMatch(/8 rows in \d+ ms/);

        await run(c, 'SELEC name FROM customers');
        const err = text(await waitScreen(c, paneId, 'the syntax error', (rows) => rows.join('\n').includes('syntax error'), 60_000));
        expect(err).toContain('syntax error at or near "SELEC"');
        expect(err).toContain('the query failed (the connection is still open)');
        // The connection is still there: the next query runs.
        await run(c, "SELECT 'still-here' AS probe");
        await waitScreen(c, paneId, 'the next query ran', (rows) => rows.some((r) => r.includes('still-here')), 60_000);
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }
    }, ENGINE * 2);

    it('ctrl+c cancels SELECT pg_sleep(30) on the server; the pane shows the server\'s message and keeps the connection', async () => {
      const c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        // A failed script first: it says what ran before the failing statement; and its "the query
        // failed" is not said while the next run runs.
        await run(c, 'SELECT 1 AS one; SELECT 1/0 AS boom');
        const failed = text(await waitScreen(c, paneId, 'the failure', (rows) => rows.join('\n').includes('the query failed'), 60_000));
        expect(failed).toContain('statement 2 of 2 (statement 1 ran before it: SELECT): division by zero');
        const started = Date.now();
        await run(c, 'SELECT pg_sleep(30)');
        const running = text(await waitScreen(c, paneId, 'the query running', (rows) => rows.some((r) => r.includes('Executing…')), 30_000));
        expect(running).not.toContain('the query failed');
        // Closing the pane now would end the statement (its connection goes): asked first, as a shell's pane is.
        await keys(c, 'ctrl+]', 'alt+x');
        await c.waitLayout('the question', (l) => l.overlay?.type === 'confirm');
        expect(c.layout!.overlay?.type === 'confirm' ? c.layout!.overlay.text : '').toBe(`Close the pane? A query is still running on ${ns}/db-0: closing ends it.`);
        await keys(c, 'n');
        await c.waitLayout('answered', (l) => l.overlay === null && Object.keys(l.paneTitles).includes(String(paneId)));
        await keys(c, 'i');
        // "Executing…" once the statement is on its way (before, ctrl+c means it never runs). As a user
        // does: ctrl+c again while it still runs (a cancel request that reaches the server before the
        // statement itself does cancels nothing, as in psql).
        const cancelled = (rows: string[]): boolean => rows.join('\n').includes('canceling statement');
        await waitFor('the cancel', async () => {
          await keys(c, 'ctrl+c');
          return waitScreen(c, paneId, 'the cancel', cancelled, 3_000).then(() => true, () => false);
        }, 25_000);
        const v = text(await waitScreen(c, paneId, 'the cancel', cancelled));
        expect(v).toContain('canceling statement due to user request');
        expect(Date.now() - started).toBeLessThan(30_000);
        await run(c, 'SELECT 7 * 6 AS answer');
        await waitScreen(c, paneId, 'a query after the cancel', (rows) => rows.some((r) => /^\s*42\b/.test(r)), 120_000);
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }
    }, ENGINE * 2);

    it('a row longer than [query] max_result_bytes is refused as it starts to arrive, the pane says so, and the next run reconnects', async () => {
      await withConfig(w, '[query]\nmax_result_bytes = 65536\n', async () => {
        const c = await RawClient.connect(w.env.socket);
        /** The pane's text as one line (a long message wraps). */
        const flat = (rows: string[]): string => rows.map((r) => r.trim()).join(' ');
        try {
          const paneId = await openAndConnect(c);
          // Rows under the limit are as before.
          await run(c, "SELECT repeat('y', 100) AS small");
          await waitScreen(c, paneId, 'the small row', (rows) => rows.some((r) => r.includes('y'.repeat(20))), 60_000);
          // One value of ~1 MB: the driver would hold it whole before the result's limit applied.
          await run(c, "SELECT repeat('x', 1000000) AS big");
          const said = flat(rowsText(await waitScreen(c, paneId, 'the big row refused', (rows) => flat(rows).includes('more than the whole result may hold'), 60_000)));
          expect(said).toMatch(/a row of 976\.6 KiB came back, more than the whole result may hold \(\[query\] max_result_bytes, 64 KiB\)/);
          expect(said).not.toContain('x'.repeat(100));
          await reconnects(c, paneId);
          await c.request('pane/close', { paneId });
        } finally {
          c.close();
        }
      });
    }, ENGINE * 2);

    it.skipIf(!setup.dropConnection)('a dropped connection is shown in the pane and the next run connects again', async () => {
      const c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        await setup.dropConnection!(c, run);
        const v = text(await waitScreen(c, paneId, 'the drop said', (rows) => rows.join('\n').includes('the connection is gone: the next run reconnects'), 60_000));
        expect(v).toContain('terminating connection due to administrator command');
        await reconnects(c, paneId);
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }
    }, ENGINE * 2);

    it('a row cap from [query] row_cap reads through a cursor; m fetches more; y and Y copy a row and all rows as CSV (clipboard/write)', async () => {
      await withConfig(w, '[query]\nrow_cap = 3\n', async () => {
        const c = await RawClient.connect(w.env.socket);
        try {
          const paneId = await openAndConnect(c);
          await run(c, 'SELECT id, name, country FROM customers ORDER BY id');
          const first = text(await waitScreen(c, paneId, 'the first 3 rows', (rows) => rows.join('\n').includes('3 rows so far (m fetches more)'), 60_000));
          expect(first).toContain('Alan Turing');
          expect(first).not.toContain('Linus Torvalds');
          await keys(c, 'esc');
          await c.waitLayout('browse mode', (l) => l.mode === 'normal');
          await keys(c, 'm');
          await waitScreen(c, paneId, '6 rows', (rows) => rows.join('\n').includes('6 rows so far') && rows.join('\n').includes('Edsger Dijkstra'), 60_000);
          await keys(c, 'm');
          const all = text(await waitScreen(c, paneId, 'all 8 rows', (rows) => rows.join('\n').includes('8 rows (all)'), 60_000));
          expect(all).toContain('Ken Thompson');
          const copies = (): string[] => c.notifications.filter((n) => n.method === 'clipboard/write').map((n) => (n.params as { text: string }).text);
          await keys(c, 'j', 'y');
          await waitFor('the row copied', () => copies().length === 1);
          expect(copies()[0]).toBe('2,Alan Turing,GB\r\n');
          await keys(c, 'shift+y');
          await waitFor('all rows copied', () => copies().length === 2);
          expect(copies()[1]!.split('\r\n').slice(0, 3)).toEqual(['id,name,country', '1,Ada Lovelace,GB', '2,Alan Turing,GB']);
          expect(copies()[1]).toContain('7,Barbara Liskov,\r\n'); // NULL is an empty field
          expect(copies()[1]!.trimEnd().split('\r\n')).toHaveLength(9);
          await c.request('pane/close', { paneId });
        } finally {
          c.close();
        }
      });
    }, ENGINE * 2);

    it('read-only mode (readonly = true, hot reloaded into an open pane): a DELETE is refused by the server and the row stays; once read-only ends, writes work again', async () => {
      const c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        await withConfig(w, 'readonly = true\n', async () => {
          await run(c, "DELETE FROM customers WHERE name = 'Ada Lovelace'");
          const refused = text(await waitScreen(c, paneId, 'the refusal', (rows) => /read-only transaction/.test(rows.join('\n')), 60_000));
          expect(refused).toContain('cannot execute DELETE in a read-only transaction');
          await run(c, "SELECT 'still' AS probe, count(*)::int AS n FROM customers WHERE name = 'Ada Lovelace'");
          await waitScreen(c, paneId, 'the row still there', (rows) => rows.some((r) => /still\s+│?\s*1\b/.test(r)), 60_000);
          // A pane connected while read-only says so. (Each close is seen in the layout before the
          // next shift+q: a layout not yet updated would still name the closed pane as focused.)
          await closeQueryPane(c, paneId);
          const again = await connectAgain(c);
          await waitScreen(c, again, 'read-only said', (rows) => rows.join('\n').includes('read-only transactions: kubetile runs read-only'), 60_000);
          await closeQueryPane(c, again);
        });
        const rw = await connectAgain(c);
        await run(c, "UPDATE customers SET country = country WHERE name = 'Ada Lovelace'");
        await waitScreen(c, rw, 'the write done', (rows) => rows.join('\n').includes('UPDATE 1'), 60_000);
        await c.request('pane/close', { paneId: rw });
      } finally {
        c.close();
      }
    }, 240_000);

    it('E exports the result to a CSV file; ctrl+s saves a query; history and saved queries survive a daemon restart', async () => {
      const out = join(w.env.dir, 'export', 'countries.csv');
      let c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        await run(c, "SELECT country, count(*)::int AS n, string_agg(name, ', ' ORDER BY name) AS who FROM customers GROUP BY country ORDER BY country NULLS LAST");
        await waitScreen(c, paneId, 'the result', (rows) => rows.join('\n').includes('5 rows'), 60_000);
        await keys(c, 'ctrl+s');
        await waitScreen(c, paneId, 'the name prompt', (rows) => /save/i.test(rows.join('\n')));
        await type(c, 'by-country');
        await keys(c, 'enter');
        await waitScreen(c, paneId, 'saved', (rows) => rows.join('\n').includes('by-country'));

        await keys(c, 'esc');
        await c.waitLayout('browse (normal) mode', (l) => l.mode === 'normal');
        await keys(c, 'shift+e');
        const asked = await c.waitLayout('the export path asked', (l) => l.overlay?.type === 'input');
        const suggested = asked.overlay?.type === 'input' ? asked.overlay.value : '';
        expect(suggested).toMatch(/db-0.*\.csv$/);
        for (let i = 0; i < [...suggested].length; i++) await c.request('client/key', { key: 'backspace' });
        await type(c, out);
        await keys(c, 'enter');
        await waitFor('the export file', () => existsSync(out), 30_000);
        await waitScreen(c, paneId, 'the export said', (rows) => rows.join('\n').includes('Exported 5 rows'));
        expect(readFileSync(out, 'utf8')).toBe(
          ['country,n,who', 'FI,1,Linus Torvalds', 'GB,2,"Ada Lovelace, Alan Turing"', 'NL,1,Edsger Dijkstra', 'US,3,"Grace Hopper, Ken Thompson, Margaret Hamilton"', ',1,Barbara Liskov'].join('\r\n') + '\r\n',
        );
        // The same path again: the dialog stays open saying so (the name can be corrected there); the file is untouched.
        const before = readFileSync(out, 'utf8');
        await keys(c, 'shift+e');
        const again = await c.waitLayout('the export path asked again', (l) => l.overlay?.type === 'input');
        for (let i = 0; i < [...(again.overlay?.type === 'input' ? again.overlay.value : '')].length; i++) await c.request('client/key', { key: 'backspace' });
        await type(c, out);
        await keys(c, 'enter');
        await waitFor('the error toast', () => c.notifications.some((n) => n.method === 'toast' && (n.params as { text: string }).text === `${out} exists already; choose another name`));
        expect((await c.waitLayout('the dialog still open', (l) => l.overlay?.type === 'input')).overlay).toMatchObject({ value: out });
        await keys(c, 'esc');
        await c.waitLayout('the dialog closed', (l) => l.overlay === null);
        expect(readFileSync(out, 'utf8')).toBe(before);
        // Closed, so the restarted daemon resurrects no query pane: the one opened next is new.
        await c.request('pane/close', { paneId });
      } finally {
        c.close();
      }

      // The daemon restarts: history and the saved query are read back from the XDG dirs.
      await w.daemon.stop();
      restarted = { daemon: await startDaemon(w.env), script: await RawClient.connect(w.env.socket) };
      c = await RawClient.connect(w.env.socket);
      try {
        const paneId = await openAndConnect(c);
        await keys(c, 'ctrl+p');
        const hist = text(await waitScreen(c, paneId, 'the history', (rows) => rows.join('\n').includes('History of db-0/shop')));
        // Newest first: the grouped query, the one after the cancel, the first test's rows; failed runs
        // are kept too, as psql keeps them (a typo is the query to recall and fix).
        const entries = hist.split('\n').filter((l) => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(l));
        expect(entries[0]).toContain('SELECT country, count(*)::int AS n');
        expect(entries.some((l) => l.includes('SELECT id, name, country, preferences FROM customers ORDER BY id'))).toBe(true);
        expect(hist).toContain('SELEC name');
        await keys(c, 'esc');
        await keys(c, 'ctrl+o');
        const saved = text(await waitScreen(c, paneId, 'the saved queries', (rows) => rows.join('\n').includes('by-country')));
        expect(saved).toContain('by-country');
        await keys(c, 'enter');
        // The saved query is back in the editor and runs.
        await keys(c, 'ctrl+r');
        await waitScreen(c, paneId, 'the saved query ran', (rows) => rows.join('\n').includes('5 rows'), 60_000);
      } finally {
        c.close();
      }
    }, ENGINE * 3);
  });
}
