import { describe, expect, it } from 'vitest';
import type { PaneView, TableView } from '@kubetile/rpc-schema';
import { LIGHT_CONTRACT, withLightFrames } from '../src/connection/light-contract.js';
import { SCHEMA_CONTRACT } from '../src/connection/schema-contract.js';
import { errorView, logsView, podsTable, splitLayout } from './fixtures.js';

/**
 * The light hand checks (the TUI's attach path before zod has loaded) must judge what the daemon
 * sends as the zod schemas do: every valid message passes both, and every broken variant of it —
 * each field removed or replaced by a value of another type — fails both.
 */

const terminalView: PaneView = {
  type: 'terminal',
  title: 'exec web-1',
  rows: [[{ text: '$ ls', fg: 2, bold: true }, { text: ' x', bg: '#1e1e2e', inverse: true }], []],
  cursor: { row: 0, col: 4 },
  scrollback: 10,
  scrolled: 0,
};

/** A plugin's v2 table: per-cell looks, a caption with styled spans. */
const pluginTable: PaneView = {
  type: 'table',
  title: 'Health',
  columns: [{ id: 'name', title: 'NAME' }, { id: 'score', title: 'SCORE', align: 'right', width: 5 }],
  rows: [{ id: 'r1', cells: { name: 'web-1', score: '9' }, styles: { score: 'ok' }, looks: { score: { fg: 2, bg: '#1e1e2e', bold: true, dim: false, italic: true, underline: false } } }],
  offset: 0,
  total: 1,
  unfiltered: 1,
  selected: 0,
  caption: [{ text: 'summary', spans: [{ text: '3 ok', style: 'ok', fg: '#00ff00', underline: true }] }],
};

const layouts = [
  splitLayout(),
  splitLayout({ mode: 'filter', input: 'web' }),
  splitLayout({ mode: 'selector', overlay: { type: 'selector', title: 'NS', query: 'k', items: ['kube-system'], selected: 0, total: 1 } }),
  splitLayout({ mode: 'confirm', overlay: { type: 'confirm', title: 'Delete', text: 'Delete pod?' } }),
  splitLayout({ mode: 'insert', overlay: { type: 'input', title: 'Scale', value: '3' } }),
];
const views: PaneView[] = [podsTable, pluginTable, logsView, errorView, terminalView, { type: 'message', title: 'Pods', level: 'loading', text: 'Loading…', badge: '0' }];

const notifications: Array<[string, unknown]> = [
  ...layouts.map((l): [string, unknown] => ['session/layout', l]),
  ...views.map((v, i): [string, unknown] => ['pane/view', { paneId: i + 1, seq: 3, view: v }]),
  ['toast', { level: 'success', text: 'copied' }],
  ['plugin/status', { key: 'hello', status: 'failed', error: 'boom' }],
  ['clipboard/write', { text: 'kubectl get pods' }],
  ['editor/open', { editId: 'edit-1', file: 'deployment-shop-web.yaml', text: 'apiVersion: apps/v1\nkind: Deployment\n' }],
  ['daemon/exit', { reason: 'kill-server' }],
  ['session/ended', { session: 'work', reason: 'session work was killed' }],
];
const results: Array<[string, unknown]> = [
  ['daemon/hello', { server: { name: 'kubetiled', version: '0.1.0', pid: 42 }, apiLevel: 1, minApiLevel: 1, maxApiLevel: 1 }],
  ['session/attach', { clientId: 'c1', layout: layouts[2] }],
  ['session/detach', { ok: true }],
  ['client/key', { handled: true, command: 'detach' }],
  // A paste in the first moments, before the schemas load, gets its answer checked too.
  ['client/paste', { handled: false, command: 'paste:refused' }],
  ['client/resize', { ok: true }],
  ['editor/done', { ok: true }],
];

/** Every variant of `v` with one field removed or replaced by a wrong value (at any depth). */
function* broken(v: unknown): Generator<unknown> {
  const wrong = [null, 'x', 7, -1, 1.5, true, [], {}, undefined, 256, '#zzzzzz', 'x'.repeat(8193)];
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      for (const w of [...wrong.filter((x) => x !== undefined), ...broken(v[i])]) yield v.map((x, j) => (j === i ? w : x));
    }
    return;
  }
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      for (const w of [...wrong, ...broken(o[k])]) {
        const copy = { ...o };
        if (w === undefined) delete copy[k];
        else copy[k] = w;
        yield copy;
      }
    }
  }
}

