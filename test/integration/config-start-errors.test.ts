import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { waitFor } from '../helpers/daemon-process.js';
import { useConfigDaemon } from '../helpers/config-daemon.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A config with mistakes when the daemon starts: its problems reached only the daemon's log, so a
 * config refused at the start (a typo, a duplicate plugin key) left the user's keys and plugins
 * unapplied without a word. The first terminal that attaches is told, as a hot reload's are.
 */

const t = useConfigDaemon();

describe('config problems at the daemon start', () => {
  it('a refused config: the first terminal to attach is told the defaults are in use, and why, naming the line', async () => {
    writeFileSync(t.env.configFile, '[[plugins]]\nkey = "echo"\npath = "/nowhere/echo.wasm"\n\n[[plugins]]\nkey = "echo"\npath = "/nowhere/other.wasm"\n');
    const c = await t.start();
    await c.attach({ cols: 120, rows: 40 });
    const toasts = await waitFor('the config toasts', () => (c.toasts().some((x) => x.includes('duplicate plugin key')) ? c.toasts() : null));
    expect(toasts).toContain('config.toml has errors: kubetile runs on the built-in defaults (your keys, plugins and views are not applied) until it is fixed; it is read again when saved');
    expect(toasts.find((x) => x.includes('duplicate plugin key'))).toMatch(/config\.toml:6.*duplicate plugin key 'echo'/);
    // Told once: a terminal attaching after it is not (the hot reload's toasts go to those attached then).
    const d = await RawClient.connect(t.env.socket);
    try {
      await d.attach({ cols: 120, rows: 40 });
      await d.request('rpc/echo', { value: 1 });
      await new Promise((r) => setImmediate(r));
      expect(d.toasts().filter((x) => x.includes('config.toml'))).toEqual([]);
    } finally {
      d.close();
    }
  });

  it('a config that loads with warnings: they are said too, without the defaults line', async () => {
    writeFileSync(t.env.configFile, '[general]\ndefault_view = "nosuchkind"\n');
    const c = await t.start();
    await c.attach({ cols: 120, rows: 40 });
    const toasts = await waitFor('the warning toast', () => (c.toasts().some((x) => x.includes('general.default_view')) ? c.toasts() : null));
    expect(toasts.some((x) => x.includes('built-in defaults'))).toBe(false);
  });
});
