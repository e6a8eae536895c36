import { afterAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { MAX_KERNEL_BYTES, MAX_VAR_BYTES } from '../../src/plugins/abi.js';
import { checkModule } from '../../src/plugins/module-check.js';
import { PluginThread, WASM_MAX_MEM_PAGES } from '../../src/plugins/sandbox/plugin-thread.js';
import { Wasm } from '../../src/plugins/wasm-api.js';

/**
 * The process-wide backstop on WebAssembly memory (--wasm-max-mem-pages, set by the sandbox before
 * its first worker): a guest that got past the load check with a memory declaring no maximum
 * still cannot grow it past 512 pages, in one step or page by page, and the daemon process's RSS
 * grows by what the capped guests touch, not by what they ask for.
 *
 * The module is run on a PluginThread directly: the load check would refuse it (that is the point
 * of a backstop), so this is the only way to reach it.
 */
const TARGET_PAGES = 4096; // 256 MiB per instance if nothing stopped it
const GUEST = `
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory 1)
  ;; Outputs memory.size in decimal.
  (func $emit_pages
    (local $n i32) (local $len i32) (local $off i64) (local $i i32)
    (local.set $n (memory.size))
    (loop $d
      (i32.store8 (local.get $len) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $d (i32.ne (local.get $n) (i32.const 0))))
    (local.set $off (call $alloc (i64.extend_i32_u (local.get $len))))
    (loop $c
      (call $store_u8 (i64.add (local.get $off) (i64.extend_i32_u (local.get $i)))
        (i32.load8_u (i32.sub (i32.sub (local.get $len) (i32.const 1)) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $c (i32.lt_u (local.get $i) (local.get $len))))
    (call $output_set (local.get $off) (i64.extend_i32_u (local.get $len))))
  ;; One grow to ${TARGET_PAGES} pages at once.
  (func (export "grow_at_once") (result i32)
    (drop (memory.grow (i32.const ${TARGET_PAGES - 1})))
    (call $emit_pages)
    (i32.const 0))
  ;; Grows a page at a time, filling each page (so it is resident), until refused or ${TARGET_PAGES}.
  (func (export "plugin_on_command") (result i32)
    (local $old i32)
    (block $done
      (loop $grow
        (br_if $done (i32.ge_u (memory.size) (i32.const ${TARGET_PAGES})))
        (local.set $old (memory.grow (i32.const 1)))
        (br_if $done (i32.eq (local.get $old) (i32.const -1)))
        (memory.fill (i32.mul (local.get $old) (i32.const 65536)) (i32.const 7) (i32.const 65536))
        (br $grow)))
    (call $emit_pages)
    (i32.const 0))
)`;

const threads: PluginThread[] = [];
afterAll(async () => {
  await Promise.all(threads.map((t) => t.terminate()));
});

async function guestBytes(): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const m = wabt.parseWat('backstop.wat', GUEST, { bulk_memory: true });
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

async function start(bytes: Uint8Array): Promise<PluginThread> {
  const t = await PluginThread.start({
    init: { module: await Wasm.compile(bytes), hostFunctions: [], config: {}, kernelBytes: MAX_KERNEL_BYTES, maxVarBytes: MAX_VAR_BYTES },
    onHostCall: () => JSON.stringify({ ok: false, error: 'none' }),
    onLog: () => undefined,
    startTimeoutMs: 60_000,
  });
  threads.push(t);
  return t;
}

async function pages(t: PluginThread, fn: string): Promise<number> {
  const r = await t.call(fn, '{}', 1024);
  if (!r.ok) throw new Error(`${fn}: ${r.kind}: ${'message' in r ? r.message : r.size}`);
  return Number(new TextDecoder().decode(r.output ?? new Uint8Array()));
}

const MiB = 1024 * 1024;

describe('the WebAssembly memory backstop', () => {
  it('caps every plugin memory at 512 pages, and the daemon RSS grows by the capped guests only', async () => {
    const bytes = await guestBytes();
    expect(checkModule(bytes, []).problems.map((p) => p.code)).toEqual(['memory-unbounded']);
    expect(WASM_MAX_MEM_PAGES).toBe(512);

    const a = await start(bytes);
    // One grow past the cap is refused outright.
    expect(await pages(a, 'grow_at_once')).toBe(1);

    const b = await start(bytes);
    const before = process.memoryUsage.rss();
    // Page by page, each guest stops where the backstop refuses: 512 pages = 32 MiB, not 256 MiB.
    expect(await Promise.all([pages(a, 'plugin_on_command'), pages(b, 'plugin_on_command')])).toEqual([512, 512]);
    const grown = process.memoryUsage.rss() - before;
    console.log(`wasm backstop: 2 guests asking for ${TARGET_PAGES} pages each grew the process RSS by ${(grown / MiB).toFixed(1)} MiB (cap: 2 × 32 MiB; uncapped they would fill 2 × 256 MiB)`);
    // What the two capped guests filled, with room for the workers' own heaps; far below 512 MiB.
    expect(grown).toBeLessThan(2 * 32 * MiB + 96 * MiB);
  });
});
