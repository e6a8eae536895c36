import { describe, expect, it, vi } from 'vitest';
import { ObjectStore } from '../src/kube/object-store.js';
import type { KubeObject } from '../src/kube/types.js';
import type { Style } from '@kubetile/rpc-schema';
import { styleOf } from '../src/panes/resource/row-cache.js';
import { compareCells } from '../src/kube/kinds/compare.js';
import { findKind } from '../src/kube/kinds/index.js';
import type { ColumnDef } from '../src/kube/kinds/types.js';
import { compileFilter, faultsOnly, fuzzyMatches, ownedBy, type RowFilter } from '../src/panes/resource/row-filter.js';
import { KEYS_AT_ONCE, ListIndex, safeCell, SCAN_AT_ONCE, SORT_AT_ONCE, ticks, type ListSpec, type Need } from '../src/panes/resource/list-index.js';

/**
 * ListIndex keeps filter and sort incrementally; whatever the sequence of store changes, filter
 * edits and sort choices, its rows must equal a plain filter + sort of the store (the definition),
 * with blanks last in both orders and namespace/name breaking ties.
 */

const NOW = Date.parse('2026-12-02T12:00:00Z');
const pods = findKind('pods')!;
const COLS: ColumnDef[] = ['name', 'ready', 'status', 'restarts', 'age', 'node'].map((id) => pods.columns.find((c) => c.id === id)!);
const ALL: Need = { top: 0, uid: null, span: 0, all: true };
/**
 * For the tests of placing and completing a new sort: every missing key made on the keystroke, as on
 * a list whose keys are made (a list over KEYS_AT_ONCE lacking them makes them in slices first: its own tests).
 */
