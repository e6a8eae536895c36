import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';

import { useConfigDaemon } from '../helpers/config-daemon.js';

/**
 * A wrong value written as a dotted key under the setting (`max_lines.x = 5` where logs.max_lines
 * is a number) is reported on that line: it was reported on the table's header above it, lines
 * away in a long [logs] or [keybindings] table. The config in use stays.
 */

const t = useConfigDaemon();

describe('a config error names the line the mistake is on', () => {
  it('a dotted key under a setting that takes a value', async () => {
    writeFileSync(t.env.configFile, 'readonly = true\n');
    const c = await t.start();
    writeFileSync(t.env.configFile, '[logs]\ntail_lines = 10\n\nmax_lines.x = 5\n\n[keybindings]\ntui.split_horizontal = "alt+h"\ntui.split_vertical.key = "alt+s"\n');
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
