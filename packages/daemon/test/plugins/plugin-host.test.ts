import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import type { PaneView } from '@kubetile/rpc-schema';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { ClusterManager } from '../../src/kube/cluster.js';
import { Keymap } from '../../src/keys/keymap.js';
import { LogRing } from '../../src/logging/log-ring.js';
import type { Pane, PaneContext } from '../../src/panes/pane.js';
import { PaneRegistry } from '../../src/panes/registry.js';
import { registerBuiltins } from '../../src/panes/builtin/register.js';
import type { PluginKubeAccess } from '../../src/plugins/kube-access.js';
import type { ResolvedPluginEntry } from '../../src/plugins/plugin-definition.js';
import { withManifest } from '../../src/plugins/manifest.js';
import { PluginHost } from '../../src/plugins/plugin-host.js';
import type { PluginPane } from '../../src/plugins/plugin-pane.js';
import { Signal } from '../../src/util/signal.js';
import { FAST_POLICY, fixture, sdkPlugin, silent, tempWasm, until } from './helpers.js';
import { probeWasm } from './probe-plugin.js';

let dir: string;
let host: PluginHost;
let registry: PaneRegistry;
let toasts: Array<[string, string]>;
let statuses: Array<[string, string, string | null]>;
let kubeCalls: string[];
const panes: Pane[] = [];

const kube: PluginKubeAccess = {
  listPods: async (scope) => {
    kubeCalls.push(`listPods ${scope.namespace}`);
    return [{ name: 'web-1', namespace: 'default', phase: 'Running', status: 'Running', ready: '1/1', restarts: 0, node: 'n', ageSeconds: 1 }];
  },
  getSecret: () => Promise.reject(new Error('no')),
  listSecrets: () => Promise.reject(new Error('no')),
};

function entry(key: string, path: string, extra: Partial<ResolvedPluginEntry> = {}): ResolvedPluginEntry {
  return { key, path, permissions: [], timeoutMs: 20_000, maxInstances: 16, warnings: [], config: {}, ...extra };
}

let nextPane = 1;
function open(key: string): Pane {
  const ctx = {
    paneId: nextPane++,
    args: {},
    logger: silent,
    services: {
      logRing: new LogRing(10),
      bindings: () => Keymap.build().keymap.snapshot(),
      bindingsChanged: new Signal(),
      kube: new ClusterManager(silent),
      config: () => DEFAULT_CONFIG,
    },
    scope: () => ({ context: 'c', namespace: 'default' }),
    requests: { open: () => undefined, close: () => undefined, toast: () => undefined },
  } as PaneContext;
  const p = registry.create(key, ctx);
  panes.push(p);
  return p;
}

const VP = { cols: 100, rows: 10 };
const text = (v: PaneView): string =>
  v.type === 'lines'
    ? v.lines.map((l) => l.text).join('\n')
    : v.type === 'message'
      ? v.text
      : v.type === 'table' // an ABI v2 plugin's table: its caption, then its rows
        ? [...(v.caption ?? []).map((l) => l.text), ...v.rows.map((r) => Object.values(r.cells).join('  '))].join('\n')
        : '';
const shows = (p: Pane, pred: (t: string) => boolean) => until(`pane ${p.id} view`, () => pred(text(p.view(VP))));

