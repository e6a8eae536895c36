// abi.mjs: module inspection and the load-time checks of ABI v1; and the
// memory maximum every SDK-built plugin declares.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import {
  HOST_FUNCTIONS,
  MAX_MEMORY_PAGES,
  PERMISSIONS,
  inspectModule,
  isKebabCase,
  requiredPermissions,
  validatePluginModule,
} from '../abi.mjs';
import { REPO_ROOT, pluginWasm } from './helpers/paths.js';

let wabt: Awaited<ReturnType<typeof wabtInit>>;

function wat(text: string): Uint8Array {
  const mod = wabt.parseWat('inline.wat', text);
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

const CMD = '(func (export "plugin_on_command") (result i32) (i32.const 0))';

beforeAll(async () => {
  wabt = await wabtInit();
});

describe('SDK-built plugins', () => {
  const plugins = [
    ['smoke', 'plugins/smoke'],
    ['pod-health', 'plugins/pod-health'],
    ['secret-viewer', 'plugins/secret-viewer'],
    ['sdk-probe', 'packages/sdk/test/fixtures/sdk-probe'],
  ] as const;

  for (const [name, dir] of plugins) {
    it(`${name}: declares one memory with a maximum ≤ ${MAX_MEMORY_PAGES} pages and passes the load check`, () => {
      const bytes = readFileSync(pluginWasm(name));
      const info = inspectModule(bytes);
      expect(info.memories).toHaveLength(1);
      const [mem] = info.memories;
      expect(mem!.max).not.toBeNull();
      expect(mem!.max!).toBeLessThanOrEqual(MAX_MEMORY_PAGES);
      expect(mem!.min).toBeGreaterThanOrEqual(1);

      // cross-check the memory section with wabt's reader
      const mod = wabt.readWasm(bytes, { readDebugNames: false });
      try {
        const text = mod.toText({});
        const m = /\(memory \(;0;\) (\d+) (\d+)\)/.exec(text);
        expect(m, 'wabt sees a memory with a maximum').not.toBeNull();
        expect(Number(m![2])).toBe(mem!.max);
        expect(text).not.toMatch(/\(import "env"/);
      } finally {
        mod.destroy();
      }

      // imports match the permissions its package.json declares
      const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8'));
      expect(requiredPermissions(info)).toEqual([...pkg.kubetile.permissions].sort());
      expect(validatePluginModule(bytes, { permissions: pkg.kubetile.permissions })).toEqual([]);
      expect(info.exports.map((e) => e.name)).toEqual(expect.arrayContaining(['plugin_init', 'plugin_on_command']));
    });
  }
});

describe('validatePluginModule', () => {
  it('accepts a minimal module', () => {
    expect(validatePluginModule(wat(`(module (memory 1 2) ${CMD})`))).toEqual([]);
  });

  it('refuses memory above 512 pages, without a maximum, imported, or 64-bit', () => {
    expect(validatePluginModule(wat(`(module (memory 1 513) ${CMD})`)).map((p) => p.code)).toEqual(['memory-too-large']);
    expect(validatePluginModule(wat(`(module (memory 1 512) ${CMD})`))).toEqual([]);
    expect(validatePluginModule(wat(`(module (memory 1) ${CMD})`)).map((p) => p.code)).toEqual(['memory-unbounded']);
    expect(
      validatePluginModule(wat(`(module (import "env" "memory" (memory 1 2)) ${CMD})`)).map((p) => p.code),
    ).toEqual(['memory-imported']);
    expect(validatePluginModule(wat(`(module (memory 1 2) ${CMD})`), { maxMemoryPages: 1 }).map((p) => p.code)).toEqual([
      'memory-too-large',
    ]);
  });

  it('maps each kubetile import to its permission', () => {
    // An example permission of each form (`<resource>`: any resource, checked per call by the host).
    const example: Record<string, string> = { 'k8s:logs:pods': 'k8s:logs:pods:ns=dev', 'k8s:list:<resource>': 'k8s:list:deployments:ns=dev', 'k8s:patch|delete|scale:<resource>': 'k8s:scale:statefulsets' };
    for (const [fn, perm] of Object.entries(HOST_FUNCTIONS)) {
      const bytes = wat(`(module (import "kubetile" "${fn}" (func (param i64) (result i64))) ${CMD})`);
      const info = inspectModule(bytes);
      expect(requiredPermissions(info)).toEqual(perm ? [perm] : []);
      expect(validatePluginModule(bytes, { permissions: perm ? [example[perm] ?? perm] : [] })).toEqual([]);
      if (perm) {
        const [problem] = validatePluginModule(bytes);
        expect(problem!.code).toBe('import-not-granted');
        expect(problem!.message).toBe(`imports kubetile::${fn}, which needs permission "${perm}" (not granted)`);
      }
    }
    expect(PERMISSIONS).toEqual(['clipboard:write', 'k8s:get:secrets', 'k8s:list:<resource>', 'k8s:logs:pods', 'k8s:patch:<resource>', 'k8s:delete:<resource>', 'k8s:scale:<resource>']);
    expect(validatePluginModule(wat(`(module (import "kubetile" "k8s_write" (func (param i64) (result i64))) ${CMD})`), { permissions: ['k8s:list:pods'] }).map((p) => p.code)).toEqual(['import-not-granted']);
  });

  it('refuses unknown host functions, env.abort (with a hint), WASI and unknown kernel functions', () => {
    const codes = (text: string) => validatePluginModule(wat(`(module ${text} ${CMD})`)).map((p) => p.code);
    expect(codes('(import "kubetile" "delete_pod" (func (param i64) (result i64)))')).toEqual(['import-unknown']);
    expect(codes('(import "extism:host/user" "x" (func))')).toEqual(['import-unknown']);
    expect(codes('(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))')).toEqual([
      'import-unknown',
    ]);
    expect(codes('(import "extism:host/env" "not_a_kernel_fn" (func))')).toEqual(['import-unknown']);
    expect(codes('(import "extism:host/env" "alloc" (func (param i64) (result i64)))')).toEqual([]);
    const [abort] = validatePluginModule(wat(`(module (import "env" "abort" (func (param i32 i32 i32 i32))) ${CMD})`));
    expect(abort!.message).toMatch(/--use abort=/);
  });

  it('requires plugin_on_command as a function', () => {
    expect(validatePluginModule(wat('(module (memory 1 1))')).map((p) => p.code)).toEqual(['missing-export']);
    expect(validatePluginModule(wat('(module (global (export "plugin_on_command") i32 (i32.const 0)))')).map((p) => p.code)).toEqual([
      'missing-export',
    ]);
  });

  it('reports malformed modules instead of throwing', () => {
    expect(validatePluginModule(new Uint8Array([1, 2, 3])).map((p) => p.code)).toEqual(['malformed']);
    const good = wat(`(module (memory 1 2) ${CMD})`);
    expect(validatePluginModule(good.subarray(0, good.length - 3)).map((p) => p.code)).toEqual(['malformed']);
    expect(() => inspectModule(new Uint8Array(8))).toThrow(/bad magic/);
  });
});

describe('isKebabCase', () => {
  it('accepts kebab-case names only', () => {
    for (const ok of ['smoke', 'pod-health', 'a1', 'x-2-y']) expect(isKebabCase(ok)).toBe(true);
    for (const bad of ['', 'Pod', 'pod_health', 'pod--health', '-pod', 'pod-', '1pod', 'pod health', 'pöd']) {
      expect(isKebabCase(bad)).toBe(false);
    }
  });
});
