import { describe, expect, it } from 'vitest';
import { inspectModule, readCustomSection, WasmFormatError } from '../src/wasm-sections.js';

// Hand-made binaries: the shared reader must refuse every malformed one with WasmFormatError,
// bounded by the section it is in, whatever counts and sizes the bytes claim.
const HEADER = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
const mod = (...sections: number[][]): Uint8Array => new Uint8Array([...HEADER, ...sections.flat()]);
const section = (id: number, payload: number[]): number[] => [id, payload.length, ...payload];
const str = (s: string): number[] => [s.length, ...new TextEncoder().encode(s)];
/** A LEB128 of 2^35 − 1 (five bytes): far more entries than any section holds. */
const HUGE = [0xff, 0xff, 0xff, 0xff, 0x7f];

const refuses = (bytes: Uint8Array, message: RegExp): void => {
  expect(() => inspectModule(bytes)).toThrow(WasmFormatError);
  expect(() => inspectModule(bytes)).toThrow(message);
};

describe('the shared WebAssembly section reader', () => {
  it('reads imports, exports, memories, tables and the start section', () => {
    const info = inspectModule(
      mod(
        section(2, [2, ...str('kubetile'), ...str('list_pods'), 0, 0, ...str('env'), ...str('memory'), 2, 1, 1, 2]),
        section(4, [1, 0x70, 1, 2, 2]),
        section(5, [1, 0x01, 1, 0x80, 0x04]),
        section(7, [1, ...str('plugin_on_command'), 0, 0]),
        section(8, [0]),
      ),
    );
    expect(info).toEqual({
      imports: [
        { module: 'kubetile', name: 'list_pods', kind: 'function' },
        { module: 'env', name: 'memory', kind: 'memory' },
      ],
      exports: [{ name: 'plugin_on_command', kind: 'function' }],
      memories: [
        { imported: true, min: 1, max: 2, shared: false, memory64: false },
        { imported: false, min: 1, max: 512, shared: false, memory64: false },
      ],
      tables: [{ imported: false, min: 2, max: 2 }],
      hasStart: true,
    });
    expect(inspectModule(mod()).imports).toEqual([]);
    expect(inspectModule(mod().buffer as ArrayBuffer).exports).toEqual([]);
  });

  it('refuses a bad header: wrong magic, a component, too short', () => {
    refuses(new Uint8Array([1, 2, 3]), /bad magic/);
    refuses(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), /components are not supported/);
  });

  it('refuses sections that run past the end of the module, or are cut short', () => {
    refuses(mod([5, 10, 1]), /section 5 runs past the end of the module/);
    refuses(mod([7, 0x80]), /unexpected end of section/);
    refuses(mod(section(5, [1, 0x01, 1])), /unexpected end of section/);
    refuses(mod(section(7, [1, 20, 0x61])), /name runs past the end of its section/);
  });

  it('refuses huge counts without allocating or looping past the section', () => {
    for (const id of [2, 4, 5, 7]) refuses(mod(section(id, HUGE)), /it declares 34359738367 (imports|tables|memories|exports), more than the 100000 WebAssembly engines accept/);
    // Under the limit, a count the section cannot hold still ends at its end.
    for (const id of [2, 4, 5, 7]) refuses(mod(section(id, [0xa0, 0x8d, 0x06])), /unexpected end of section/);
    refuses(mod(section(5, [1, 0x01, ...new Array<number>(11).fill(0xff)])), /malformed LEB128/);
    // A huge declared memory is read as a number, for the check to refuse.
    expect(inspectModule(mod(section(5, [1, 0x01, 0, ...HUGE]))).memories[0]?.max).toBe(2 ** 35 - 1);
  });

  it('refuses unknown import/export kinds and table forms it cannot size', () => {
    refuses(mod(section(7, [1, ...str('x'), 9, 0])), /unknown import\/export kind 9/);
    refuses(mod(section(2, [1, ...str('m'), ...str('n'), 7])), /unknown import\/export kind 7/);
    refuses(mod(section(4, [1, 0x40, 0, 1, 1])), /initializer expressions/);
  });

  it('finds a custom section by name, and only a whole one', () => {
    const bytes = mod(section(0, [...str('other'), 1, 2]), section(0, [...str('kubetile.manifest'), 0x7b, 0x7d]));
    expect([...readCustomSection(bytes, 'kubetile.manifest')!]).toEqual([0x7b, 0x7d]);
    expect(readCustomSection(bytes, 'absent')).toBeNull();
    expect(() => readCustomSection(mod([0, 50, 1]), 'x')).toThrow(WasmFormatError);
  });
});