/** Replaces a file the way a build tool does: write beside it, rename over it. */
function replace(target: string, bytes: Buffer | string): void {
  const tmp = `${target}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, target);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-host-'));
  registry = new PaneRegistry();
  registerBuiltins(registry);
  toasts = [];
  statuses = [];
  kubeCalls = [];
  host = new PluginHost({
    registry,
    logger: silent,
    kube,
    clipboard: () => undefined,
    toast: (level, t) => toasts.push([level, t]),
    status: (key, status, error) => statuses.push([key, status, error]),
    tickRateMs: () => 50,
    watch: false,
    policy: FAST_POLICY,
  });
});

afterEach(async () => {
  for (const p of panes.splice(0)) p.dispose();
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('PluginHost', () => {
  it('turns config entries into pane types; a key taken by a built-in is an error', async () => {
    await host.applyConfig([entry('smoke-test', sdkPlugin('smoke')), entry('help', sdkPlugin('smoke'))]);
    expect(registry.has('smoke-test')).toBe(true);
    const list = host.list();
    expect(list.map((p) => [p.key, p.status])).toEqual([
      ['help', 'error'],
      ['smoke-test', 'ready'],
    ]);
    expect(list[0]!.error).toMatch(/already a built-in pane type/);
    expect(statuses).toContainEqual(['smoke-test', 'ready', null]);
    const p = open('smoke-test');
    await shows(p, (t) => t === 'smoke-ok');
    expect(host.list()[1]).toMatchObject({ instances: 1, calls: expect.any(Number), p50Ms: expect.any(Number), p99Ms: expect.any(Number) });
  });

  it('hot reload swaps a rebuilt plugin in with the pane kept; a broken build leaves the old one running', async () => {
    const file = join(dir, 'live.wasm');
    copyFileSync(sdkPlugin('smoke'), file);
    await host.applyConfig([entry('live', file)]);
    const p = open('live');
    await shows(p, (t) => t === 'smoke-ok');
    const before = host.list()[0]!.sha256;

    replace(file, await import('node:fs').then((fs) => fs.readFileSync(fixture('echo'))));
    expect(await host.reload('live')).toEqual({ ok: true });
    await shows(p, (t) => t === 'open');
    expect(host.list()[0]).toMatchObject({ status: 'ready', error: null });
    await until('the old instance closed', () => host.list()[0]!.instances === 1);
    expect(host.list()[0]!.sha256).not.toBe(before);
    expect(toasts).toContainEqual(['success', "plugin 'live' reloaded"]);

    replace(file, 'garbage bytes');
    const r = await host.reload('live');
    expect(r.ok).toBe(false);
    expect(host.list()[0]).toMatchObject({ status: 'ready', instances: 1, error: expect.stringMatching(/malformed module.*\(the previous build keeps running\)$/) });
    expect(toasts.at(-1)![0]).toBe('error');
    p.handleCommand({ type: 'select' });
    await shows(p, (t) => t === 'select');
  });

  it('a build whose plugin_init fails is not swapped in', async () => {
    const file = join(dir, 'live.wasm');
    copyFileSync(fixture('echo'), file);
    await host.applyConfig([entry('live', file)]);
    const p = open('live');
    await shows(p, (t) => t === 'open' || t === 'resize');
    const wabt = await wabtInit();
    const m = wabt.parseWat('bad-init.wat', '(module (func (export "plugin_init") (result i32) unreachable) (func (export "plugin_on_command") (result i32) (i32.const 0)))');
    replace(file, Buffer.from(m.toBinary({}).buffer));
    m.destroy();
    const r = await host.reload('live');
    expect(r).toEqual({ ok: false, error: 'plugin_init trapped: unreachable' });
    expect(host.list()[0]!.error).toBe('plugin_init trapped: unreachable (the previous build keeps running)');
    await until('the candidate closed', () => host.list()[0]!.instances === 1);
    p.handleCommand({ type: 'back' });
    await shows(p, (t) => t === 'back');
  });

  it('carries state across a reload through plugin_snapshot / plugin_restore', async () => {
    const file = join(dir, 'pods.wasm');
    copyFileSync(sdkPlugin('pod-health'), file);
    await host.applyConfig([entry('pods', file, { permissions: ['k8s:list:pods'] })]);
    const p = open('pods');
    await shows(p, (t) => t.includes('web-1'));
    // pod-health (ABI v2) keeps the pod whose details it shows in its snapshot.
    p.handleCommand({ type: 'select' });
    await shows(p, (t) => t.startsWith('Pod '));
    const detail = text(p.view(VP)).split('\n')[0]!;
    expect(await host.reload('pods')).toEqual({ ok: true });
    expect(host.list()[0]!.calls).toBeGreaterThan(0);
    await shows(p, (t) => t.split('\n')[0] === detail);
  });

  it('a snapshot after a command that fails is shown in the pane; the plugin keeps running', async () => {
    const wabt = await wabtInit();
    const m = wabt.parseWat(
      'bad-snapshot.wat',
      String.raw`(module
        (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
        (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
        (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
        (import "extism:host/env" "error_set" (func $error_set (param i64)))
        (memory 1 1)
        (data (i32.const 0) "{\"lines\":[\"cmd\"]}")
        (data (i32.const 32) "no state yet")
        (func $block (param $p i32) (param $n i32) (result i64)
          (local $b i64) (local $i i32)
          (local.set $b (call $alloc (i64.extend_i32_u (local.get $n))))
          (block $d (loop $l
            (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
            (call $store_u8 (i64.add (local.get $b) (i64.extend_i32_u (local.get $i))) (i32.load8_u (i32.add (local.get $p) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l)))
          (local.get $b))
        (func (export "plugin_on_command") (result i32)
          (call $output_set (call $block (i32.const 0) (i32.const 17)) (i64.const 17))
          (i32.const 0))
        (func (export "plugin_snapshot") (result i32)
          (call $error_set (call $block (i32.const 32) (i32.const 12)))
          (i32.const 1)))`,
    );
    const file = await tempWasm(new Uint8Array(m.toBinary({}).buffer));
    m.destroy();
    await host.applyConfig([entry('snap', file)]);
    const p = open('snap');
    p.handleCommand({ type: 'select' });
    await shows(p, (t) => t.startsWith('cmd\n') && /plugin_snapshot failed: .*no state yet.*\(the previous snapshot is kept\)/.test(t));
    expect(host.list()[0]).toMatchObject({ status: 'ready', instances: 1 });
    p.handleCommand({ type: 'back' });
    await until('still answering', () => host.list()[0]!.calls >= 4);
    expect(host.list()[0]).toMatchObject({ status: 'ready', instances: 1 });
  });

  it('config changes add, re-permission and remove plugins without a restart', async () => {
    await host.applyConfig([entry('pods', sdkPlugin('pod-health'), { permissions: ['k8s:list:pods'] })]);
    const p = open('pods');
    await shows(p, (t) => t.includes('web-1'));
    // The grant is withdrawn: the running instance must not keep it.
    await host.applyConfig([entry('pods', sdkPlugin('pod-health'))]);
    // pod-health's manifest gives its reason for the permission: it waits for consent again.
    await shows(p, (t) => /^plugin 'pods' waits for your consent to 'k8s:list:pods'/.test(t));
    await until('no instance', () => host.list()[0]!.instances === 0);
    expect(host.list()[0]).toMatchObject({ granted: [], requested: ['k8s:list:pods'] });
    // Granted again: the pane comes back.
    await host.applyConfig([entry('pods', sdkPlugin('pod-health'), { permissions: ['k8s:list:pods'] }), entry('smoke-test', sdkPlugin('smoke'))]);
    await shows(p, (t) => t.includes('web-1'));
    expect(registry.has('smoke-test')).toBe(true);
    await host.applyConfig([entry('smoke-test', sdkPlugin('smoke'))]);
    await shows(p, (t) => t === "plugin 'pods' was removed from the config");
    expect(registry.has('pods')).toBe(false);
    expect(statuses).toContainEqual(['pods', 'removed', null]);
    expect(host.count()).toBe(1);
    // Back in the config (say an editor saved an empty file for a moment): the open pane revives.
    await host.applyConfig([entry('pods', sdkPlugin('pod-health'), { permissions: ['k8s:list:pods'] })]);
    await shows(p, (t) => t.includes('web-1'));
    expect(host.list()[0]).toMatchObject({ key: 'pods', status: 'ready', instances: 1 });
  });

  it('consent from the config holds only while the config gives it; grant() records it for good', async () => {
    const file = await tempWasm(withManifest(new Uint8Array(readFileSync(fixture('echo'))), { permissions: { 'k8s:list:pods': 'counts pods' } }));
    await host.applyConfig([entry('asks', file, { permissions: ['k8s:list:pods'] })]);
    const p = open('asks');
    await shows(p, (t) => t === 'open' || t === 'resize' || t === 'focus');
    expect(host.list()[0]).toMatchObject({ status: 'ready', consent: 'granted', requested: ['k8s:list:pods'], granted: ['k8s:list:pods'] });
    // Taken out of the entry: withdrawn (no dialog here, so it waits), and the pane says so.
    await host.applyConfig([entry('asks', file)]);
    await shows(p, (t) => t.startsWith("plugin 'asks' waits for your consent to 'k8s:list:pods'"));
    expect(host.list()[0]).toMatchObject({ status: 'consent', consent: 'pending', granted: [], pendingConsent: ['k8s:list:pods'] });
    await until('no instance', () => host.list()[0]!.instances === 0);
    // plugin/grant: recorded (not tied to the config) and the pane comes back.
    expect(await host.grant('asks')).toMatchObject({ granted: ['k8s:list:pods'], status: 'ready' });
    await shows(p, (t) => t === 'open');
    await expect(host.grant('asks', ['k8s:nuke'])).rejects.toThrow("unknown permission 'k8s:nuke'");
    await expect(host.grant('nope')).rejects.toThrow("no plugin 'nope'");
  });

  it('ticks plugins that export plugin_on_tick', async () => {
    await host.applyConfig([entry('pods', sdkPlugin('pod-health'), { permissions: ['k8s:list:pods'] })]);
    const p = open('pods');
    await shows(p, (t) => t.includes('web-1'));
    const n = kubeCalls.length;
    host.start();
    await until('ticks', () => kubeCalls.length >= n + 3);
  });

  it('stop says plugin_on_close to every instance and ends them all', async () => {
    const file = await tempWasm(await probeWasm());
    await host.applyConfig([entry('probe', file, { permissions: ['k8s:list:pods'] })]);
    const ps = [open('probe'), open('probe')];
    await Promise.all(ps.map((p) => shows(p, (t) => t.startsWith('{'))));
    expect(host.list()[0]!.instances).toBe(2);
    await host.stop();
    expect(kubeCalls.filter((c) => c === 'listPods bye')).toHaveLength(2);
    await until('no instance', () => host.list()[0]!.instances === 0);
  });

  it('a pane stopped for good that a reload finds no seat for says so, naming the cap (not its old crash)', async () => {
    await host.stop();
    host = new PluginHost({
      registry,
      logger: silent,
      kube,
      clipboard: () => undefined,
      toast: (level, t) => toasts.push([level, t]),
      status: (key, status, error) => statuses.push([key, status, error]),
      tickRateMs: () => 50,
      watch: false,
      policy: FAST_POLICY,
      maxInstancesTotal: 1,
    });
    await host.applyConfig([entry('trap', fixture('trap')), entry('echo', fixture('echo'))]);
    const t = open('trap') as PluginPane;
    // Three crashes in a row: stopped for good, its seat given up.
    for (let n = 1; n <= 3; n++) {
      await until(`ready ${n}`, () => t.status.kind === 'ready');
      t.handleCommand({ type: 'select' });
      await until(`crash ${n}`, () => t.status.kind !== 'ready');
    }
    await shows(t, (x) => x.startsWith("plugin 'trap' stopped after 3 crashes"));
    // The daemon's one seat goes to another plugin's pane.
    const e = open('echo') as PluginPane;
    await until('echo runs', () => e.status.kind === 'ready');
    expect(await host.reload('trap')).toEqual({ ok: true });
    await shows(
      t,
      (x) =>
        x ===
        "the new build of plugin 'trap' was not started in this pane: the daemon already runs 1 plugin instance, all plugins together, its limit (KUBETILE_MAX_PLUGIN_INSTANCES=1 in the daemon's environment): close a plugin pane, or raise KUBETILE_MAX_PLUGIN_INSTANCES",
    );
    expect(host.list().map((r) => [r.key, r.instances])).toEqual([['echo', 1], ['trap', 0]]);
  });
});