const verdict = (c: { ok: boolean } | undefined): string => (c === undefined ? 'unknown' : c.ok ? 'valid' : 'invalid');

describe('the light checks agree with the zod schemas', () => {
  it('on valid notifications and results', () => {
    for (const [method, params] of notifications) {
      expect(verdict(LIGHT_CONTRACT.notification(method, params)), method).toBe('valid');
      expect(verdict(SCHEMA_CONTRACT.notification(method, params)), method).toBe('valid');
    }
    for (const [method, result] of results) {
      expect(verdict(LIGHT_CONTRACT.result(method, result)), method).toBe('valid');
      expect(verdict(SCHEMA_CONTRACT.result(method, result)), method).toBe('valid');
    }
  });

  it('on every broken variant of them (a field missing or of another type, at any depth)', () => {
    let compared = 0;
    let rejected = 0;
    const disagreements: string[] = [];
    const compare = (kind: 'notification' | 'result', method: string, value: unknown): void => {
      const light = verdict(LIGHT_CONTRACT[kind](method, value));
      const schema = verdict(SCHEMA_CONTRACT[kind](method, value));
      compared++;
      if (schema === 'invalid') rejected++;
      if (light !== schema && disagreements.length < 5) disagreements.push(`${method}: light ${light}, schema ${schema}: ${JSON.stringify(value).slice(0, 300)}`);
    };
    for (const [method, params] of notifications) for (const b of broken(params)) compare('notification', method, b);
    for (const [method, result] of results) for (const b of broken(result)) compare('result', method, b);
    expect(disagreements).toEqual([]);
    // The variants are really broken ones, most of them.
    expect(compared).toBeGreaterThan(5000);
    expect(rejected / compared).toBeGreaterThan(0.8);
  });

  it('the contract of a client once zod has loaded: frames and key answers by hand, everything else by the schema', () => {
    const seen: string[] = [];
    const spy = {
      name: 'spy',
      result: (m: string, raw: unknown) => (seen.push(`result ${m}`), SCHEMA_CONTRACT.result(m, raw)),
      notification: (m: string, raw: unknown) => (seen.push(`notification ${m}`), SCHEMA_CONTRACT.notification(m, raw)),
    };
    const c = withLightFrames(spy);
    for (const [method, params] of notifications) expect(verdict(c.notification(method, params)), method).toBe('valid');
    for (const [method, result] of results) expect(verdict(c.result(method, result)), method).toBe('valid');
    expect(seen.filter((s) => s.includes('pane/view') || s.includes('session/layout') || s.includes('client/key'))).toEqual([]);
    expect(seen).toContain('notification toast');
    expect(seen).toContain('result session/attach');
    // A broken frame or key answer is still refused, with what was wrong.
    expect(c.result('client/key', { handled: 'yes' })).toEqual({ ok: false, message: 'handled: expected boolean, received string' });
    expect(c.notification('pane/view', { paneId: 1, seq: 1, view: { ...podsTable, rows: [{ id: 'u1', cells: { name: 3 } }] } })).toMatchObject({ ok: false });
  });

  it('names what is wrong, and leaves notifications this build does not know to the caller', () => {
    const v = LIGHT_CONTRACT.notification('pane/view', { paneId: 1, seq: 1, view: { type: 'table', title: 'x' } });
    expect(v).toEqual({ ok: false, message: 'view.columns: expected array, received undefined' });
    expect(LIGHT_CONTRACT.notification('session/layout', 'nope')).toEqual({ ok: false, message: '(params): expected object, received string' });
    // Deep in a frame, after fields that fit (a message is checked without paths, then again with them when it does not fit).
    const rows = [...(podsTable as TableView).rows, { id: 'u9', cells: { name: 'ok', status: 3 } }];
    expect(LIGHT_CONTRACT.notification('pane/view', { paneId: 1, seq: 2, view: { ...podsTable, rows } })).toEqual({
      ok: false,
      message: `view.rows.${rows.length - 1}.cells.status: expected string, received number`,
    });
    expect(LIGHT_CONTRACT.notification('pane/view', { paneId: 1, seq: 3, view: podsTable })).toMatchObject({ ok: true });
    expect(LIGHT_CONTRACT.notification('future/thing', {})).toBeUndefined();
    expect(LIGHT_CONTRACT.result('session/list', {})).toMatchObject({ ok: false });
  });
});
