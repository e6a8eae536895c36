import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../src/kube/object-store.js';
import type { KubeObject } from '../src/kube/types.js';
import { findKind } from '../src/kube/kinds/index.js';
import type { ColumnDef } from '../src/kube/kinds/types.js';
import { compileFilter, faultsOnly, type RowFilter } from '../src/panes/resource/row-filter.js';
import { ListIndex, type ListSpec, type Need } from '../src/panes/resource/list-index.js';
import { backView, tabNamespaceBack } from '../src/panes/resource/list-jump.js';

/** Filters and ways back given what a user or a script can type or send. */

const row = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: name, resourceVersion: '1' } });
/** Whether the filter `raw` keeps a row whose cells are `cells` (the search text: each cell lower-cased, followed by NUL). */
const keeps = (raw: string, cells: string[]): boolean => {
  const f = compileFilter(raw);
  const search = cells.map((c) => `${c.toLowerCase()}\u0000`).join('');
  return f.match ? f.match(row(cells[0]!), () => search, () => []) : f.text === null || search.includes(f.text);
};

describe('re: anchors', () => {
  const rows = [
    ['web-1', '1/1', 'Running', 'node-1'],
    ['web-12', '1/1', 'Running', 'node-2'],
    ['api-1', '0/1', 'CrashLoopBackOff', 'node-1'],
  ];
  const kept = (raw: string): string[] => rows.filter((cells) => keeps(raw, cells)).map((cells) => cells[0]!);

  it('$ ends a cell (it used to match nothing: every search text ends with a separator)', () => {
    expect(kept('re:-1$')).toEqual(['web-1', 'api-1']);
    expect(kept('re:^web-1$')).toEqual(['web-1']);
    expect(kept('re:^running$')).toEqual(['web-1', 'web-12']);
    expect(kept('!re:-1$')).toEqual(['web-12']);
    // The last cell too.
    expect(kept('re:node-2$')).toEqual(['web-12']);
  });

  it('^ starts any cell; . still spans cells; what matched before still does', () => {
    expect(kept('re:^crash')).toEqual(['api-1']);
    expect(kept('re:web.*running')).toEqual(['web-1', 'web-12']);
    expect(kept('re:^(api|db)-')).toEqual(['api-1']);
    expect(kept('re:WEB-[12]')).toEqual(['web-1', 'web-12']);
  });
});

describe('filter keys', () => {
  const NOW = Date.parse('2026-12-02T12:00:00Z');
  const pods = findKind('pods')!;
  const COLS: ColumnDef[] = ['name', 'status'].map((id) => pods.columns.find((c) => c.id === id)!);
  const ALL: Need = { top: 0, uid: null, span: 0, all: true };
  const pod = (name: string, app: string, ready: boolean): KubeObject => ({
    ...row(name),
    metadata: { ...row(name).metadata, labels: { app } },
    status: { phase: 'Running', containerStatuses: [{ name: 'c', ready, restartCount: 0, image: 'x', imageID: '', state: ready ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } } }] },
  });
  const names = (index: ListIndex, f: RowFilter): string[] => {
    const spec: ListSpec = { cols: COLS, columnsKey: 'name,status', filter: f.key, ...(f.match ? { match: f.match } : {}), sortIndex: 0, desc: false };
    return index.rows(spec, ALL, NOW).map((e) => e.obj.metadata.name);
  };

  it('a filter a script sends with a leading NUL is not taken for another kind of filter (their rows were shown)', () => {
    const store = new ObjectStore();
    store.upsert(pod('web-1', 'web', true));
    store.upsert(pod('web-2', 'web', false));
    store.upsert(pod('api-1', 'api', false));
    const index = new ListIndex(store, () => undefined);
    // `-l app=web`, then the text `\0lapp=web` (no cell starts with `lapp=web`: no row).
    expect(names(index, compileFilter('-l app=web'))).toEqual(['web-1', 'web-2']);
    expect(names(index, compileFilter('\u0000lapp=web'))).toEqual([]);
    // ctrl+z with `web`, then `-f aults` + NUL + `web` (no name has a NUL: no row).
    expect(names(index, faultsOnly(compileFilter('web')))).toEqual(['web-2']);
    expect(names(index, compileFilter('-f aults\u0000web'))).toEqual([]);
    // And each from scratch.
    for (const raw of ['\u0000!web', '\u0000re:web', '\u0000fweb']) {
      expect(names(new ListIndex(store, () => undefined), compileFilter(raw)), JSON.stringify(raw)).toEqual([]);
    }
    const keys = ['-l app=web', '\u0000lapp=web', '!web', '\u0000!web', 'web|api', '\u0000|web|api', 're:web', '\u0000re:web', '-f aults\u0000web'].map((raw) => compileFilter(raw).key);
    keys.push(faultsOnly(compileFilter('web')).key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the way back (args.back: a script may send anything)', () => {
  it('a list the pane would refuse to open is no way back: esc does not put an error pane in the list’s place nor move the tab', () => {
    for (const back of [
      { kind: 'pods', node: 7 },
      { kind: 'pods', node: '../x' },
      { kind: 'pods', node: '' },
      { kind: 'deployments', node: 'node-1' },
      { kind: 'pods', ownerUid: 'x y' },
      { kind: 'jobs', ownerUid: ['u'] },
      { kind: 'jobs', ownerUid: 'u'.repeat(129) },
    ]) {
      expect(backView(back), JSON.stringify(back)).toBeNull();
    }
    // Well formed, they go back (with the tab's move).
    expect(backView({ kind: 'pods', node: 'node-1', selectUid: 'p' })).toEqual({ key: 'resource-list', args: { kind: 'pods', node: 'node-1', selectUid: 'p' } });
    expect(backView({ kind: 'jobs', ownerUid: 'ab-12', ownerName: 'CronJob x' })?.args).toEqual({ kind: 'jobs', ownerUid: 'ab-12', ownerName: 'CronJob x' });
    expect(tabNamespaceBack({ kind: 'pods', node: 'node-1', tabNamespace: { from: 'a', to: 'b' } }, 'b')).toBe('a');
  });
});
