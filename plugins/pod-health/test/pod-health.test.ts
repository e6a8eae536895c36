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

let wasm: string;
const hosts: TestHost[] = [];

async function open(opts: { pods?: CannedPod[]; config?: Record<string, string>; height?: number } = {}) {
  const host = await TestHost.load({ wasm, permissions: ['k8s:list:pods'], pods: opts.pods ?? PODS, namespace: 'default' });
  hosts.push(host);
  await host.init(opts.config ?? {});
  if (opts.height) await host.command({ type: 'resize', width: 100, height: opts.height });
  await host.open();
  return host;
}

/** The pod rows (after the header and column lines). */
function rows(lines: string[]): string[] {
  return lines.slice(2);
}

function names(lines: string[]): string[] {
  return rows(lines).map((l) => l.slice(4).split(/\s+/)[0]!);
}

beforeAll(() => {
  wasm = pluginWasm('pod-health');
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('pod-health', () => {
  it('is refused without k8s:list:pods', async () => {
    await expect(TestHost.load({ wasm, permissions: [] })).rejects.toThrow(PluginLoadError);
    await expect(TestHost.load({ wasm, permissions: [] })).rejects.toThrow(/list_pods.*k8s:list:pods/);
  });

  it('lists the pane namespace sorted by restarts, with a header of counts', async () => {
    const host = await open();
    const lines = host.lines;
    expect(lines[0]).toBe('Pods in this namespace: 4 total, 1 crash-looping, 1 not ready');
    expect(lines[1]).toMatch(/^\s+NAME\s+STATUS\s+READY\s+RESTARTS\s+AGE$/);
    expect(names(lines)).toEqual(['api-7f9', 'worker-0', 'web-2', 'web-1']);
    expect(host.calls[0]).toEqual({ fn: 'list_pods', request: {} });
  });

  it('highlights crash loops with !! and not-ready pods with !, cursor > on the first row', async () => {
    const host = await open();
    const r = rows(host.lines);
    expect(r[0]).toMatch(/^>!! api-7f9\s+CrashLoopBackOff\s+0\/1\s+12\s+2h$/);
    expect(r[1]).toMatch(/^ !  worker-0\s+Running\s+1\/2\s+5\s+2h$/);
    expect(r[3]).toMatch(/^    web-1\s+Running\s+1\/1\s+0\s+2h$/);
  });

  it('moves the cursor with select_next / select_prev, clamped at the ends', async () => {
    const host = await open();
    const cursorAt = (lines: string[]) => rows(lines).findIndex((l) => l.startsWith('>'));
    expect(cursorAt((await host.command({ type: 'select_next' }))!)).toBe(1);
    expect(cursorAt((await host.command({ type: 'select_next' }))!)).toBe(2);
    expect(cursorAt((await host.command({ type: 'select_prev' }))!)).toBe(1);
    expect(cursorAt((await host.command({ type: 'go_to_bottom' }))!)).toBe(3);
    expect(cursorAt((await host.command({ type: 'select_next' }))!)).toBe(3);
    expect(cursorAt((await host.command({ type: 'go_to_top' }))!)).toBe(0);
    expect(cursorAt((await host.command({ type: 'select_prev' }))!)).toBe(0);
  });

  it('filters by substring (case-insensitive) and clear_filter restores the list', async () => {
    const host = await open();
    const filtered = (await host.command({ type: 'filter', query: 'WEB' }))!;
    expect(filtered[0]).toContain('· filter "WEB": 2 shown');
    expect(names(filtered)).toEqual(['web-2', 'web-1']);
    expect(rows(filtered)[0]!.startsWith('>')).toBe(true);

    const byStatus = (await host.command({ type: 'filter', query: 'crashloop' }))!;
    expect(names(byStatus)).toEqual(['api-7f9']);

    const none = (await host.command({ type: 'filter', query: 'zzz' }))!;
    expect(none.at(-1)).toBe('(no pods match "zzz")');

    const cleared = (await host.command({ type: 'clear_filter' }))!;
    expect(cleared[0]).not.toContain('filter');
    expect(names(cleared)).toEqual(['api-7f9', 'worker-0', 'web-2', 'web-1']);
  });

  it('refreshes on tick, keeping the cursor on the same pod', async () => {
    const host = await open();
    await host.command({ type: 'select_next' }); // worker-0
    host.pods = [...PODS, pod('new-crash', 40, 'CrashLoopBackOff')];
    const lines = (await host.tick())!;
    expect(lines[0]).toBe('Pods in this namespace: 5 total, 2 crash-looping, 1 not ready');
    expect(names(lines)).toEqual(['new-crash', 'api-7f9', 'worker-0', 'web-2', 'web-1']);
    expect(rows(lines)[2]).toMatch(/^>!  worker-0/);
    expect(host.calls.filter((c) => c.fn === 'list_pods')).toHaveLength(2);
  });

  it('shows a list_pods error and keeps the last list', async () => {
    const host = await open();
    host.hostErrors = { list_pods: 'pods is forbidden: User "x" cannot list resource "pods"' };
    const lines = (await host.tick())!;
    expect(lines[1]).toBe('error: pods is forbidden: User "x" cannot list resource "pods"');
    expect(lines.some((l) => l.includes('api-7f9'))).toBe(true);
    host.hostErrors = {};
    expect((await host.tick())!.some((l) => l.startsWith('error:'))).toBe(false);
  });

  it('lists all namespaces with namespace = "*" in the config', async () => {
    const host = await open({ config: { namespace: '*' } });
    expect(host.calls[0]).toEqual({ fn: 'list_pods', request: { namespace: '*' } });
    expect(host.lines[0]).toBe('Pods in all namespaces: 5 total, 2 crash-looping, 1 not ready');
    expect(host.lines[1]).toMatch(/NAMESPACE\s+NAME/);
    expect(rows(host.lines)[0]).toMatch(/^>!! kube-system\s+other-ns\s+CrashLoopBackOff/);
  });

  it('select shows details, back returns to the list', async () => {
    const host = await open();
    const detail = (await host.command({ type: 'select' }))!;
    expect(detail[0]).toBe('Pod api-7f9  !! crash loop');
    expect(detail).toContain('  restarts   12');
    const list = (await host.command({ type: 'back' }))!;
    expect(names(list)[0]).toBe('api-7f9');
    expect(await host.command({ type: 'back' })).toBeNull();
  });

  it('windows the rows to the pane height so the cursor stays visible', async () => {
    const many = Array.from({ length: 30 }, (_, i) => pod(`p-${String(i).padStart(2, '0')}`, 100 - i));
    const host = await open({ pods: many, height: 7 });
    expect(host.lines).toHaveLength(7);
    for (let i = 0; i < 10; i++) await host.command({ type: 'select_next' });
    const lines = host.lines;
    expect(lines).toHaveLength(7);
    expect(rows(lines).at(-1)).toMatch(/^> {3}p-10/);
  });

  it('renders at most max_rows rows (default 200) until the host sends the pane height', async () => {
    const many = Array.from({ length: 250 }, (_, i) => pod(`p-${String(i).padStart(3, '0')}`, 1000 - i));
    const host = await open({ pods: many });
    expect(rows(host.lines)).toHaveLength(201);
    expect(host.lines.at(-1)).toBe('… rows 1–200 of 250; filter to narrow');
    await host.command({ type: 'go_to_bottom' });
    expect(host.lines.at(-1)).toBe('… rows 51–250 of 250; filter to narrow');
    expect(rows(host.lines).at(-2)).toMatch(/^> {3}p-249/);

    const capped = await open({ pods: many, config: { max_rows: '10' } });
    expect(capped.lines.at(-1)).toBe('… rows 1–10 of 250; filter to narrow');
    await capped.command({ type: 'resize', width: 100, height: 30 });
    expect(capped.lines).toHaveLength(30);
    expect(capped.lines.at(-1)).toMatch(/^ {4}p-027/);
  });

  it('shows UTF-8 pod names and an empty namespace', async () => {
    const host = await open({ pods: [pod('héllo-✓-日本', 1)] });
    expect(rows(host.lines)[0]).toMatch(/^> {3}héllo-✓-日本\s+Running/);
    const empty = await open({ pods: [] });
    expect(empty.lines).toEqual(['Pods in this namespace: 0 total, 0 crash-looping, 0 not ready', '(no pods)']);
  });

  it('keeps its filter and selection across a hot reload (snapshot/restore)', async () => {
    const host = await open();
    await host.command({ type: 'filter', query: 'web' });
    await host.command({ type: 'select_next' });
    const state = await host.snapshot();
    const next = await TestHost.load({ wasm, permissions: ['k8s:list:pods'], pods: PODS });
    hosts.push(next);
    await next.init({});
    await next.restore(state);
    const lines = (await next.open())!;
    expect(lines[0]).toContain('filter "web"');
    expect(rows(lines)[1]).toMatch(/^> {3}web-1/);
  });
});
