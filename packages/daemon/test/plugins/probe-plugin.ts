import wabtInit from 'wabt';

/**
 * A test-only plugin written in WAT (compiled here with wabt): it shows exactly what the host
 * sends it.
 *   plugin_on_open, plugin_on_command → {"lines":["<its input JSON, verbatim>"]}
 *   plugin_on_tick  → pushes {"lines":["pushed"]} through kubetile::host_send_render, no output
 *   plugin_on_close → calls kubetile::list_pods with {"namespace":"bye"} (observable by the test)
 * Needs the permission k8s:list:pods.
 */
const PROBE_WAT = String.raw`
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "kubetile" "host_send_render" (func $render (param i64) (result i64)))
  (import "kubetile" "list_pods" (func $list_pods (param i64) (result i64)))
  (memory 1 2)
  (data (i32.const 0) "{\"lines\":[\"")
  (data (i32.const 16) "\"]}")
  (data (i32.const 32) "{\"lines\":[\"pushed\"]}")
  (data (i32.const 64) "{\"namespace\":\"bye\"}")
  (func $copy (param $dst i32) (param $src i32) (param $n i32)
    (local $i i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i)) (i32.load8_u (i32.add (local.get $src) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func $to_block (param $ptr i32) (param $len i32) (result i64)
    (local $blk i64) (local $i i32)
    (local.set $blk (call $alloc (i64.extend_i32_u (local.get $len))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $len)))
      (call $store_u8 (i64.add (local.get $blk) (i64.extend_i32_u (local.get $i)))
        (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $blk))
  (func $echo (result i32)
    (local $len i32) (local $i i32) (local $o i32) (local $b i32)
    (local.set $len (i32.wrap_i64 (call $input_length)))
    (call $copy (i32.const 1024) (i32.const 0) (i32.const 11))
    (local.set $o (i32.const 1035))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $b (call $input_load_u8 (i64.extend_i32_u (local.get $i))))
      (if (i32.or (i32.eq (local.get $b) (i32.const 34)) (i32.eq (local.get $b) (i32.const 92)))
        (then
          (i32.store8 (local.get $o) (i32.const 92))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))))
      (i32.store8 (local.get $o) (local.get $b))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (call $copy (local.get $o) (i32.const 16) (i32.const 3))
    (local.set $o (i32.sub (i32.add (local.get $o) (i32.const 3)) (i32.const 1024)))
    (call $output_set (call $to_block (i32.const 1024) (local.get $o)) (i64.extend_i32_u (local.get $o)))
    (i32.const 0))
  (func (export "plugin_init") (result i32) (i32.const 0))
  (export "plugin_on_open" (func $echo))
  (export "plugin_on_command" (func $echo))
  (func (export "plugin_on_tick") (result i32)
    (drop (call $render (call $to_block (i32.const 32) (i32.const 20))))
    (i32.const 0))
  (func (export "plugin_on_close") (result i32)
    (drop (call $list_pods (call $to_block (i32.const 64) (i32.const 19))))
    (i32.const 0))
)`;

/**
 * A second test-only plugin: it keeps every input it was given and renders them all, oldest first
 * (one line per call, verbatim JSON). The latest render therefore shows everything the host sent,
 * even when frames coalesced. plugin_on_open and plugin_on_command record; nothing else exported.
 */
const HISTORY_WAT = String.raw`
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory 2 2)
  (global $hist (mut i32) (i32.const 0))
  (data (i32.const 0) "{\"lines\":[")
  (data (i32.const 16) "]}")
  (func $copy (param $dst i32) (param $src i32) (param $n i32)
    (local $i i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i)) (i32.load8_u (i32.add (local.get $src) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
  (func $to_block (param $ptr i32) (param $len i32) (result i64)
    (local $blk i64) (local $i i32)
    (local.set $blk (call $alloc (i64.extend_i32_u (local.get $len))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $len)))
      (call $store_u8 (i64.add (local.get $blk) (i64.extend_i32_u (local.get $i)))
        (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $blk))
  ;; history lives at 4096.., as "…","…" ; the output is built at 65536
  (func $record (result i32)
    (local $len i32) (local $i i32) (local $o i32) (local $b i32)
    (if (i32.gt_u (global.get $hist) (i32.const 50000)) (then (global.set $hist (i32.const 0))))
    (local.set $len (i32.wrap_i64 (call $input_length)))
    (if (i32.gt_u (local.get $len) (i32.const 4096)) (then (local.set $len (i32.const 4096))))
    (local.set $o (i32.add (i32.const 4096) (global.get $hist)))
    (if (global.get $hist)
      (then
        (i32.store8 (local.get $o) (i32.const 44))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))))
    (i32.store8 (local.get $o) (i32.const 34))
    (local.set $o (i32.add (local.get $o) (i32.const 1)))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $b (call $input_load_u8 (i64.extend_i32_u (local.get $i))))
      (if (i32.or (i32.eq (local.get $b) (i32.const 34)) (i32.eq (local.get $b) (i32.const 92)))
        (then
          (i32.store8 (local.get $o) (i32.const 92))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))))
      (i32.store8 (local.get $o) (local.get $b))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.store8 (local.get $o) (i32.const 34))
    (local.set $o (i32.add (local.get $o) (i32.const 1)))
    (global.set $hist (i32.sub (local.get $o) (i32.const 4096)))
    (call $copy (i32.const 65536) (i32.const 0) (i32.const 10))
    (call $copy (i32.const 65546) (i32.const 4096) (global.get $hist))
    (call $copy (i32.add (i32.const 65546) (global.get $hist)) (i32.const 16) (i32.const 2))
    (local.set $len (i32.add (global.get $hist) (i32.const 12)))
    (call $output_set (call $to_block (i32.const 65536) (local.get $len)) (i64.extend_i32_u (local.get $len)))
    (i32.const 0))
  (func (export "plugin_init") (result i32) (i32.const 0))
  (export "plugin_on_open" (func $record))
  (export "plugin_on_command" (func $record))
)`;