const PLACE_AT_ONCE = { keysAtOnce: Infinity };
const drained = async (index: ListIndex): Promise<void> => {
  while (index.completing) await new Promise((res) => setImmediate(res));
};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pod(i: number, r: () => number, uid = `uid-${i}-${Math.floor(r() * 1e9)}`): KubeObject {
  const ready = r() < 0.7;
  const restarts = Math.floor(r() * 4);
  const phase = ['Running', 'Pending', 'Failed', 'Succeeded'][Math.floor(r() * 4)]!;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${i}`,
      namespace: ['a', 'b', 'c'][i % 3]!,
      uid,
      resourceVersion: String(Math.floor(r() * 1e9)),
      creationTimestamp: new Date(NOW - Math.floor(r() * 5) * 3600_000).toISOString(),
    },
    spec: { containers: [{ name: 'c', image: 'x' }], ...(r() < 0.8 ? { nodeName: `node-${Math.floor(r() * 3)}` } : {}) },
    status: {
      phase,
      containerStatuses: [{ name: 'c', ready, restartCount: restarts, image: 'x', imageID: '', state: ready ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } } }],
    },
  };
}

/** A store of `n` random pods (pod-0…) and the pods by number, for changes to them. */
function podStore(n: number, r: () => number): { store: ObjectStore; live: Map<number, KubeObject> } {
  const store = new ObjectStore();
  const live = new Map<number, KubeObject>();
  for (let i = 0; i < n; i++) {
    const p = pod(i, r);
    live.set(i, p);
    store.upsert(p);
  }
  return { store, live };
}

/**
 * One random change to pod `i` of `0..range-1`: removed (op < remove), re-created under the same name
 * with a new uid (op < recreate), else added or modified with its uid kept.
 */
function randomChange(store: ObjectStore, live: Map<number, KubeObject>, r: () => number, range: number, remove: number, recreate: number): void {
  const i = Math.floor(r() * range);
  const op = r();
  if (op < remove && live.has(i)) {
    store.remove(live.get(i)!);
    live.delete(i);
    return;
  }
  const p = op < recreate && live.has(i) ? pod(i, r) : pod(i, r, live.get(i)?.metadata.uid);
  store.upsert(p);
  live.set(i, p);
}

/** The definition: filter the store by the search text, sort with compareCells, ties by namespace/name. */
function naive(store: ObjectStore, spec: ListSpec): string[] {
  let rows = [...store.sorted];
  if (spec.filter) {
    rows = rows.filter((e) =>
      spec.cols
        .filter((c) => !ticks(c))
        .map((c) => safeCell(c, e, NOW).toLowerCase())
        .join('\u0000')
        .concat('\u0000')
        .includes(spec.filter),
    );
  }
  if (spec.sortIndex >= 0) {
    const col = spec.cols[spec.sortIndex]!;
    const key = (e: (typeof rows)[number]): string => safeCell(col, e, NOW);
    rows.sort((a, b) => {
      let r: number;
      if (col.id === 'age') {
        const ta = Date.parse(a.obj.metadata.creationTimestamp!);
        const tb = Date.parse(b.obj.metadata.creationTimestamp!);
        r = spec.desc ? ta - tb : tb - ta;
      } else r = compareCells(col.sort, key(a), key(b), spec.desc ? 'desc' : 'asc');
      return r || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    });
  } else if (spec.desc) rows.reverse();
  return rows.map((e) => e.key);
}

describe('ListIndex', () => {
  it.each([1, 2, 3, 4, 5, 6])('matches a plain filter + sort after random changes (seed %i)', async (seed) => {
    const r = rng(seed);
    const { store, live } = podStore(300, r);
    let ready = 0;
    const index = new ListIndex(store, () => ready++);
    const filters = ['', 'pod-1', 'pod-1', 'pod-12', 'running', 'crash', 'node-2', ''];
    for (let step = 0; step < 60; step++) {
      const spec: ListSpec = {
        cols: COLS,
        columnsKey: COLS.map((c) => c.id).join(','),
        filter: filters[Math.floor(r() * filters.length)]!,
        sortIndex: Math.floor(r() * (COLS.length + 1)) - 1,
        desc: r() < 0.4,
      };
      // Several frames with changes in between, under one spec (the incremental path).
      for (let frame = 0; frame < 3; frame++) {
        const changes = Math.floor(r() * 40);
        for (let c = 0; c < changes; c++) randomChange(store, live, r, 360, 0.2, 0.3);
        // The background warm-up (cells and keys of changed rows) runs between some frames.
        if (r() < 0.5) {
          index.warm(COLS, spec.columnsKey);
          await new Promise((res) => setImmediate(res));
        }
        const got = index.rows(spec, ALL, NOW).map((e) => e.key);
        expect(got, `seed ${seed} step ${step} frame ${frame} ${JSON.stringify({ ...spec, cols: undefined })}`).toEqual(naive(store, spec));
      }
    }
  });

  it('a big list places the rows the screen needs at once and completes the order in slices', async () => {
    const r = rng(9);
    const store = new ObjectStore();
    for (let i = 0; i < 30_000; i++) store.upsert(pod(i, r));
    let ready = 0;
    const index = new ListIndex(store, () => ready++, PLACE_AT_ONCE);
    const spec: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: '', sortIndex: 3, desc: true };
    const want = naive(store, spec);
    const first = index.rows(spec, { top: 50, uid: null, span: 50 }, NOW).map((e) => e.key);
    expect(first.slice(0, 50)).toEqual(want.slice(0, 50));
    expect([...first].sort()).toEqual([...want].sort());
    expect(index.completing).toBe(true);
    await drained(index);
    expect(ready).toBe(1);
    expect(index.rows(spec, { top: 50, uid: null, span: 50 }, NOW).map((e) => e.key)).toEqual(want);
  });

  it.each([41, 42])('a new sort on a big list lacking its keys makes them in slices (the store order and `sorting` meanwhile, pods changing), then shows exactly the full sort (seed %i)', async (seed) => {
    const r = rng(seed);
    const N = KEYS_AT_ONCE * 15;
    const { store, live } = podStore(N, r);
    let ready = 0;
    const index = new ListIndex(store, () => ready++, { paintGraceMs: 0 });
    const spec: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: '', sortIndex: 3, desc: true };
    const sel = live.get(Math.floor(r() * N))!.metadata.uid;
    const need: Need = { top: 40, uid: sel, span: 30 };
    const storeOrder = (): string[] => store.sorted.map((e) => e.key);
    // The keystroke's frame: the rows as they were (the store's order), the sort announced as under way.
    expect(index.rows(spec, need, NOW).map((e) => e.key)).toEqual(storeOrder());
    expect(index.working).toBe('sorting');
    expect(index.completing).toBe(true);
    // Pods change between the slices: each frame shows the store's order until the keys are made.
    let frames = 0;
    while (ready === 0) {
      for (let c = 0; c < 25; c++) randomChange(store, live, r, N + 50, 0.15, 0.25);
      expect(index.rows(spec, need, NOW).map((e) => e.key)).toEqual(storeOrder());
      frames++;
      await new Promise((res) => setImmediate(res));
    }
    expect(frames).toBeGreaterThan(1);
    // Made: the next frame places the screen's rows and the selected one exactly; the rest follows.
    const want = naive(store, spec);
    const got = index.rows(spec, need, NOW).map((e) => e.key);
    expect(got.slice(0, 40)).toEqual(want.slice(0, 40));
    const selected = store.get(sel);
    if (selected) expect(got.indexOf(selected.key)).toBe(want.indexOf(selected.key));
    await drained(index);
    expect(index.working).toBe(null);
    expect(index.rows(spec, need, NOW).map((e) => e.key)).toEqual(naive(store, spec));
    // A sort left while its keys are being made stops: back to the store's order, nothing under way.
    const other: ListSpec = { ...spec, sortIndex: 5, desc: false };
    for (let c = 0; c < 25; c++) randomChange(store, live, r, N + 50, 0.15, 0.25);
    const before = index.rows(other, need, NOW).map((e) => e.key);
    if (index.working === 'sorting') expect(before).toEqual(storeOrder());
    const unsorted: ListSpec = { ...spec, sortIndex: -1, desc: false };
    expect(index.rows(unsorted, need, NOW).map((e) => e.key)).toEqual(storeOrder());
    expect(index.working).toBe(null);
    expect(index.completing).toBe(false);
  });

  it('a keystroke that sorts a big list lacking its keys makes none of them: slices do, then the full sort is exact', async () => {
    const r = rng(7);
    const N = KEYS_AT_ONCE * 5;
    const { store } = podStore(N, r);
    // The RESTARTS column, its cell counted: the keystroke's own work is what it computes.
    let cells = 0;
    const restarts = COLS[3]!;
    const cols = COLS.map((c) => (c === restarts ? { ...c, cell: (o: KubeObject, now: number) => (cells++, restarts.cell(o, now)) } : c));
    const spec: ListSpec = { cols, columnsKey: 'counted', filter: '', sortIndex: 3, desc: false };
    const need: Need = { top: 0, uid: null, span: 40 };
    let ready = 0;
    const index = new ListIndex(store, () => ready++, { paintGraceMs: 0 });
    index.rows(spec, need, NOW);
    expect(index.working).toBe('sorting');
    // Of the 40 rows on screen at most (their cells), not the KEYS_AT_ONCE keys it used to make first.
    expect(cells).toBeLessThanOrEqual(40);
    while (ready === 0) await new Promise((res) => setImmediate(res));
    expect(cells).toBeGreaterThanOrEqual(N);
    // The next frame takes the made keys.
    index.rows(spec, need, NOW);
    await drained(index);
    expect(index.rows(spec, ALL, NOW).map((e) => e.key)).toEqual(naive(store, { ...spec, cols: COLS }));
  });

  it.each([21, 22, 23, 24])('a new sort places the selected row and its neighbours exactly, wherever it lands (seed %i)', async (seed) => {
    const r = rng(seed);
    const { store, live } = podStore(12_000, r);
    const index = new ListIndex(store, () => undefined, PLACE_AT_ONCE);
    for (let round = 0; round < 3; round++) {
      const spec: ListSpec = {
        cols: COLS,
        columnsKey: COLS.map((c) => c.id).join(','),
        filter: ['', '', 'node', 'running'][Math.floor(r() * 4)]!,
        sortIndex: Math.floor(r() * COLS.length),
        desc: r() < 0.5,
      };
      const want = naive(store, spec);
      // The selected object: anywhere in the new order (or filtered out).
      const sel = live.get(Math.floor(r() * 12_000))!.metadata;
      const need: Need = { top: 40, uid: sel.uid, span: 30 };
      const got = index.rows(spec, need, NOW).map((e) => e.key);
      const label = `seed ${seed} round ${round} ${JSON.stringify({ ...spec, cols: undefined })}`;
      // Answered from the placed rows, not by completing the sort.
      expect(index.completing, label).toBe(want.length > SORT_AT_ONCE);
      expect(got.slice(0, 40), label).toEqual(want.slice(0, 40));
      expect(got.length, label).toBe(want.length);
      const at = want.indexOf(`${sel.namespace}/${sel.name}`);
      expect(got.indexOf(`${sel.namespace}/${sel.name}`), label).toBe(at);
      if (at >= 0) expect(got.slice(Math.max(0, at - 30), at + 31), label).toEqual(want.slice(Math.max(0, at - 30), at + 31));
      if (round === 1) {
        // Changes while the order is being completed: the next frame is exact throughout.
        for (let c = 0; c < 30; c++) {
          const i = Math.floor(r() * 12_000);
          const p = pod(i, r, live.get(i)!.metadata.uid);
          store.upsert(p);
          live.set(i, p);
        }
        expect(index.rows(spec, need, NOW).map((e) => e.key), label).toEqual(naive(store, spec));
      } else {
        await drained(index);
        expect(index.rows(spec, need, NOW).map((e) => e.key), label).toEqual(want);
      }
    }
  });

  it('moving the selection a screen after a new sort is answered from the placed rows (no full sort on the keystroke)', () => {
    const r = rng(61);
    const store = new ObjectStore();
    for (let i = 0; i < 12_000; i++) store.upsert(pod(i, r));
    const index = new ListIndex(store, () => undefined, PLACE_AT_ONCE);
    const spec: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: '', sortIndex: 0, desc: true };
    const want = naive(store, spec);
    const sel = store.sorted[5000]!;
    let rows = index.rows(spec, { top: 40, uid: sel.obj.metadata.uid, span: 30 }, NOW);
    let at = rows.indexOf(sel);
    expect(at).toBe(want.indexOf(sel.key));
    for (const step of [1, 29, -40]) {
      const next = rows[at + step]!;
      rows = index.rows(spec, { top: 40, uid: next.obj.metadata.uid, span: 30 }, NOW);
      expect(index.completing).toBe(true);
      at = rows.indexOf(next);
      expect(at).toBe(want.indexOf(next.key));
      expect(rows.slice(at - 30, at + 31).map((e) => e.key)).toEqual(want.slice(at - 30, at + 31));
    }
  });

  it('changes that move no row leave a sort being completed alone; one that moves a row completes it first', async () => {
    const r = rng(71);
    const store = new ObjectStore();
    const live: KubeObject[] = [];
    for (let i = 0; i < 12_000; i++) {
      const p = pod(i, r);
      live.push(p);
      store.upsert(p);
    }
    const index = new ListIndex(store, () => undefined, PLACE_AT_ONCE);
    const spec: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: '', sortIndex: 4, desc: false };
    const need: Need = { top: 40, uid: null, span: 30 };
    index.rows(spec, need, NOW);
    expect(index.completing).toBe(true);
    const touch = (i: number): void => {
      const p = structuredClone(live[i]!);
      p.metadata.annotations = { churn: String(r()) };
      p.metadata.resourceVersion = String(Number(p.metadata.resourceVersion) + 1);
      store.upsert(p);
      live[i] = p;
    };
    for (let c = 0; c < 50; c++) touch(Math.floor(r() * live.length));
    expect(index.rows(spec, need, NOW).slice(0, 40).map((e) => e.key)).toEqual(naive(store, spec).slice(0, 40));
    expect(index.completing).toBe(true);
    await drained(index);
    expect(index.rows(spec, need, NOW).map((e) => e.key)).toEqual(naive(store, spec));
    // Started again, then a row moves (a new creation time): the frame is exact throughout.
    index.rows({ ...spec, desc: true }, need, NOW);
    expect(index.completing).toBe(true);
    const moved = structuredClone(live[3]!);
    moved.metadata.creationTimestamp = new Date(NOW - 7 * 3600_000).toISOString();
    store.upsert(moved);
    expect(index.rows({ ...spec, desc: true }, need, NOW).map((e) => e.key)).toEqual(naive(store, { ...spec, desc: true }));
  });

  it('a frame with many changes (one merge pass) and one with a few (splices) both match a full sort', () => {
    const r = rng(31);
    const store = new ObjectStore();
    const live: KubeObject[] = [];
    for (let i = 0; i < 3000; i++) {
      const p = pod(i, r);
      live.push(p);
      store.upsert(p);
    }
    const index = new ListIndex(store, () => undefined);
    const spec: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: '', sortIndex: 2, desc: false };
    expect(index.rows(spec, ALL, NOW).map((e) => e.key)).toEqual(naive(store, spec));
    for (const changes of [500, 3, 1, 200, 0, 17]) {
      for (let c = 0; c < changes; c++) {
        const i = Math.floor(r() * live.length);
        const p = pod(i, r, live[i]!.metadata.uid);
        store.upsert(p);
        live[i] = p;
      }
      expect(index.rows(spec, ALL, NOW).map((e) => e.key), `${changes} changes`).toEqual(naive(store, spec));
    }
  });

  it('a change that leaves the sort key alone (an annotation) keeps the order', () => {
    const r = rng(41);
    const store = new ObjectStore();
    const live: KubeObject[] = [];
    for (let i = 0; i < 100; i++) {
      const p = pod(i, r);
      live.push(p);
      store.upsert(p);
    }
    const index = new ListIndex(store, () => undefined);
    const spec: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: '', sortIndex: 4, desc: false };
    const before = index.rows(spec, ALL, NOW).map((e) => e.key);
    const p = structuredClone(live[7]!);
    p.metadata.annotations = { touched: 'yes' };
    p.metadata.resourceVersion = '999999999999';
    store.upsert(p);
    expect(index.rows(spec, ALL, NOW).map((e) => e.key)).toEqual(before);
  });

  it('two lists over one store (different columns) keep their own rows', () => {
    const r = rng(51);
    const store = new ObjectStore();
    for (let i = 0; i < 500; i++) store.upsert(pod(i, r));
    const a = new ListIndex(store, () => undefined);
    const b = new ListIndex(store, () => undefined);
    const colsB = COLS.slice(0, 3);
    const specA: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: 'node-1', sortIndex: 3, desc: true };
    const specB: ListSpec = { cols: colsB, columnsKey: colsB.map((c) => c.id).join(','), filter: '', sortIndex: 2, desc: false };
    for (let k = 0; k < 3; k++) {
      expect(a.rows(specA, ALL, NOW).map((e) => e.key)).toEqual(naive(store, specA));
      expect(b.rows(specB, ALL, NOW).map((e) => e.key)).toEqual(naive(store, specB));
      for (let c = 0; c < 20; c++) store.upsert(pod(Math.floor(r() * 500), r));
    }
    a.dispose();
    expect(b.rows(specB, ALL, NOW).map((e) => e.key)).toEqual(naive(store, specB));
  });

  it.each([81, 82, 83, 84])('a filter on a big list shows exactly the first rows of the full result while it scans the rest (seed %i)', async (seed) => {
    const r = rng(seed);
    const N = SCAN_AT_ONCE + 1500;
    const { store, live } = podStore(N, r);
    let ready = 0;
    // (No wait after a new filter's frame: the awaits between frames below let the scan go on a slice.)
    const index = new ListIndex(store, () => ready++, { paintGraceMs: 0 });
    const columnsKey = COLS.map((c) => c.id).join(',');
    // Typing a query, sometimes in a sorted list (narrowing its complete result), sometimes erasing a key.
    const queries = [['p', 'po', 'pod-1', 'pod-12', 'pod-123'], ['r', 'ru', 'running'], ['9', '99', '9'], ['node-2', 'node-21'], ['crash', 'crashx']];
    for (let round = 0; round < 6; round++) {
      const sortIndex = r() < 0.5 ? -1 : Math.floor(r() * COLS.length);
      const desc = r() < 0.4;
      // Start from the list without a filter, complete (as after a while on screen).
      await drained(index);
      index.rows({ cols: COLS, columnsKey, filter: '', sortIndex, desc }, ALL, NOW);
      for (const filter of queries[Math.floor(r() * queries.length)]!) {
        const spec: ListSpec = { cols: COLS, columnsKey, filter, sortIndex, desc };
        const label = `seed ${seed} round ${round} ${JSON.stringify({ ...spec, cols: undefined })}`;
        const top = 10 + Math.floor(r() * 40);
        const want = naive(store, spec);
        const got = index.rows(spec, { top, uid: null, span: 20 }, NOW).map((e) => e.key);
        // Exact where shown: a prefix of the full result (fewer than the screen's rows only while it says it is filtering).
        expect(got, label).toEqual(want.slice(0, got.length));
        if (got.length < Math.min(top, want.length)) expect(index.working, label).toBe('filtering');
        if (index.working !== 'filtering') expect(got, label).toEqual(want);
        // Moving the selection further down than what was found: its row and the ones after it are exact.
        if (got.length > 0 && r() < 0.5) {
          const sel = store.get(index.rows(spec, { top, uid: null, span: 20 }, NOW)[got.length - 1]!.obj.metadata.uid)!;
          const more = index.rows(spec, { top, uid: sel.obj.metadata.uid, span: 40, ahead: 20 }, NOW).map((e) => e.key);
          const at = want.indexOf(sel.key);
          expect(more.indexOf(sel.key), label).toBe(at);
          expect(more.length, label).toBeGreaterThanOrEqual(Math.min(want.length, at + 21));
          expect(more, label).toEqual(want.slice(0, more.length));
        }
        // Sometimes the scan goes on a slice or two; sometimes the store changes before the next frame.
        if (r() < 0.5) await new Promise((res) => setImmediate(res));
        if (r() < 0.3) {
          for (let c = 0; c < 20; c++) {
            const i = Math.floor(r() * N);
            const p = pod(i, r, live.get(i)!.metadata.uid);
            store.upsert(p);
            live.set(i, p);
          }
          const after = index.rows(spec, { top, uid: null, span: 20 }, NOW).map((e) => e.key);
          expect(after, `${label} after changes`).toEqual(naive(store, spec));
        }
      }
    }
    await drained(index);
    expect(ready).toBeGreaterThan(0);
  });

  it('a filter scan in slices completes to the full result and says so', async () => {
    const r = rng(91);
    const store = new ObjectStore();
    for (let i = 0; i < SCAN_AT_ONCE * 3; i++) store.upsert(pod(i, r));
    let ready = 0;
    const index = new ListIndex(store, () => ready++);
    const spec: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: 'pod-1', sortIndex: -1, desc: true };
    const need: Need = { top: 30, uid: null, span: 20 };
    const first = index.rows(spec, need, NOW).map((e) => e.key);
    const want = naive(store, spec);
    expect(index.working).toBe('filtering');
    expect(first).toEqual(want.slice(0, first.length));
    expect(first.length).toBeLessThan(want.length);
    await drained(index);
    // A frame when it completes (and any while the screen was short of rows).
    expect(ready).toBeGreaterThanOrEqual(1);
    expect(index.working).toBe(null);
    expect(index.rows(spec, need, NOW).map((e) => e.key)).toEqual(want);
    // Extending the query while complete narrows it, scanning again; erasing a key rebuilds.
    const narrower = { ...spec, filter: 'pod-12' };
    const part = index.rows(narrower, need, NOW).map((e) => e.key);
    expect(part).toEqual(naive(store, narrower).slice(0, part.length));
    await drained(index);
    expect(index.rows(narrower, need, NOW).map((e) => e.key)).toEqual(naive(store, narrower));
    expect(index.rows(spec, ALL, NOW).map((e) => e.key)).toEqual(want);
  });

  it('a frame’s scan looks at its clock every 64 rows: a scan out of time stops before the 64th row (rows not yet warmed cost ~10 µs each)', async () => {
    const r = rng(92);
    const store = new ObjectStore();
    for (let i = 0; i < SCAN_AT_ONCE * 2; i++) store.upsert(pod(i, r));
    // One pod runs on a node no other does, 100 rows into the store's order.
    const needle = store.sorted[100]!.obj;
    store.upsert({ ...needle, metadata: { ...needle.metadata, resourceVersion: 'x' }, spec: { ...needle.spec, nodeName: 'needle-node' } } as KubeObject);
    // No time to scan at all: the frame stops at its first look at the clock.
    const index = new ListIndex(store, () => undefined, { frameScanMs: 0 });
    const spec: ListSpec = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: 'needle', sortIndex: -1, desc: false };
    const need: Need = { top: 30, uid: null, span: 20 };
    expect(index.rows(spec, need, NOW)).toEqual([]);
    expect(index.working).toBe('filtering');
    // The slices find it.
    await drained(index);
    expect(index.rows(spec, need, NOW).map((e) => e.obj.spec)).toEqual([expect.objectContaining({ nodeName: 'needle-node' })]);
  });

  it.each([101, 102])('a first filter key on a big sorted list while pods change narrows the sorted result (scans in slices), exact throughout (seed %i)', async (seed) => {
    const r = rng(seed);
    const N = SCAN_AT_ONCE * 2;
    const { store, live } = podStore(N, r);
    // The key's frame finds the screen's rows however long the machine takes (CI under load: none in 3 ms).
    const index = new ListIndex(store, () => undefined, { paintGraceMs: 0, frameScanMs: Infinity, ...PLACE_AT_ONCE });
    const base = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), sortIndex: 2, desc: r() < 0.5 };
    index.rows({ ...base, filter: '' }, ALL, NOW);
    await drained(index);
    for (const filter of ['9', 'running']) {
      // Pods change after the last frame of the sorted list, then the key.
      for (let c = 0; c < 40; c++) randomChange(store, live, r, N + 50, 0.2, 0.3);
      const spec: ListSpec = { ...base, filter };
      const got = index.rows(spec, { top: 30, uid: null, span: 20 }, NOW).map((e) => e.key);
      const want = naive(store, spec);
      // Narrowing the sorted result: only the screen's rows are scanned on the key.
      expect(index.working, filter).toBe('filtering');
      expect(got, filter).toEqual(want.slice(0, got.length));
      expect(got.length, filter).toBeGreaterThanOrEqual(Math.min(30, want.length));
      await drained(index);
      expect(index.rows(spec, { top: 30, uid: null, span: 20 }, NOW).map((e) => e.key), filter).toEqual(want);
      index.rows({ ...base, filter: '' }, ALL, NOW);
      await drained(index);
    }
  });

  it('narrows the previous result when the filter is extended', () => {
    const r = rng(11);
    const store = new ObjectStore();
    for (let i = 0; i < 2000; i++) store.upsert(pod(i, r));
    const index = new ListIndex(store, () => undefined);
    const base = { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), sortIndex: 0, desc: false };
    for (const f of ['p', 'po', 'pod-1', 'pod-19', 'pod-1']) {
      expect(index.rows({ ...base, filter: f }, ALL, NOW).map((e) => e.key)).toEqual(naive(store, { ...base, filter: f }));
    }
  });
});

describe('ListIndex: kept complete orders (a sort key press answered from the order the list had, or one made in the background)', () => {
  const BIG = SORT_AT_ONCE + 1000;
  const columnsKey = COLS.map((c) => c.id).join(',');
  const specOf = (sortIndex: number, desc = false, filter = ''): ListSpec => ({ cols: COLS, columnsKey, filter, sortIndex, desc });

  function bigStore(r: () => number): { store: ObjectStore; live: Map<number, KubeObject>; churn: (n: number) => void } {
    const { store, live } = podStore(BIG, r);
    const churn = (n: number): void => {
      for (let c = 0; c < n; c++) randomChange(store, live, r, BIG + 50, 0.15, 0.25);
    };
    return { store, live, churn };
  }

  /** What the pane asks: the screen's rows and those around the selected one. */
  const screen = (uid: string | null): Need => ({ top: 40, uid, span: 40 });

  /** knownPosition is the row's index, or -1 (not known), or -2 only for a row not among them. */
  function checkPositions(index: ListIndex, rows: readonly { obj: KubeObject }[], uids: string[], label: string): void {
    for (const uid of uids) {
      const at = rows.findIndex((e) => e.obj.metadata.uid === uid);
      const known = index.knownPosition(uid);
      if (known === -2) expect(at, `${label}: ${uid} said absent`).toBe(-1);
      else if (known >= 0) expect(known, `${label}: ${uid}`).toBe(at);
    }
  }

  it.each([31, 32, 33, 34])('returning to a sort after changes shows exactly the full sort at once; the selection is found (seed %i)', async (seed) => {
    const r = rng(seed);
    const { store, live, churn } = bigStore(r);
    const index = new ListIndex(store, () => undefined, PLACE_AT_ONCE);
    let kept = 0;
    let uid: string | null = null;
    for (let step = 0; step < 24; step++) {
      // Mostly back and forth between a few sorts (so kept orders are used), sometimes a filter or unsorted.
      const pick = r();
      const spec = pick < 0.1 ? specOf(-1, false, 'pod-1') : pick < 0.15 ? specOf(-1) : specOf(Math.floor(r() * 3) * 2, r() < 0.3);
      churn(r() < 0.4 ? 0 : Math.floor(r() * 30));
      const quick = index.keptOrders;
      const rows = index.rows(spec, screen(uid), NOW);
      const want = naive(store, spec);
      const label = `seed ${seed} step ${step} ${JSON.stringify({ ...spec, cols: undefined })}`;
      if (index.working === null) {
        // Nothing left to complete: every row is where a full sort puts it.
        expect(rows.map((e) => e.key), label).toEqual(want);
        if (spec.sortIndex >= 0 && quick > 0) kept++;
      } else expect(rows.slice(0, 40).map((e) => e.key), label).toEqual(want.slice(0, 40));
      const uids = [...live.values()].slice(0, 5).map((o) => o.metadata.uid).concat(['gone-uid']);
      if (uid) uids.push(uid);
      checkPositions(index, rows, uids, label);
      // A frame later, sometimes after more changes (while the kept rows are still being marked), or once settled.
      if (r() < 0.5) churn(Math.floor(r() * 20));
      if (r() < 0.5) await drained(index);
      const again = index.rows(spec, ALL, NOW);
      expect(again.map((e) => e.key), `${label} (a frame later)`).toEqual(naive(store, spec));
      checkPositions(index, again, uids, `${label} (a frame later)`);
      uid = again[Math.floor(r() * again.length)]?.obj.metadata.uid ?? null;
      if (r() < 0.5) {
        // Changes with no frame until the work in slices has seen them.
        churn(Math.floor(r() * 20));
        await drained(index);
      }
    }
    expect(kept, `seed ${seed}: sorts answered from a kept order`).toBeGreaterThan(0);
  });

  it.each([51, 52, 53])('changes that arrive while the rows of a kept order are being marked move those rows (seed %i)', async (seed) => {
    const r = rng(seed);
    const { store, churn } = bigStore(r);
    const index = new ListIndex(store, () => undefined);
    const restarts = COLS.findIndex((c) => c.id === 'restarts');
    // Sorted by RESTARTS, then by NAME: the RESTARTS order is kept as it was.
    index.rows(specOf(restarts), ALL, NOW);
    index.rows(specOf(0), ALL, NOW);
    // Back to RESTARTS with no change since: taken at once, its rows marked in slices after the frame.
    const rows = index.rows(specOf(restarts), screen(null), NOW);
    expect(index.working).toBeNull();
    expect(rows.map((e) => e.key)).toEqual(naive(store, specOf(restarts)));
    // Pods restart before the marking has run: their rows must move.
    churn(40);
    await drained(index);
    expect(index.rows(specOf(restarts), ALL, NOW).map((e) => e.key)).toEqual(naive(store, specOf(restarts)));
    // And with a frame before the slices.
    index.rows(specOf(0), ALL, NOW);
    index.rows(specOf(restarts), screen(null), NOW);
    churn(40);
    expect(index.rows(specOf(restarts), ALL, NOW).map((e) => e.key)).toEqual(naive(store, specOf(restarts)));
  });

  it.each([91, 92, 93, 94])('a filter scanning the list’s own order while pods come and go between its slices ends with exactly the full result (seed %i)', async (seed) => {
    const r = rng(seed);
    const { store, churn } = bigStore(r);
    const index = new ListIndex(store, () => undefined);
    for (const [filter, desc] of [['node-1', false], ['running', false], ['node-2', true]] as const) {
      const spec = specOf(-1, desc, filter);
      const first = index.rows(spec, screen(null), NOW);
      expect(first.map((e) => e.key)).toEqual(naive(store, spec).slice(0, first.length));
      // Pods added and removed (before and after where the scan is) while it goes on in slices.
      for (let k = 0; k < 12 && index.working === 'filtering'; k++) {
        churn(1 + Math.floor(r() * 30));
        await new Promise((res) => setImmediate(res));
      }
      await drained(index);
      expect(index.rows(spec, ALL, NOW).map((e) => e.key), `${filter} ${desc}`).toEqual(naive(store, spec));
      index.rows(specOf(-1), ALL, NOW);
    }
  });

  it('a frame that starts a column’s background order does not copy the rows on its own path (the first slice does)', async () => {
    const r = rng(43);
    const { store } = bigStore(r);
    const index = new ListIndex(store, () => undefined);
    index.rows(specOf(-1), screen(null), NOW);
    const slice = vi.spyOn(store.sorted, 'slice');
    let onFrame = 0;
    for (let i = 0; i < 100_000 && index.keptOrders < COLS.length; i++) {
      const before = slice.mock.calls.length;
      index.warm(COLS, columnsKey);
      onFrame += slice.mock.calls.length - before;
      await new Promise((res) => setImmediate(res));
    }
    expect(index.keptOrders).toBe(COLS.length);
    // Each column's order copied the rows once, in the background.
    expect(slice.mock.calls.length).toBeGreaterThanOrEqual(COLS.length);
    expect(onFrame).toBe(0);
  });

  it('a quiet big list gets every column’s order in the background; a sort after a few changes is then complete at once', async () => {
    const r = rng(41);
    const { store, churn } = bigStore(r);
    const index = new ListIndex(store, () => undefined);
    index.rows(specOf(-1), screen(null), NOW);
    // The pane warms with every frame; the orders follow once the warm-up is done.
    for (let i = 0; i < 100_000 && index.keptOrders < COLS.length; i++) {
      index.warm(COLS, columnsKey);
      await new Promise((res) => setImmediate(res));
    }
    expect(index.keptOrders).toBe(COLS.length);
    churn(60);
    for (let c = 0; c < COLS.length; c++) {
      const rows = index.rows(specOf(c), screen(null), NOW);
      expect(index.working, COLS[c]!.id).toBeNull();
      expect(rows.map((e) => e.key), COLS[c]!.id).toEqual(naive(store, specOf(c)));
      churn(5);
    }
    await drained(index);
    expect(index.rows(specOf(2), ALL, NOW).map((e) => e.key)).toEqual(naive(store, specOf(2)));
  });
});

describe('ListIndex: cached cells and styles', () => {
  it('a row’s styles are kept per object version: a pod that starts crashing turns red, a new version is restyled', () => {
    const store = new ObjectStore();
    const r = rng(5);
    const base = pod(1, r);
    const running = { ...base, status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'x', imageID: '', state: { running: {} } }] } };
    store.upsert(running);
    const index = new ListIndex(store, () => undefined);
    const columnsKey = COLS.map((c) => c.id).join(',');
    const status = COLS.findIndex((c) => c.id === 'status');
    const e = store.sorted[0]!;
    expect(index.cached(e, COLS, columnsKey, NOW).styles[status]).toBe('ok');
    store.upsert({ ...running, status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 3, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } });
    const after = index.cached(store.sorted[0]!, COLS, columnsKey, NOW);
    expect(after.cells[status]).toBe('CrashLoopBackOff');
    expect(after.styles[status]).toBe('error');
  });
});

describe('filter texts', () => {
  const row = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: name, resourceVersion: '1' } });
  const keeps = (raw: string, name: string, search = `${name}\u0000running\u0000`): boolean => {
    const f = compileFilter(raw);
    return f.match ? f.match(row(name), () => search) : f.text === null || search.includes(f.text);
  };
  it('A|B keeps rows with either; an empty alternative keeps all; ! inverts', () => {
    expect(['api-1', 'web-2', 'db-1'].filter((n) => keeps('web|DB', n))).toEqual(['web-2', 'db-1']);
    expect(['api-1', 'web-2'].filter((n) => keeps('web|', n))).toEqual(['api-1', 'web-2']);
    expect(['api-1', 'web-2', 'db-1'].filter((n) => keeps('!web|db', n))).toEqual(['api-1']);
  });
  it('ownedBy keeps what the uid owns, with the typed filter; ownerReferences that are not a list own nothing', () => {
    const owned = (refs: unknown): KubeObject => ({ ...row('j'), metadata: { ...row('j').metadata, ownerReferences: refs as KubeObject['metadata']['ownerReferences'] } });
    const f = ownedBy(compileFilter(''), 'cj-1');
    const keep = (o: KubeObject, filter = f): boolean => filter.match!(o, () => 'j\u0000', () => []);
    expect(keep(owned([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'n', uid: 'cj-1' }]))).toBe(true);
    expect(keep(owned([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'n', uid: 'cj-2' }]))).toBe(false);
    for (const bad of [undefined, 'cj-1', { uid: 'cj-1' }, [null, 7]]) expect(keep(owned(bad)), JSON.stringify(bad)).toBe(false);
    expect(keep(owned([{ uid: 'cj-1' }]), ownedBy(compileFilter('zzz'), 'cj-1'))).toBe(false);
  });

  it('-f finds names with the letters in order, case-insensitive', () => {
    expect(['nginx-1', 'nginx-2', 'node-1x'].filter((n) => keeps('-f ngx1', n))).toEqual(['nginx-1']);
    expect(['nginx-1', 'api'].filter((n) => keeps('-f NGX', n))).toEqual(['nginx-1']);
    expect(fuzzyMatches('abc', '')).toBe(true);
    expect(fuzzyMatches('abc', 'cb')).toBe(false);
  });
});

describe('ListIndex with label and inverted filters', () => {
  const withLabels = (p: KubeObject, i: number): KubeObject => ({ ...p, metadata: { ...p.metadata, labels: { app: ['a', 'b', 'c'][i % 3]!, ...(i % 2 ? { tier: 'x' } : {}) } } });
  /** `ctrl+z ` before a filter: the faults of it (faultsOnly). */
  const compiled = (raw: string): RowFilter => (raw.startsWith('ctrl+z ') ? faultsOnly(compileFilter(raw.slice(7))) : compileFilter(raw));
  const specOf = (raw: string, sortIndex: number, desc: boolean): ListSpec => {
    const f = compiled(raw);
    return { cols: COLS, columnsKey: COLS.map((c) => c.id).join(','), filter: f.key, ...(f.match ? { match: f.match } : {}), sortIndex, desc };
  };
  /** The definition for these filters: the store's rows the compiled filter lets through, in the plain order. */
  const expected = (store: ObjectStore, raw: string, sortIndex: number, desc: boolean): string[] => {
    const f = compiled(raw);
    const plain = naive(store, { ...specOf('', sortIndex, desc) });
    const byKey = new Map(store.sorted.map((e) => [e.key, e]));
    const search = (key: string): string =>
      COLS.filter((c) => !ticks(c))
        .map((c) => safeCell(c, byKey.get(key)!, NOW).toLowerCase())
        .join('\u0000')
        .concat('\u0000');
    const styles = (key: string): Array<Style | undefined> => COLS.map((c) => (ticks(c) ? undefined : styleOf(c, byKey.get(key)!, NOW, undefined)));
    return plain.filter((k) => (f.match ? f.match(byKey.get(k)!.obj, () => search(k), () => styles(k)) : f.text === null || search(k).includes(f.text)));
  };

  it.each([1, 2, 3])('matches the definition as filters are typed, grown, inverted and changed, with changes between (seed %i)', async (seed) => {
    const r = rng(100 + seed);
    const store = new ObjectStore();
    const live = new Map<number, KubeObject>();
    for (let i = 0; i < 400; i++) {
      const p = withLabels(pod(i, r), i);
      live.set(i, p);
      store.upsert(p);
    }
    const index = new ListIndex(store, () => undefined);
    // Typed one after another, as keys are: a growing `!` filter shows more rows, not fewer.
    const sequences = [['!', '!p', '!pod-1', '!pod-12'], ['-l', '-l app', '-l app=a', '-l app=a,tier', '-l app in (a,b)', '-l app notin (a)', '-l !tier'], ['pod-1', '!pod-1', 'pod-1'], ['-l app in (', '-l app in (b)'], ['re:', 're:pod-1', 're:pod-1|pod-2', '!re:pod-(1|2)', 're:(', 're:^POD-3'], ['pod-1', 'pod-1|', 'pod-1|pod-2', '!pod-1|pod-3', '|'], ['-f', '-f p', '-f p1', '-f pd-12', '-f zz'], ['ctrl+z ', 'ctrl+z pod-1', 'ctrl+z pod-1|pod-2', 'pod-1', 'ctrl+z !pod-1']];
    for (let step = 0; step < 12; step++) {
      const seq = sequences[Math.floor(r() * sequences.length)]!;
      const sortIndex = Math.floor(r() * (COLS.length + 1)) - 1;
      const desc = r() < 0.4;
      for (const raw of seq) {
        for (let c = 0; c < Math.floor(r() * 20); c++) {
          const i = Math.floor(r() * 440);
          const p = withLabels(pod(i, r, live.get(i)?.metadata.uid), i);
          store.upsert(p);
          live.set(i, p);
        }
        const got = index.rows(specOf(raw, sortIndex, desc), ALL, NOW).map((e) => e.key);
        expect(got, `seed ${seed} step ${step} ${raw} sort ${sortIndex} desc ${desc}`).toEqual(expected(store, raw, sortIndex, desc));
      }
    }
  });

  it('on a big list too (scanned in slices): a growing ! filter is not narrowed', async () => {
    const r = rng(7);
    const store = new ObjectStore();
    for (let i = 0; i < SCAN_AT_ONCE + 1000; i++) store.upsert(withLabels(pod(i, r), i));
    const index = new ListIndex(store, () => undefined, { paintGraceMs: 0 });
    for (const raw of ['!pod-1', '!pod-12', '-l app=b', '-l app=b,tier']) {
      const got = index.rows(specOf(raw, -1, false), ALL, NOW).map((e) => e.key);
      expect(got, raw).toEqual(expected(store, raw, -1, false));
    }
    await drained(index);
  });
});
