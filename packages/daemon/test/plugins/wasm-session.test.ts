import { afterEach, describe, expect, it } from 'vitest';
import type { PluginKubeAccess, PluginKubeScope } from '../../src/plugins/kube-access.js';
import { CrashTracker } from '../../src/plugins/crash-policy.js';
import { LocalPluginSession } from '../../src/plugins/local-session.js';
import { commandInput } from '../../src/plugins/plugin-command.js';
import type { WasmSession } from '../../src/plugins/wasm-session.js';
import { fixture, loadDef, sdkPlugin, startSession, tempWasm, until, type TestSession } from './helpers.js';
import { probeWasm } from './probe-plugin.js';

const open: WasmSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function track(t: TestSession): TestSession {
  open.push(t.session);
  return t;
}

const ready = (t: TestSession) => until('ready', () => t.sink.current?.kind === 'ready');
const rendered = (t: TestSession, line: string) => until(`render ${line}`, () => t.sink.lines.includes(line));

/** A fake Kubernetes layer that records what it was asked. */
function fakeKube(): PluginKubeAccess & { calls: Array<{ fn: string; scope: PluginKubeScope; name?: string }> } {
  const calls: Array<{ fn: string; scope: PluginKubeScope; name?: string }> = [];
  return {
    calls,
    listPods: async (scope) => {
      calls.push({ fn: 'listPods', scope });
      return [
        { name: 'web-1', namespace: 'shop', phase: 'Running', status: 'CrashLoopBackOff', ready: '0/1', restarts: 12, node: 'n1', ageSeconds: 3600 },
        { name: 'db-0', namespace: 'shop', phase: 'Running', status: 'Running', ready: '1/1', restarts: 0, node: 'n2', ageSeconds: 7200 },
      ];
    },
    getSecret: async (scope, name) => {
      calls.push({ fn: 'getSecret', scope, name });
      if (name !== 'db') throw new Error(`secrets "${name}" not found`);
      return { name: 'db', namespace: scope.namespace, type: 'Opaque', data: { user: Buffer.from('admin').toString('base64'), pass: Buffer.from('s3cr3t ✓').toString('base64') } };
    },
    listSecrets: async (scope) => {
      calls.push({ fn: 'listSecrets', scope });
      return [{ name: 'db', type: 'Opaque', keys: 2 }];
    },
  };
}

