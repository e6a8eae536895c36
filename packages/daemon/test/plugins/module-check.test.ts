import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { checkModule } from '../../src/plugins/module-check.js';
import { inspectModule } from '../../src/plugins/wasm-inspect.js';
import { fixture, sdkPlugin } from './helpers.js';

async function wat(text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const m = wabt.parseWat('t.wat', text);
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

const withMemory = (decl: string) => wat(`(module ${decl} (func (export "plugin_on_command") (result i32) (i32.const 0)))`);
const codes = (bytes: Uint8Array, perms: string[] = []) => checkModule(bytes, perms).problems.map((p) => p.code);

describe('the memory-section check', () => {
  it('refuses a memory with no maximum, saying so', async () => {
    const r = checkModule(await withMemory('(memory 1)'), []);
    expect(r.problems).toEqual([
      { code: 'memory-unbounded', message: 'its memory declares no maximum; plugins must declare one of at most 512 pages = 32 MiB (AssemblyScript: --maximumMemory)' },
    ]);
  });
  it('refuses a maximum over 512 pages, and accepts exactly 512', async () => {
    expect(checkModule(await withMemory('(memory 1 513)'), []).problems[0]?.message).toBe(
      'its memory maximum of 513 pages = 32.1 MiB is over the limit of 512 pages = 32 MiB',
    );
    expect(codes(await withMemory('(memory 1 65536)'))).toEqual(['memory-too-large']);
    expect(codes(await withMemory('(memory 1 512)'))).toEqual([]);
    expect(codes(await withMemory(''))).toEqual([]);
  });
  it('refuses imported memory', async () => {
    expect(codes(await withMemory('(import "env" "memory" (memory 1 2))'))).toEqual(['memory-imported', 'import-unknown']);
  });
  it('accepts the SDK plugins (each declares a maximum within 512 pages)', () => {
    for (const [dir, perms] of [['smoke', []], ['pod-health', ['k8s:list:pods']], ['secret-viewer', ['k8s:get:secrets', 'clipboard:write']]] as const) {
      const bytes = new Uint8Array(readFileSync(sdkPlugin(dir)));
      const mems = inspectModule(bytes).memories;
      expect(mems).toEqual([{ imported: false, min: expect.any(Number), max: expect.any(Number), shared: false, memory64: false }]);
      expect(mems[0]!.max).toBeLessThanOrEqual(512);
      expect(checkModule(bytes, perms).problems).toEqual([]);
    }
  });
  it('reads the fixtures memory declarations', () => {
    expect(inspectModule(new Uint8Array(readFileSync(fixture('memory-bomb')))).memories[0]).toMatchObject({ min: 1, max: 512 });
    expect(inspectModule(new Uint8Array(readFileSync(fixture('memory-bomb-unbounded')))).memories[0]).toMatchObject({ min: 1, max: null });
    expect(inspectModule(new Uint8Array(readFileSync(fixture('spin')))).memories).toEqual([]);
  });
});

describe('the import and export checks', () => {
  it('names an ungranted import and the permission it needs', () => {
    const r = checkModule(new Uint8Array(readFileSync(fixture('ungranted-import'))), []);
    expect(r.problems).toEqual([
      { code: 'import-not-granted', message: "it imports kubetile::get_secret, which needs the permission 'k8s:get:secrets' (not granted in its [[plugins]] entry)" },
    ]);
    expect(checkModule(new Uint8Array(readFileSync(fixture('ungranted-import'))), ['k8s:get:secrets']).problems).toEqual([]);
  });
  it('refuses imports the host does not provide (unknown host functions, HTTP, env.abort)', async () => {
    const imp = (m: string, n: string) => wat(`(module (import "${m}" "${n}" (func)) (func (export "plugin_on_command") (result i32) (i32.const 0)))`);
    expect(codes(await imp('kubetile', 'delete_everything'))).toEqual(['import-unknown']);
    expect(codes(await imp('extism:host/env', 'http_request'))).toEqual(['import-unknown']);
    const abi = (await import('@kubetile/sdk/abi')) as { validatePluginModule(b: Uint8Array): Array<{ code: string }> };
    expect(abi.validatePluginModule(await imp('extism:host/env', 'http_request')).map((p) => p.code)).toEqual(['import-unknown']);
    expect(checkModule(await imp('env', 'abort'), []).problems[0]?.message).toMatch(/AssemblyScript: build with --use abort/);
  });
  it('needs plugin_on_command', () => {
    expect(codes(new Uint8Array(readFileSync(fixture('missing-export'))))).toEqual(['missing-export']);
  });
  it('refuses what is not a module', () => {
    expect(checkModule(new TextEncoder().encode('garbage bytes, not wasm'), []).problems).toEqual([
      { code: 'malformed', message: 'malformed module: not a WebAssembly module (bad magic number)' },
    ]);
    expect(codes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 10, 1]))).toEqual(['malformed']);
  });
  it('reads modules with the same section reader as the SDK (@kubetile/rpc-schema/plugin-abi)', async () => {
    const abi = (await import('@kubetile/sdk/abi')) as { inspectModule: unknown };
    const shared = await import('@kubetile/rpc-schema/plugin-abi');
    expect(inspectModule).toBe(shared.inspectModule);
    expect(abi.inspectModule).toBe(shared.inspectModule);
  });
  it('agrees with the SDK check on every fixture and plugin', async () => {
    const abi = (await import('@kubetile/sdk/abi')) as { validatePluginModule(b: Uint8Array, o: { permissions: string[] }): Array<{ code: string }> };
    const files = [
      'echo', 'spin', 'trap', 'render-flood', 'memory-bomb', 'memory-bomb-unbounded', 'missing-export', 'ungranted-import', 'alloc-amplify', 'table-bomb', 'slow-init',
    ].map(fixture);
    files.push(sdkPlugin('smoke'), sdkPlugin('pod-health'), sdkPlugin('secret-viewer'));
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(f));
      for (const perms of [[], ['k8s:list:pods', 'k8s:get:secrets', 'clipboard:write']]) {
        expect(codes(bytes, perms), f).toEqual(abi.validatePluginModule(bytes, { permissions: perms }).map((p) => p.code));
      }
    }
  });
});

