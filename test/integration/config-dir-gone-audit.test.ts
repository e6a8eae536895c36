import { describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { useConfigDaemon } from '../helpers/config-daemon.js';
import type { RawClient } from '../helpers/rpc-client.js';

/**
 * The config directory removed and made anew (`rm -rf ~/.config/kubetile` after config.toml was
 * already deleted, a dotfiles tool re-creating it) is watched again: the removal of the watched
 * directory itself comes from the file-system watcher only as a raw event, and the watch stayed on
 * the deleted directory — the config written there later was never read, hot reload was dead until
 * the daemon restarted. The same when a file stood where the directory goes and was replaced by it.
 */

const t = useConfigDaemon();

const toasts = (cl: RawClient): string[] => cl.notifications.filter((n) => n.method === 'toast').map((n) => (n.params as { text: string }).text);
const commandOf = async (cl: RawClient, key: string): Promise<string | undefined> => (await cl.request<{ command?: string }>('client/key', { key })).command;

describe('the config directory removed and re-created', () => {
  it('a config written into the re-created directory is applied, and later edits too', async () => {
    writeFileSync(t.env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+s"\n');
    const c = await t.start();
    await c.attach();
    const cl = c;
    expect(await commandOf(cl, 'alt+s')).toBe('app:split_vertical');

    // The file goes first (the daemon says it keeps the config in use), then its directory.
    rmSync(t.env.configFile);
    await waitFor('the removal said', () => toasts(cl).some((t) => /config\.toml was removed; keeping the last good config/.test(t)));
    rmSync(dirname(t.env.configFile), { recursive: true });
    // The user's pace, not a wait for the daemon: the directory is made again a moment later.
    await new Promise((r) => setTimeout(r, 1000));
    mkdirSync(dirname(t.env.configFile), { recursive: true });
    writeFileSync(t.env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+b"\n');
    await waitFor('the config in the re-created directory applied', async () => (await commandOf(cl, 'alt+b')) === 'app:split_vertical');
    expect(await commandOf(cl, 'alt+s')).not.toBe('app:split_vertical');

    writeFileSync(t.env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+n"\n');
    await waitFor('a later edit applied', async () => (await commandOf(cl, 'alt+n')) === 'app:split_vertical');
  }, 40_000);

  it('a file where the config directory should be, replaced by the directory with a config in it, is read', async () => {
    rmSync(dirname(t.env.configFile), { recursive: true });
    writeFileSync(dirname(t.env.configFile), 'not a directory\n');
    const c = await t.start();
    await c.attach();
    const cl = c;
    expect(await commandOf(cl, 'alt+b')).not.toBe('app:split_vertical');
    // The user's pace: the mistake is seen and put right a moment later.
    await new Promise((r) => setTimeout(r, 1000));
    rmSync(dirname(t.env.configFile));
    mkdirSync(dirname(t.env.configFile));
    writeFileSync(t.env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+b"\n');
    await waitFor('the config in the directory applied', async () => (await commandOf(cl, 'alt+b')) === 'app:split_vertical');
    writeFileSync(t.env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+n"\n');
    await waitFor('a later edit applied', async () => (await commandOf(cl, 'alt+n')) === 'app:split_vertical');
  }, 40_000);
});