describe('WasmSession on real wasm', () => {
  it('the echo fixture renders on open and echoes the type of every command it receives', async () => {
    const t = track(startSession(await loadDef(fixture('echo'))));
    await rendered(t, 'open');
    for (const type of ['scroll_down', 'select', 'send_input', 'filter', 'focus', 'resize'] as const) {
      const cmd =
        type === 'send_input' ? { type, text: 'x' } : type === 'filter' ? { type, query: 'q' } : type === 'focus' ? { type, focused: true } : type === 'resize' ? { type, width: 80, height: 20 } : { type };
      t.session.command(cmd);
      await until(`echo ${type}`, () => t.sink.lines[0] === type);
    }
  });

  it('a plugin receives exactly the JSON of the ABI: command + pane_id, and {pane_id} on open', async () => {
    const def = await loadDef(await tempWasm(await probeWasm()), { permissions: ['k8s:list:pods'] });
    const t = track(startSession(def, { paneId: 42 }));
    await until('open input', () => t.sink.lines[0] === '{"pane_id":42}');
    const cmds = [
      { type: 'filter', query: 'web "quoted" \\ ✓' },
      { type: 'send_input', text: 'line\nnext' },
      { type: 'resize', width: 120, height: 33 },
      { type: 'focus', focused: false },
      { type: 'go_to_bottom' },
    ] as const;
    for (const c of cmds) {
      t.session.command(c);
      const want = commandInput(c, 42);
      await until(`input ${want}`, () => t.sink.lines[0] === want.replace(/\n/g, '\ufffd'));
      expect(JSON.parse(want)).toEqual({ ...c, pane_id: 42 });
    }
  });

  it('host_send_render reaches the pane; plugin_on_close runs when the session closes', async () => {
    const kube = fakeKube();
    const def = await loadDef(await tempWasm(await probeWasm()), { permissions: ['k8s:list:pods'] });
    const t = startSession(def, { paneId: 5, kube, scope: { context: 'kind', namespace: 'shop' } });
    await ready(t);
    t.session.tick();
    await rendered(t, 'pushed');
    await t.session.close();
    expect(kube.calls).toEqual([{ fn: 'listPods', scope: { context: 'kind', namespace: 'bye' } }]);
    expect(def.instances).toBe(0);
  });

  it('an ungranted import is refused before instantiation, naming the import and the permission', async () => {
    const def = await loadDef(fixture('ungranted-import'), { key: 'sneaky' });
    expect(def.status).toBe('error');
    const t = track(startSession(def));
    const s = await until('error', () => (t.sink.current?.kind === 'error' ? t.sink.current : null));
    expect(s.message).toMatch(/^plugin 'sneaky' refused: it imports kubetile::get_secret, which needs the permission 'k8s:get:secrets'/);
    expect(def.instances).toBe(0);
  });

  it('with the permission granted the same module loads, and its host call gets an error envelope, not a crash', async () => {
    const def = await loadDef(fixture('ungranted-import'), { permissions: ['k8s:get:secrets'] });
    const t = track(startSession(def));
    await ready(t);
    t.session.command({ type: 'select' });
    await rendered(t, 'called get_secret');
  });

  it('missing plugin_on_command and an unbounded memory are refused with their reasons', async () => {
    const missing = await loadDef(fixture('missing-export'));
    expect(missing.error).toMatch(/does not export plugin_on_command/);
    const unbounded = await loadDef(fixture('memory-bomb-unbounded'));
    expect(unbounded.error).toMatch(/its memory declares no maximum/);
  });

  it('a trap ends the call; the instance restarts (init + open) and stops after 3 crashes with the reason', async () => {
    const def = await loadDef(fixture('trap'), { key: 'trap' });
    const t = track(startSession(def));
    await ready(t);
    t.session.command({ type: 'select' });
    await until('restarting', () => t.sink.current?.kind === 'restarting');
    await ready(t);
    t.session.command({ type: 'select' });
    await until('restarted twice', () => t.sink.states.filter((s) => s.kind === 'ready').length >= 3);
    t.session.command({ type: 'select' });
    const s = await until('stopped', () => (t.sink.current?.kind === 'error' ? t.sink.current : null));
    expect(s.message).toMatch(/^plugin 'trap' stopped after 3 crashes within 60 s: plugin_on_command trapped: unreachable/);
    expect(def.instances).toBe(0);
    expect(def.stats.errors).toBe(3);
  });

  it('a spinning call times out, the worker is terminated and a fresh instance takes over', async () => {
    const def = await loadDef(fixture('spin'), { key: 'spin', timeoutMs: 200 });
    const t = track(startSession(def));
    await ready(t);
    t.session.command({ type: 'scroll_down' });
    const r = await until('restarting', () => (t.sink.current?.kind === 'restarting' ? t.sink.current : null));
    expect(r.reason).toBe('plugin_on_command timed out after 200 ms');
    await ready(t);
    expect(def.instances).toBe(1);
  });

  it('timeouts in a row stop the instance even when they come slower than the crash window', async () => {
    const def = await loadDef(fixture('spin'), { key: 'spin', timeoutMs: 200 });
    // A window too short to ever hold 3 crashes: only the count in a row can stop it.
    const t = track(startSession(def, { policy: { maxCrashes: 3, windowMs: 1, backoffMs: () => 20 } }));
    for (let n = 1; n <= 3; n++) {
      await until(`ready ${n}`, () => t.sink.current?.kind === 'ready');
      t.session.command({ type: 'scroll_down' });
      await until(`crash ${n}`, () => t.sink.current?.kind !== 'ready');
    }
    const s = await until('stopped', () => (t.sink.current?.kind === 'error' ? t.sink.current : null));
    expect(s.message).toBe("plugin 'spin' stopped after 3 crashes in a row: plugin_on_command timed out after 200 ms");
    expect(def.instances).toBe(0);
    expect(def.listStatus()).toEqual({ status: 'stopped', error: s.message });
  });

  it('a successful command or tick between crashes resets the count in a row (CrashTracker)', () => {
    const tracker = new CrashTracker({ maxCrashes: 99, windowMs: 60_000, backoffMs: () => 20 });
    expect(tracker.record(0).stop).toBe(false);
    expect(tracker.record(1).stop).toBe(false);
    tracker.succeeded();
    expect(tracker.record(2).stop).toBe(false);
    expect(tracker.record(3).stop).toBe(false);
    expect(tracker.record(4)).toMatchObject({ stop: true, why: '3 crashes in a row', count: 5 });
    const windowed = new CrashTracker({ maxCrashes: 3, windowMs: 60_000, backoffMs: () => 20 });
    windowed.record(0);
    windowed.succeeded();
    windowed.record(1);
    windowed.succeeded();
    expect(windowed.record(2)).toMatchObject({ stop: true, why: '3 crashes within 60 s' });
  });

  it('an alloc over the kernel-block limit ends the call as a crash naming the limit, before the block exists', async () => {
    const def = await loadDef(fixture('alloc-amplify'), { key: 'amp' });
    const t = track(startSession(def));
    await ready(t);
    t.session.command({ type: 'select' });
    const r = await until('restarting', () => (t.sink.current?.kind === 'restarting' ? t.sink.current : null));
    expect(r.reason).toBe('plugin_on_command: alloc of 256 MiB is over the Extism memory limit of 16 MiB');
    expect(t.sink.renders).toEqual([]); // its host_send_render never ran
    expect(def.stats.errors).toBe(1);
  });

  it('instances per plugin are capped: the pane over the cap says so; a freed seat is taken by the next pane', async () => {
    const def = await loadDef(fixture('echo'), { key: 'echo', maxInstances: 2 });
    const [a, b] = [track(startSession(def, { paneId: 1 })), track(startSession(def, { paneId: 2 }))];
    await Promise.all([rendered(a, 'open'), rendered(b, 'open')]);
    const c = track(startSession(def, { paneId: 3 }));
    const s = await until('refused', () => (c.sink.current?.kind === 'error' ? c.sink.current : null));
    expect(s.message).toBe("plugin 'echo' already runs 2 instances, its limit (max_instances = 2 in its [[plugins]] entry): close one of its panes, or raise max_instances");
    expect(def.instances).toBe(2);
    await a.session.close();
    const d = track(startSession(def, { paneId: 4 }));
    await rendered(d, 'open');
    expect(def.instances).toBe(2);
  });

  it('a guest filling the Extism memory limit is stopped with that reason', async () => {
    const def = await loadDef(fixture('memory-bomb'), { key: 'bomb', timeoutMs: 10_000 });
    const t = track(startSession(def));
    await ready(t);
    t.session.command({ type: 'select' });
    const r = await until('restarting', () => (t.sink.current?.kind === 'restarting' ? t.sink.current : null));
    expect(r.reason).toMatch(/^plugin_on_command: Extism memory limit exceeded/);
  });

  it('a render over the hard limit ends the call (returned or pushed through host_send_render)', async () => {
    const def = await loadDef(fixture('render-flood'), { key: 'flood', permissions: [], timeoutMs: 10_000 });
    const t = track(startSession(def));
    await ready(t);
    t.session.command({ type: 'select' });
    const r = await until('restarting', () => (t.sink.current?.kind === 'restarting' ? t.sink.current : null));
    expect(r.reason).toBe('plugin_on_command sent a render of 4.0 MiB, over the 1 MiB limit');
    await ready(t);
    t.session.tick();
    await until('second crash', () => t.sink.states.filter((s) => s.kind === 'restarting').length === 2);
    expect(t.sink.current).toMatchObject({ kind: 'restarting', reason: 'plugin_on_tick: host_send_render: request of 4.0 MiB is over the 1 MiB limit' });
  });

  it('list_pods answers from the Kubernetes layer in the pane tab scope (pod-health)', async () => {
    const kube = fakeKube();
    const def = await loadDef(sdkPlugin('pod-health'), { permissions: ['k8s:list:pods'] });
    const t = track(startSession(def, { kube, scope: { context: 'kind', namespace: 'shop' } }));
    await until('pods', () => t.sink.lines.some((l) => l.includes('web-1')));
    expect(kube.calls[0]).toEqual({ fn: 'listPods', scope: { context: 'kind', namespace: 'shop' } });
    const text = t.sink.lines.join('\n');
    expect(text).toMatch(/web-1/);
    expect(text.indexOf('web-1')).toBeLessThan(text.indexOf('db-0')); // most restarts first
  });

  it('without a cluster list_pods gives the plugin an error it can show', async () => {
    const def = await loadDef(sdkPlugin('pod-health'), { permissions: ['k8s:list:pods'] });
    const t = track(startSession(def));
    await until('error line', () => t.sink.lines.join('\n').includes('no cluster connection'));
  });

  it('get_secret decodes values; clipboard_write reaches the pane clients (secret-viewer)', async () => {
    const kube = fakeKube();
    const def = await loadDef(sdkPlugin('secret-viewer'), { permissions: ['k8s:get:secrets', 'clipboard:write'] });
    const t = track(startSession(def, { kube, scope: { context: 'kind', namespace: 'shop' } }));
    await until('secret list', () => t.sink.lines.some((l) => l.includes('db')));
    t.session.command({ type: 'select' });
    await until('keys view', () => t.sink.lines.some((l) => l.includes('pass')));
    t.session.command({ type: 'toggle_wrap' });
    await until('revealed', () => t.sink.lines.some((l) => l.includes('s3cr3t ✓')));
    t.session.command({ type: 'select' });
    await until('copied', () => t.clipboard.length > 0);
    expect(['admin', 's3cr3t ✓']).toContain(t.clipboard[0]);
    expect(kube.calls.map((c) => c.fn)).toEqual(expect.arrayContaining(['listSecrets', 'getSecret']));
  });

  it('ten instances of one compiled module each receive their own commands', async () => {
    const def = await loadDef(fixture('echo'));
    const ts = Array.from({ length: 10 }, (_, i) => track(startSession(def, { paneId: i + 1 })));
    await Promise.all(ts.map((t) => rendered(t, 'open')));
    expect(def.instances).toBe(10);
    ts.forEach((t, i) => t.session.command(i % 2 ? { type: 'page_up' } : { type: 'page_down' }));
    await Promise.all(ts.map((t, i) => rendered(t, i % 2 ? 'page_up' : 'page_down')));
  });
});

describe('LocalPluginSession', () => {
  it('records the commands it receives', async () => {
    const s = new LocalPluginSession({ command: () => null });
    s.start({ state: () => undefined, render: () => undefined, notice: () => undefined });
    s.command({ type: 'back' });
    await s.close();
    s.command({ type: 'select' });
    expect(s.received).toEqual([{ type: 'back' }]);
  });
});