describe('compilePlugin', () => {
  it('compiles without instantiating (no plugin code on the daemon thread); a module that cannot instantiate fails to start in its worker', async () => {
    const { compilePlugin } = await import('../../src/plugins/plugin-module.js');
    const { PluginInstance } = await import('../../src/plugins/plugin-instance.js');
    const { unavailableKubeAccess } = await import('../../src/plugins/kube-access.js');
    const { silent } = await import('./helpers.js');
    const bad = await compilePlugin('bad.wasm', await wat('(module (memory 1 1) (data (i32.const 70000) "x") (func (export "plugin_on_command") (result i32) (i32.const 0)))'), []);
    const start = PluginInstance.create({
      key: 'bad',
      module: bad.module,
      permissions: [],
      timeoutMs: 5000,
      config: {},
      logger: silent,
      pane: { paneId: 1, scope: () => ({ context: null, namespace: 'default' }), kube: unavailableKubeAccess, render: () => undefined, clipboard: () => undefined },
    });
    await expect(start).rejects.toThrow(/^could not start: .*data segment is out of bounds/);
    const good = await compilePlugin('echo.wasm', new Uint8Array(readFileSync(fixture('echo'))), []);
    expect(good.exports.has('plugin_on_open')).toBe(true);
    expect(good.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a file over 16 MiB before reading the rest of it', async () => {
    const { compilePlugin } = await import('../../src/plugins/plugin-module.js');
    await expect(compilePlugin('big.wasm', new Uint8Array(16 * 1024 * 1024 + 1), [])).rejects.toThrow('refused: the file is 16.0 MiB, over the 16 MiB limit');
  });
});

describe('the table-section check', () => {
  const withTables = (decl: string) => wat(`(module ${decl} (memory 1 1) (func (export "plugin_on_command") (result i32) (i32.const 0)))`);
  it('refuses the table bomb from its declared sizes alone, naming the limit', () => {
    const r = checkModule(new Uint8Array(readFileSync(fixture('table-bomb'))), []);
    expect(r.info.tables).toHaveLength(4);
    expect(r.problems).toEqual([{ code: 'table-too-large', message: 'its table 0 declares 10000000 entries, over the limit of 65536 (all tables together)' }]);
  });
  it('counts all tables together, and needs a maximum on each', async () => {
    expect(codes(await withTables('(table 40000 40000 funcref) (table 30000 30000 funcref)'))).toEqual(['table-too-large']);
    expect(checkModule(await withTables('(table 40000 40000 funcref) (table 30000 30000 funcref)'), []).problems[0]?.message).toBe(
      'its table 1 declares 30000 entries, over the limit of 65536 (all tables together)',
    );
    expect(checkModule(await withTables('(table 1 funcref)'), []).problems).toEqual([
      { code: 'table-unbounded', message: 'its table 0 declares no maximum; plugins must declare one (at most 65536 entries, all tables together)' },
    ]);
    expect(codes(await withTables('(table 2 2 funcref) (table 65534 65534 externref)'))).toEqual([]);
  });
  it('the SDK check refuses the same tables', async () => {
    const abi = (await import('@kubetile/sdk/abi')) as { validatePluginModule(b: Uint8Array, o: { permissions: string[] }): Array<{ code: string }> };
    for (const decl of ['(table 1 funcref)', '(table 40000 40000 funcref) (table 30000 30000 funcref)', '(table 2 2 funcref)']) {
      const bytes = await withTables(decl);
      expect(abi.validatePluginModule(bytes, { permissions: [] }).map((p) => p.code), decl).toEqual(codes(bytes));
    }
  });
  it('accepts the SDK plugins (AssemblyScript declares min = max)', () => {
    expect(checkModule(new Uint8Array(readFileSync(sdkPlugin('pod-health'))), ['k8s:list:pods']).info.tables).toEqual([{ imported: false, min: 2, max: 2 }]);
  });
});
