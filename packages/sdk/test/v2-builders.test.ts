// The SDK's ABI v2 builders (Table, StyledLine, Style, Lines.styled/.table), run in a real
// Extism instance of the v2-probe fixture: the JSON they write, and their typed-cell checks.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pluginWasm } from './helpers/paths.js';
import { TestHost } from './helpers/test-host.js';

let wasm: string;
const hosts: TestHost[] = [];

async function probe(): Promise<TestHost> {
  const host = await TestHost.load({ wasm, permissions: [] });
  hosts.push(host);
  await host.init({});
  await host.open();
  return host;
}

beforeAll(() => {
  wasm = pluginWasm('v2-probe');
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('ABI v2 builders', () => {
  it('write typed columns, keyed rows, cell and row styles, the initial sort and span lines', async () => {
    const host = await probe();
    const p = host.payloads.at(-1)!;
    expect(p.lines).toEqual([['Services: ', { text: '1 failing', fg: 'red', bold: true }, { text: ' · calls: 0', fg: '#8888ff' }]]);
    const t = p.table as { columns: unknown[]; rows: unknown[] };
    expect(t.columns).toEqual([
      { title: 'NAME', type: 'string' },
      { title: 'RESTARTS', type: 'number' },
      { title: 'AGE', type: 'duration' },
      { title: 'MEM', type: 'bytes', align: 'right', width: 8 },
      { title: 'STATUS', type: 'string' },
    ]);
    expect(t.rows[1]).toEqual({ key: 'svc/bravo', cells: ['bravo', 10, 7200, 512, { value: 'CrashLoopBackOff', fg: 'red', bold: true }] });
    expect(t.rows[3]).toEqual({ key: 'svc/delta', cells: ['delta', null, 259200, 0, 'Pending'], style: { dim: true } });
    expect(host.lines[0]).toBe('Services: 1 failing · calls: 0');
  });

  it('a cell of the wrong type fails the hook, naming the column', async () => {
    const host = await probe();
    await expect(host.command({ type: 'send_input', text: 'wrong-type' })).rejects.toThrow(/Table: num\(\) for column 0 \(NAME\), a string column/);
  });

  it('a non-finite number is a blank cell; text shows instead of the value', async () => {
    const host = await probe();
    await host.command({ type: 'send_input', text: 'nan' });
    expect((host.payloads.at(-1)!.table as { rows: unknown[] }).rows).toEqual([
      { key: 'a', cells: [null] },
      { key: 'b', cells: [{ value: 1.5, text: 'one and a half' }] },
    ]);
  });

  it('Command carries select\'s row and key', async () => {
    const host = await probe();
    await host.command({ type: 'select', row: 3, key: 'svc/delta' });
    expect(host.lines[1]).toBe('selected row 3 key svc/delta');
  });
});
