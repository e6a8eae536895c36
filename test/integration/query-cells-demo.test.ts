import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalView } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { focusedQueryPane, keys, pod, podsPane, rowsText, startWorld, type, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * What the query pane's table shows for values that are not plain text, on the demo's embedded
 * PostgreSQL: bytea as hex with its size, JSON compact on one line, a very wide value cut with `…`,
 * a newline made visible, NULL as NULL; and the three execute keys the issue names — ctrl+enter,
 * and ctrl+r / f5 for terminals that cannot send it (f5 is root debug mode on a list: in the query
 * pane it runs the query).
 */

const ENGINE = 240_000;
let w: ExecWorld;
let ns: string;

beforeAll(async () => {
  w = await startWorld();
  ns = `qcells-${process.pid}`;
  w.sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const p = pod('db-0', ns, ['postgres']) as ReturnType<typeof pod> & { metadata: { annotations?: Record<string, string> }; spec: { containers: Array<Record<string, unknown>> } };
  Object.assign(p.spec.containers[0]!, {
    image: 'postgres:16.4',
    ports: [{ containerPort: 5432, protocol: 'TCP' }],
    env: [{ name: 'POSTGRES_USER', value: 'shop' }, { name: 'POSTGRES_DB', value: 'shop' }, { name: 'POSTGRES_PASSWORD', value: 'cells-pw' }],
  });
  p.metadata.annotations = { 'kube-sim.kubetile.dev/postgres': 'db' };
  w.sim.createObject(p);
}, ENGINE);
afterAll(async () => {
  await w?.stop();
});

const text = (v: TerminalView): string => rowsText(v).join('\n');


describe('query pane cells and execute keys (demo engine)', () => {
  it('bytea, JSON, wide and multi-line values and NULL shown sensibly; ctrl+enter and f5 run the query', async () => {
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 200, rows: 44 });
      await podsPane(c, ns, ['db-0']);
      await keys(c, 'shift+q');
      const paneId = await focusedQueryPane(c);
      await waitScreen(c, paneId, 'the connection dialog', (rows) => rows.join('\n').includes('Connect to PostgreSQL'));
      await keys(c, 'enter');
      await waitScreen(c, paneId, 'connected', (rows) => /Connected — PostgreSQL 1\d/.test(rows.join('\n')), ENGINE);

      await type(c, "SELECT thumbnail, decode(repeat('ab', 100), 'hex') AS blob, '\\x0102'::bytea AS small, '{\"b\": [1, 2], \"a\": null}'::jsonb AS doc, repeat('abcdefghij', 20) AS wide, E'two\\nlines' AS ml, NULL::text AS nothing FROM products WHERE sku = 'MUG-001'");
      await keys(c, 'ctrl+enter');
      const shown = text(await waitScreen(c, paneId, 'the row (ctrl+enter)', (rows) => rows.join('\n').includes('1 row'), 60_000));
      // The result's row (the editor above holds the SQL, the row the values).
      const row = shown.split('\n').find((r) => r.includes('two↵lines'));
      expect(row, shown).toBeDefined();
      // bytea: hex, and its size when long; short ones whole.
      expect(row).toContain('\\x89504e470d0a1a0a');
      expect(row).toMatch(/\\x(ab){12}… \(100 B\)/);
      expect(row).toContain('\\x0102');
      // JSON compact on one line.
      expect(row).toContain('{"a":null,"b":[1,2]}');
      // A very wide value is cut with an ellipsis (not the whole 200 characters).
      expect(row).toMatch(/(abcdefghij){3}[a-j]*…/);
      expect(row).not.toContain('abcdefghij'.repeat(5));
      // A newline is made visible; NULL is NULL.
      expect(row).toContain('two↵lines');
      expect(row).toMatch(/\bNULL\b/);

      await keys(c, 'ctrl+u');
      await type(c, "SELECT 'ran by f5' AS via");
      await keys(c, 'f5');
      await waitScreen(c, paneId, 'f5 ran the query', (rows) => rows.some((r) => r.includes('ran by f5')) && rows.join('\n').includes('1 row'), 60_000);
      await c.request('pane/close', { paneId });
    } finally {
      c.close();
    }
  }, ENGINE * 2);
});
