import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { RawClient } from '../helpers/rpc-client.js';
import { focusedExecPane, namespaceWith, pod, podsPane, startWorld, waitScreen, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * A config reloaded while a terminal uses it never takes its way out away: another binding given
 * detach's key (`help = "ctrl+q"`) or leave_insert's (`help = "ctrl+]"`, a plugin's keybinding), or
 * leave_insert unbound, was applied with at most a warning — a terminal in an exec shell's insert
 * mode then sent ctrl+] to the shell and had no key left that gets it out (in insert mode every key,
 * ctrl+q included, goes to the pane). Such a file is refused, naming the line; the config in use stays.
 */

let w: ExecWorld;

beforeAll(async () => {
  w = await startWorld({}, '[keybindings.tui]\nsplit_vertical = "alt+s"\n');
});
afterAll(async () => {
  await w?.stop();
});

type Reload = { ok: boolean; errors: string[] };

async function reloadWith(toml: string): Promise<Reload> {
  writeFileSync(w.env.configFile, toml);
  return w.script.request<Reload>('config/reload');
}

describe('a reload never leaves a terminal without a way out', () => {
  it('in an exec shell in insert mode, a reload giving ctrl+] to another binding or unbinding leave_insert is refused; ctrl+] still leaves', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('trapped', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach({ cols: 120, rows: 40 });
      await podsPane(a, ns, ['trapped']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await a.waitLayout('insert mode', (l) => l.mode === 'insert');
      await waitScreen(a, paneId, 'the prompt', (rows) => rows.some((r) => r.startsWith('root@trapped:/#')));

      const taken = await reloadWith('[keybindings.tui]\nsplit_vertical = "alt+s"\n\n[keybindings.global]\nhelp = "ctrl+]"\n');
      expect(taken).toEqual({
        ok: false,
        errors: [
          "config.toml:5: keybindings.global.help: exec.leave_insert would have no key a terminal can send ('ctrl+]' is taken by global.help): insert mode would send every key to the pane, with none that leaves it; choose another key for one of them",
        ],
      });
      const unbound = await reloadWith('[keybindings.exec]\nleave_insert = ""\n');
      expect(unbound.ok).toBe(false);
      expect(unbound.errors).toEqual(['config.toml:2: keybindings.exec.leave_insert: leave_insert cannot be unbound (insert mode would send every key to the pane, with none that leaves it); kept ctrl+]']);
      const plugin = await reloadWith('[[plugins]]\nkey = "grab"\npath = "/nowhere/grab.wasm"\nkeybinding = "ctrl+]"\n');
      expect(plugin.ok).toBe(false);
      expect(plugin.errors).toEqual([expect.stringMatching(/^config\.toml:4: plugins\.0\.keybinding: exec\.leave_insert would have no key a terminal can send \('ctrl\+\]' is taken by plugin grab's keybinding\)/)]);

      // The config in use stayed: the key still leaves insert mode, and the rest of it is in force.
      expect(await a.request('client/key', { key: 'ctrl+]' })).toEqual({ handled: true, command: 'app:leave_insert' });
      await a.waitLayout('normal mode', (l) => l.mode === 'normal');
      expect(await a.request('client/key', { key: 'alt+s' })).toMatchObject({ command: 'app:split_vertical' });
    } finally {
      a.close();
      writeFileSync(w.env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+s"\n');
      await w.script.request('config/reload');
    }
  });

  it('a reload giving detach\'s only key to another global binding, or binding detach to a key no terminal sends, is refused', async () => {
    const a = await RawClient.connect(w.env.socket);
    let b: RawClient | undefined;
    try {
      await a.attach({ cols: 120, rows: 40 });
      const taken = await reloadWith('[keybindings.global]\nnamespace_selector = "ctrl+q"\n');
      expect(taken).toEqual({
        ok: false,
        errors: [
          "config.toml:2: keybindings.global.namespace_selector: global.detach would have no key a terminal can send ('ctrl+q' is taken by global.namespace_selector): a terminal would have no key that leaves it; choose another key for one of them",
        ],
      });
      const unsendable = await reloadWith('[keybindings.global]\ndetach = "ctrl+m"\n');
      expect(unsendable).toEqual({
        ok: false,
        errors: [
          "config.toml:2: keybindings.global.detach: global.detach would have no key a terminal can send (terminals send 'ctrl+m' as enter (both are 0x0d)): a terminal would have no key that leaves it; choose another key",
        ],
      });
      expect((await a.request<{ command?: string }>('client/key', { key: 'ctrl+q' })).command).toBe('detach');
      // Moving detach to another key a terminal sends is fine, and so is one more key beside a lost one.
      expect(await reloadWith('[keybindings.global]\nhelp = "ctrl+q"\ndetach = ["ctrl+q", "ctrl+alt+q"]\n')).toMatchObject({ ok: true });
      b = await RawClient.connect(w.env.socket);
      await b.attach({ cols: 120, rows: 40 });
      expect((await b.request<{ command?: string }>('client/key', { key: 'ctrl+alt+q' })).command).toBe('detach');
    } finally {
      a.close();
      b?.close();
      writeFileSync(w.env.configFile, '[keybindings.tui]\nsplit_vertical = "alt+s"\n');
      await w.script.request('config/reload');
    }
  });
});
