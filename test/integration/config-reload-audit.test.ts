import { describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { waitFor } from '../helpers/daemon-process.js';
import { useConfigDaemon } from '../helpers/config-daemon.js';
import type { RawClient } from '../helpers/rpc-client.js';

/**
 * Reloads apply the file as it was read last: a big config (parsed in a worker for a second or
 * more) read before a small one written after it never ends up in force over it. And a setting
 * written twice under its two spellings (`tick-rate-ms`, `tick_rate_ms`) is an error naming both,
 * not one of them silently winning. An error under a quoted key (`[views."a.b"]`) names its line.
 */

const t = useConfigDaemon();

type Reload = { ok: boolean; errors: string[] };
const readonlyNow = async (cl: RawClient): Promise<boolean> => (await cl.request<{ readonly: boolean }>('daemon/status', {})).readonly;
/** Threads of the daemon's process: a config parse in a worker thread adds one while it runs. */
const threads = (pid: number): number => readdirSync(`/proc/${pid}/task`).length;

/** Near the 1 MiB limit: parsed off the main thread, for a second or more on a loaded machine. */
function bigConfig(readonly: boolean): string {
  const lines = [`readonly = ${readonly}`, '[theme]'];
  for (let i = 0, size = 0; size < 1_000_000 - 64; i += 1) {
    const line = `k${i} = "v"`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

describe('config reloads in a row', () => {
  it('a small file written after a big one was read is the one in force', async () => {
    writeFileSync(t.env.configFile, 'readonly = false\n');
    const c = await t.start();
    expect(await readonlyNow(c)).toBe(false);
    const pid = t.daemon.child.pid!;
    const before = threads(pid);

    writeFileSync(t.env.configFile, bigConfig(true));
    const first = c.request<Reload>('config/reload', {});
    // The big file has been read once its parse runs in a worker; then the user fixes it.
    await waitFor('the big config parsing in a worker', () => threads(pid) > before, 20_000, 5).catch(() => undefined);
    writeFileSync(t.env.configFile, 'readonly = false\n');
    const second = await c.request<Reload>('config/reload', {});
    expect(second).toEqual({ ok: true, errors: [] });
    expect((await first).ok).toBe(true);
    // What the file says now, not what it said a moment before.
    expect(await readonlyNow(c)).toBe(false);
  }, 60_000);

  it('a setting written under both its spellings is refused with the line, and the last good config stays', async () => {
    writeFileSync(t.env.configFile, 'readonly = true\n');
    const c = await t.start();
    writeFileSync(t.env.configFile, '[general]\ntick-rate-ms = 300\ntick_rate_ms = 400\n\n[[plugins]]\nkey = "p"\npath = "/nowhere.wasm"\nmax-instances = 2\nmax_instances = 3\n');
    const r = await c.request<Reload>('config/reload', {});
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      "config.toml:3: general.tick_rate_ms: 'tick-rate-ms' and 'tick_rate_ms' are the same setting; write it once",
      "config.toml:9: plugins.0.max_instances: 'max-instances' and 'max_instances' are the same setting; write it once",
    ]);
    expect(await readonlyNow(c)).toBe(true);
  }, 30_000);

  it('an error under a quoted key with dots in it names the line and the key as written', async () => {
    writeFileSync(t.env.configFile, 'readonly = true\n');
    const c = await t.start();
    writeFileSync(t.env.configFile, '[views.pods]\nwide = true\n\n[views."certificates.cert-manager.io"]\nwide = true\n\ncolumns = "NAME"\n\n[aliases]\n\'c.m\' = "certificates.cert-manager.io"\n"B.AD" = "pods"\n');
    const r = await c.request<Reload>('config/reload', {});
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'config.toml:7: views."certificates.cert-manager.io".columns: Invalid input: expected array, received string',
      'config.toml:11: aliases."B.AD": Invalid key in record',
    ]);
    expect(await readonlyNow(c)).toBe(true);
  }, 30_000);
});
