import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pluginWasm } from '../../../packages/sdk/test/helpers/paths.js';
import { PluginLoadError, TestHost, type CannedPod } from '../../../packages/sdk/test/helpers/test-host.js';

function pod(name: string, restarts: number, status = 'Running', extra: Partial<CannedPod> = {}): CannedPod {
  return {
    name,
    namespace: 'default',
    phase: status === 'Pending' ? 'Pending' : 'Running',
    status,
    ready: status === 'Running' ? '1/1' : '0/1',
    restarts,
    node: 'node-a',
    age_seconds: 7200,
    ...extra,
  };
}

const PODS: CannedPod[] = [
  pod('web-1', 0),
  pod('api-7f9', 12, 'CrashLoopBackOff'),
  pod('web-2', 3),
  pod('worker-0', 5, 'Running', { ready: '1/2' }),
  pod('other-ns', 99, 'CrashLoopBackOff', { namespace: 'kube-system' }),
];

interface Cell {
  value?: unknown;
  fg?: string;
  bold?: boolean;
}
interface V2Table {
  columns: Array<{ title: string; type: string }>;
  rows: Array<{ key: string; cells: Array<unknown> }>;
  sort?: { column: number; order: string };
}

let wasm: string;
const hosts: TestHost[] = [];

async function open(opts: { pods?: CannedPod[]; config?: Record<string, string> } = {}) {
  const host = await TestHost.load({ wasm, permissions: ['k8s:list:pods'], pods: opts.pods ?? PODS, namespace: 'default' });
  hosts.push(host);
  await host.init(opts.config ?? {});
  await host.open();
  return host;
}

function table(host: TestHost): V2Table {
  return host.payloads.at(-1)!.table as V2Table;
}

/** A row's cell values (a styled cell is {value, fg…}). */
const values = (row: V2Table['rows'][number]): unknown[] => row.cells.map((c) => (typeof c === 'object' && c !== null ? (c as Cell).value : c));
const cellOf = (row: V2Table['rows'][number], i: number): Cell => (typeof row.cells[i] === 'object' ? (row.cells[i] as Cell) : { value: row.cells[i] });

