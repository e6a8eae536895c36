import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginWasm } from '../../../packages/sdk/test/helpers/paths.js';
import { TestHost } from '../../../packages/sdk/test/helpers/test-host.js';
import { COMMAND_TYPES, inspectModule } from '../../../packages/sdk/abi.mjs';
import { readFileSync } from 'node:fs';

let wasm: string;
let host: TestHost;

beforeAll(async () => {
  wasm = pluginWasm('smoke');
  host = await TestHost.load({ wasm, permissions: [] });
  await host.init({});
});

afterAll(async () => {
  await host?.close();
});

describe('smoke plugin', () => {
  it('needs no permissions and imports no kubetile host function', () => {
    const info = inspectModule(readFileSync(wasm));
    expect(info.imports.filter((i) => i.module === 'kubetile')).toEqual([]);
  });

  it('renders smoke-ok on open', async () => {
    expect(await host.open()).toEqual(['smoke-ok']);
  });

  it('renders smoke-ok for every command', async () => {
    const extra: Record<string, Record<string, unknown>> = {
      send_input: { text: 'héllo ✓ 日本' },
      filter: { query: 'web' },
      focus: { focused: true },
      resize: { width: 80, height: 24 },
    };
    for (const type of [...COMMAND_TYPES, 'not_a_command']) {
      expect(await host.command({ type, ...extra[type] })).toEqual(['smoke-ok']);
    }
  });

  it('ignores ticks and closes cleanly', async () => {
    expect(await host.tick()).toBeNull();
    await host.closePane();
  });
});
