import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A wrong value written as a dotted key under the setting (`max_lines.x = 5` where logs.max_lines
 * is a number) is reported on that line: it was reported on the table's header above it, lines
 * away in a long [logs] or [keybindings] table. The config in use stays.
 */

let env: TestEnv;
let daemon: DaemonProcess | null = null;
let c: RawClient | null = null;

beforeEach(() => {
  env = makeTestEnv();
  mkdirSync(dirname(env.configFile), { recursive: true });
});
afterEach(async () => {
  c?.close();
  c = null;
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

describe('a config error names the line the mistake is on', () => {
  it('a dotted key under a setting that takes a value', async () => {
    writeFileSync(env.configFile, 'readonly = true\n');
    daemon = await startDaemon(env);
    c = await RawClient.connect(env.socket);
    writeFileSync(env.configFile, '[logs]\ntail_lines = 10\n\nmax_lines.x = 5\n\n[keybindings]\ntui.split_horizontal = "alt+h"\ntui.split_vertical.key = "alt+s"\n');
    const r = await c.request<{ ok: boolean; errors: string[] }>('config/reload', {});
    expect(r).toEqual({
      ok: false,
      errors: [
        'config.toml:4: logs.max_lines: Invalid input: expected number, received object',
        'config.toml:8: keybindings.tui.split_vertical: Invalid input',
      ],
    });
    expect((await c.request<{ readonly: boolean }>('daemon/status', {})).readonly).toBe(true);
  }, 30_000);
});
