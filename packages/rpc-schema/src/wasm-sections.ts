/**
 * The one WebAssembly section reader of the plugin load check: what a host must check in a binary
 * before instantiating it — imports, exports, memory and table limits, a start function, custom
 * sections — read without compiling or running anything. Used by the daemon
 * (packages/daemon/src/plugins/module-check.ts, manifest.ts) and the SDK (packages/sdk/abi.mjs:
 * inspectModule, validatePluginModule). No dependencies.
 *
 * Hostile input is expected: every read is bounded by its section, counts are never used to
 * allocate, and anything malformed throws WasmFormatError (never loops past the end).
 */

export interface MemoryLimits {
  /** Pages of 64 KiB. */
  min: number;
  /** null: the module declares no maximum. */
  max: number | null;
  shared: boolean;
  memory64: boolean;
}

export type ExternKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface ModuleImport {
  module: string;
  name: string;
  kind: ExternKind;
}

export interface ModuleExport {
  name: string;
  kind: ExternKind;
}

/** A table's declared size, in entries. */
export interface TableLimits {
  min: number;
  max: number | null;
  imported: boolean;
}

export interface ModuleInfo {
  imports: ModuleImport[];
  exports: ModuleExport[];
  memories: Array<MemoryLimits & { imported: boolean }>;
  tables: TableLimits[];
  hasStart: boolean;
}

export class WasmFormatError extends Error {
  override name = 'WasmFormatError';
}

const KINDS: readonly ExternKind[] = ['function', 'table', 'memory', 'global', 'tag'];
const decoder = new TextDecoder();

class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}
  byte(): number {
    if (this.pos >= this.end) throw new WasmFormatError('unexpected end of section');
    return this.bytes[this.pos++]!;
  }
  /** Unsigned LEB128 (exact up to 2^53; page counts and sizes fit). */
  uleb(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new WasmFormatError('malformed LEB128 number');
  }
  name(): string {
    const len = this.uleb();
    if (this.pos + len > this.end) throw new WasmFormatError('name runs past the end of its section');
    const s = decoder.decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  kind(): ExternKind {
    const k = this.byte();
    const kind = KINDS[k];
    if (!kind) throw new WasmFormatError(`unknown import/export kind ${k}`);
    return kind;
  }
  /** A table type: element reference type, then limits (64-bit tables count the same). */
  table(): { min: number; max: number | null } {
    const refType = this.byte();
    if (refType === 0x40) throw new WasmFormatError('tables with initializer expressions are not supported');
    // The function-references proposal's (ref null? ht) forms carry a heap type after the prefix.
    if (refType === 0x63 || refType === 0x64) this.uleb();
    const { min, max } = this.limits();
    return { min, max };
  }
  limits(): MemoryLimits {
    const flags = this.byte();
    const min = this.uleb();
    const max = flags & 1 ? this.uleb() : null;
    return { min, max, shared: (flags & 2) !== 0, memory64: (flags & 4) !== 0 };
  }
}

function checkHeader(bytes: Uint8Array): void {
  if (bytes.length < 8 || bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmFormatError('not a WebAssembly module (bad magic number)');
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new WasmFormatError('unsupported WebAssembly binary version (components are not supported)');
  }
}

/** Each section's id and a reader over its payload, in order; throws when one runs past the end. */
function* sections(bytes: Uint8Array): Generator<{ id: number; r: Reader }> {
  const top = new Reader(bytes, 8, bytes.length);
  while (top.pos < bytes.length) {
    const id = top.byte();
    const size = top.uleb();
    const start = top.pos;
    const end = start + size;
    if (end > bytes.length) throw new WasmFormatError(`section ${id} runs past the end of the module`);
    yield { id, r: new Reader(bytes, start, end) };
    top.pos = end;
  }
}

/**
 * Most imports, exports, tables or memories (each, in all sections together) a module may declare:
 * V8's own limit for imports, exports and tables, so nothing it would compile is refused. Before,
 * a 15 MB module of 2.5 million imports took 220 MB to read, and each import became a problem.
 */
export const MAX_MODULE_ENTRIES = 100_000;

/** The count an entry vector starts with, refused when the module would have more than the limit. */
function entries(r: Reader, what: string, have: number): number {
  const n = r.uleb();
  if (have + n > MAX_MODULE_ENTRIES) throw new WasmFormatError(`it declares ${have + n} ${what}, more than the ${MAX_MODULE_ENTRIES} WebAssembly engines accept`);
  return n;
}

const asBytes = (input: Uint8Array | ArrayBuffer): Uint8Array => (input instanceof Uint8Array ? input : new Uint8Array(input));

/** Throws WasmFormatError on anything that is not a well-formed core module's header/sections. */
export function inspectModule(input: Uint8Array | ArrayBuffer): ModuleInfo {
  const bytes = asBytes(input);
  checkHeader(bytes);
  const info: ModuleInfo = { imports: [], exports: [], memories: [], tables: [], hasStart: false };
  for (const { id, r } of sections(bytes)) {
    if (id === 2) readImports(r, info);
    else if (id === 4) {
      for (let n = entries(r, 'tables', info.tables.length); n > 0; n--) info.tables.push({ imported: false, ...r.table() });
    } else if (id === 5) {
      for (let n = entries(r, 'memories', info.memories.length); n > 0; n--) info.memories.push({ imported: false, ...r.limits() });
    } else if (id === 7) {
      for (let n = entries(r, 'exports', info.exports.length); n > 0; n--) {
        const name = r.name();
        const kind = r.kind();
        r.uleb();
        info.exports.push({ name, kind });
      }
    } else if (id === 8) info.hasStart = true;
  }
  return info;
}

function readImports(r: Reader, info: ModuleInfo): void {
  for (let n = entries(r, 'imports', info.imports.length); n > 0; n--) {
    const module = r.name();
    const name = r.name();
    const kind = r.kind();
    if (kind === 'function') r.uleb();
    else if (kind === 'table') info.tables.push({ imported: true, ...r.table() });
    else if (kind === 'memory') info.memories.push({ imported: true, ...r.limits() });
    else if (kind === 'global') {
      r.byte();
      r.byte();
    } else {
      r.byte();
      r.uleb();
    }
    info.imports.push({ module, name, kind });
  }
}

/**
 * The payload of the first custom section (id 0) named `name`, or null when there is none.
 * Throws WasmFormatError when the section headers are malformed (the header itself is
 * inspectModule's to check, which the load check runs first).
 */
export function readCustomSection(input: Uint8Array | ArrayBuffer, name: string): Uint8Array | null {
  const bytes = asBytes(input);
  for (const { id, r } of sections(bytes)) {
    if (id === 0 && r.name() === name) return bytes.subarray(r.pos, r.end);
  }
  return null;
}