/**
 * A third one: on a `select` command it copies {"text":"copied!"} to the clipboard (needs
 * clipboard:write) and renders the host's answer envelope; other commands do nothing;
 * plugin_on_open renders "ready".
 */
const CLIPBOARD_WAT = String.raw`
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "load_u8" (func $load_u8 (param i64) (result i32)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "kubetile" "clipboard_write" (func $clipboard_write (param i64) (result i64)))
  (memory 1 1)
  (data (i32.const 96) "select\"")
  (data (i32.const 0) "{\"text\":\"copied!\"}")
  (data (i32.const 32) "{\"lines\":[\"ready\"]}")
  (data (i32.const 64) "{\"lines\":[\"")
  (data (i32.const 80) "\"]}")
  (func $to_block (param $ptr i32) (param $len i32) (result i64)
    (local $blk i64) (local $i i32)
    (local.set $blk (call $alloc (i64.extend_i32_u (local.get $len))))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $len)))
      (call $store_u8 (i64.add (local.get $blk) (i64.extend_i32_u (local.get $i)))
        (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $blk))
  (func (export "plugin_on_open") (result i32)
    (call $output_set (call $to_block (i32.const 32) (i32.const 19)) (i64.const 19))
    (i32.const 0))
  (func (export "plugin_on_command") (result i32)
    (local $resp i64) (local $n i32) (local $i i32) (local $o i32) (local $b i32)
    ;; the input starts {"type":" (9 bytes): act only when the type is exactly select
    (block $is_select (loop $cmp
      (br_if $is_select (i32.ge_u (local.get $i) (i32.const 7)))
      (if (i32.ne (call $input_load_u8 (i64.extend_i32_u (i32.add (i32.const 9) (local.get $i))))
                  (i32.load8_u (i32.add (i32.const 96) (local.get $i))))
        (then (return (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $cmp)))
    (local.set $i (i32.const 0))
    (local.set $resp (call $clipboard_write (call $to_block (i32.const 0) (i32.const 18))))
    (local.set $n (i32.wrap_i64 (call $length (local.get $resp))))
    (if (i32.gt_u (local.get $n) (i32.const 1000)) (then (local.set $n (i32.const 1000))))
    ;; {"lines":["<envelope, quotes escaped>"]} at 1024
    (local.set $o (i32.const 1024))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (i32.const 11)))
      (i32.store8 (i32.add (local.get $o) (local.get $i)) (i32.load8_u (i32.add (i32.const 64) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.set $o (i32.const 1035))
    (local.set $i (i32.const 0))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $b (call $load_u8 (i64.add (local.get $resp) (i64.extend_i32_u (local.get $i)))))
      (if (i32.or (i32.eq (local.get $b) (i32.const 34)) (i32.eq (local.get $b) (i32.const 92)))
        (then
          (i32.store8 (local.get $o) (i32.const 92))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))))
      (i32.store8 (local.get $o) (local.get $b))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2)))
    (i32.store8 (local.get $o) (i32.const 34))
    (i32.store8 (i32.add (local.get $o) (i32.const 1)) (i32.const 93))
    (i32.store8 (i32.add (local.get $o) (i32.const 2)) (i32.const 125))
    (local.set $n (i32.sub (i32.add (local.get $o) (i32.const 3)) (i32.const 1024)))
    ;; the output block is allocated after the host call (worker-mode rule)
    (call $output_set (call $to_block (i32.const 1024) (local.get $n)) (i64.extend_i32_u (local.get $n)))
    (i32.const 0))
)`;

const cache = new Map<string, Uint8Array>();

async function compile(name: string, text: string): Promise<Uint8Array> {
  const hit = cache.get(name);
  if (hit) return hit;
  const wabt = await wabtInit();
  const mod = wabt.parseWat(`${name}.wat`, text);
  try {
    mod.validate();
    const bytes = new Uint8Array(mod.toBinary({}).buffer);
    cache.set(name, bytes);
    return bytes;
  } finally {
    mod.destroy();
  }
}

export const probeWasm = (): Promise<Uint8Array> => compile('probe', PROBE_WAT);
export const historyWasm = (): Promise<Uint8Array> => compile('history', HISTORY_WAT);
export const clipboardWasm = (): Promise<Uint8Array> => compile('clipboard', CLIPBOARD_WAT);