beforeAll(() => {
  wasm = pluginWasm('pod-health');
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('pod-health (ABI v2 table)', () => {
  it('is refused without k8s:list:pods', async () => {
    await expect(TestHost.load({ wasm, permissions: [] })).rejects.toThrow(PluginLoadError);
    await expect(TestHost.load({ wasm, permissions: [] })).rejects.toThrow(/list_pods.*k8s:list:pods/);
  });

  it('declares ABI v2', async () => {
    const host = await open();
    expect(await host.functionExists('plugin_abi_v2')).toBe(true);
  });

  it('renders a styled summary and a typed table of the pane namespace, sorted by restarts (most first)', async () => {
    const host = await open();
    expect(host.lines[0]).toBe('Pods in this namespace: 4 total, 1 crash-looping, 1 not ready');
    const summary = host.payloads.at(-1)!.lines as unknown[][];
    expect(summary[0]).toContainEqual({ text: '1 crash-looping', fg: 'red', bold: true });
    expect(summary[0]).toContainEqual({ text: '1 not ready', fg: 'yellow' });
    const t = table(host);
    expect(t.columns).toEqual([
      { title: 'POD', type: 'string' },
      { title: 'READY', type: 'string' },
      { title: 'RESTARTS', type: 'number' },
      { title: 'AGE', type: 'duration' },
      { title: 'STATUS', type: 'string' },
    ]);
    expect(t.sort).toEqual({ column: 2, order: 'desc' });
    expect(t.rows.map((r) => r.key)).toEqual(['default/api-7f9', 'default/worker-0', 'default/web-2', 'default/web-1']);
    expect(values(t.rows[0]!)).toEqual(['api-7f9', '0/1', 12, 7200, 'CrashLoopBackOff']);
    expect(host.calls[0]).toEqual({ fn: 'list_pods', request: {} });
  });

  it('colours unhealthy pods: crash loops red and bold, not-ready pods yellow, healthy status green', async () => {
    const host = await open();
    const rows = table(host).rows;
    expect(cellOf(rows[0]!, 4)).toEqual({ value: 'CrashLoopBackOff', fg: 'red', bold: true });
    expect(cellOf(rows[0]!, 0)).toMatchObject({ fg: 'red' });
    expect(cellOf(rows[1]!, 1)).toEqual({ value: '1/2', fg: 'yellow' });
    expect(cellOf(rows[3]!, 4)).toEqual({ value: 'Running', fg: 'green' });
  });

  it('select (with the row the host names) shows details, back returns to the table', async () => {
    const host = await open();
    const detail = (await host.command({ type: 'select', row: 0, key: 'default/api-7f9' }))!;
    expect(detail[0]).toBe('Pod api-7f9  crash loop');
    expect(detail).toContain('  restarts   12');
    const list = (await host.command({ type: 'back' }))!;
    expect(list[0]).toMatch(/^Pods in this namespace/);
    expect(table(host).rows).toHaveLength(4);
    expect(await host.command({ type: 'back' })).toBeNull();
    // List keys are the host's business: the plugin does not re-render for them.
    expect(await host.command({ type: 'select_next' })).toBeNull();
    expect(await host.command({ type: 'filter', query: 'web' })).toBeNull();
  });

  it('refreshes on tick; a list_pods error is shown and the last table kept', async () => {
    const host = await open();
    host.pods = [...PODS, pod('new-crash', 40, 'CrashLoopBackOff')];
    await host.tick();
    expect(host.lines[0]).toBe('Pods in this namespace: 5 total, 2 crash-looping, 1 not ready');
    expect(table(host).rows.map((r) => r.key)).toContain('default/new-crash');
    host.hostErrors = { list_pods: 'pods is forbidden: User "x" cannot list resource "pods"' };
    await host.tick();
    expect(host.lines[1]).toBe('error: pods is forbidden: User "x" cannot list resource "pods"');
    expect(table(host).rows).toHaveLength(5);
  });

  it('lists all namespaces with namespace = "*" in the config (a NAMESPACE column)', async () => {
    const host = await open({ config: { namespace: '*' } });
    expect(host.calls[0]).toEqual({ fn: 'list_pods', request: { namespace: '*' } });
    expect(host.lines[0]).toBe('Pods in all namespaces: 5 total, 2 crash-looping, 1 not ready');
    expect(table(host).columns[0]!.title).toBe('NAMESPACE');
    expect(table(host).sort).toEqual({ column: 3, order: 'desc' });
  });

  it('keeps the table under the host limits: at most max_rows rows (default 2000), those with most restarts', async () => {
    const many = Array.from({ length: 2500 }, (_, i) =>
      pod(`p-${String(i).padStart(4, '0')}-${'x'.repeat(56)}`, i, 'CrashLoopBackOff'),
    );
    const host = await open({ pods: many });
    const t = table(host);
    expect(t.rows).toHaveLength(2000);
    expect(values(t.rows[0]!)[2]).toBe(2499);
    expect(host.lines[1]).toBe('showing the 2000 pods with most restarts of 2500 (max_rows; set namespace to narrow)');
    // What the host accepts: under 1 MiB of JSON and 512 KiB of text.
    expect(JSON.stringify(host.payloads.at(-1)).length).toBeLessThan(1024 * 1024);
    const capped = await open({ pods: many, config: { max_rows: '10' } });
    expect(table(capped).rows).toHaveLength(10);
  });

  it('shows UTF-8 pod names and an empty namespace', async () => {
    const host = await open({ pods: [pod('héllo-✓-日本', 1)] });
    expect(values(table(host).rows[0]!)[0]).toBe('héllo-✓-日本');
    const empty = await open({ pods: [] });
    expect(empty.lines).toEqual(['Pods in this namespace: 0 total, 0 crash-looping, 0 not ready']);
    expect(table(empty).rows).toEqual([]);
  });

  it('keeps the pod whose details are shown across a hot reload (snapshot/restore)', async () => {
    const host = await open();
    await host.command({ type: 'select', row: 1, key: 'default/worker-0' });
    const state = await host.snapshot();
    const next = await TestHost.load({ wasm, permissions: ['k8s:list:pods'], pods: PODS });
    hosts.push(next);
    await next.init({});
    await next.restore(state);
    const lines = (await next.open())!;
    expect(lines[0]).toBe('Pod worker-0');
  });
});
