import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../src/config/load.js';
import { locateKey } from '../src/config/locate.js';
import { Keymap } from '../src/keys/keymap.js';

const FILE = '/home/u/.config/kubetile/config.toml';

describe('config', () => {
  it('merges keybindings per key over the defaults', () => {
    const r = parseConfig(FILE, `[keybindings.navigation]\nscroll_down = "n"\n[keybindings.tui]\nsplit_vertical = ["alt+v", "alt+|"]\n`);
    expect(r.problems).toEqual([]);
    const km = r.keymap!;
    expect(km.lookup('n', ['navigation'])?.name).toBe('scroll_down');
    expect(km.lookup('j', ['navigation'])).toBeUndefined();
    // untouched bindings keep their defaults
    expect(km.lookup('k', ['navigation'])?.name).toBe('scroll_up');
    expect(km.lookup('alt+|', ['tui'])?.name).toBe('split_vertical');
  });
  it('accepts kebab-case aliases in [general]', () => {
    const r = parseConfig(FILE, `[general]\ntick-rate-ms = 500\n`);
    expect(r.config?.general.tick_rate_ms).toBe(500);
  });
  it('reports invalid TOML with file and line, and gives no config', () => {
    const r = parseConfig(FILE, `[general]\ntick_rate_ms = 250\n[keybindings.navigation\nscroll_down = "j"\n`);
    expect(r.config).toBeNull();
    expect(formatProblem(r.problems[0]!)).toMatch(/^config\.toml:3: invalid TOML/);
  });
  it('reports a wrong type with file, line and key', () => {
    const r = parseConfig(FILE, `# comment\n[general]\ntick_rate_ms = "fast"\n`);
    expect(r.config).toBeNull();
    expect(formatProblem(r.problems[0]!)).toMatch(/^config\.toml:3: general\.tick_rate_ms: /);
  });
  it('reports an unknown binding name and a bad key string with their lines', () => {
    const r = parseConfig(FILE, `[keybindings.navigation]\nscrol_down = "j"\n\n[keybindings.tui]\nsplit_vertical = "hyper+v"\n`);
    expect(r.config).toBeNull();
    const msgs = r.problems.map(formatProblem);
    expect(msgs).toContain("config.toml:2: keybindings.navigation.scrol_down: unknown binding 'scrol_down' in group 'navigation'");
    expect(msgs.find((m) => m.startsWith('config.toml:5: keybindings.tui.split_vertical'))).toMatch(/unknown modifier 'hyper'/);
  });
  it('reports unknown sections and keys', () => {
    const r = parseConfig(FILE, `[general]\ncolour = "red"\n`);
    expect(r.problems.map(formatProblem)).toEqual(["config.toml:2: general.colour: unknown key 'colour'"]);
  });
  it('reports conflicting bindings as warnings and keeps the config', () => {
    const r = parseConfig(FILE, `[keybindings.tui]\nnew_tab = "j"\n`);
    expect(r.config).not.toBeNull();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.severity).toBe('warning');
    expect(formatProblem(r.problems[0]!)).toMatch(/config\.toml:2: keybindings\.tui\.new_tab: key 'j' is bound to both navigation\.scroll_down and tui\.new_tab/);
    // the earlier group wins, and the loser no longer claims the key
    expect(r.keymap!.lookup('j', ['global', 'browse', 'navigation', 'tui'])?.name).toBe('scroll_down');
    expect(r.keymap!.keysFor('tui', 'new_tab')).toEqual([]);
  });
  it("a [[commands]] key that meets a built-in binding is reported at the entry's own key line, by its name", () => {
    const r = parseConfig(FILE, `[general]\ntick_rate_ms = 250\n\n[[commands]]\nname = "tail-app"\nkey = "j"\nscopes = ["pods"]\ncommand = "true"\n`);
    expect(r.config).not.toBeNull();
    expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^config\.toml:6: commands\.0\.key: key 'j' is bound to both .*\[\[commands\]\] tail-app/)]);
  });

  it('the same key twice in one binding is no clash', () => {
    const r = parseConfig(FILE, `[keybindings.global]\nhelp = ["f1", "f1"]\n`);
    expect(r.problems).toEqual([]);
  });

  it('rejects duplicate and non-kebab plugin keys', () => {
    const r = parseConfig(FILE, `[[plugins]]\nkey = "pod-health"\npath = "a.wasm"\n\n[[plugins]]\nkey = "pod-health"\npath = "b.wasm"\n`);
    expect(r.problems.map(formatProblem)).toEqual(["config.toml:6: plugins.1.key: duplicate plugin key 'pod-health'"]);
    const bad = parseConfig(FILE, `[[plugins]]\nkey = "PodHealth"\npath = "a.wasm"\n`);
    expect(formatProblem(bad.problems[0]!)).toMatch(/^config\.toml:2: plugins\.0\.key: plugin keys must be kebab-case/);
  });
  it('locates keys in tables and arrays of tables', () => {
    const src = `[general]\na = 1\n[[plugins]]\nkey = "x"\n[[plugins]]\nkey = "y"\npath = "p"\n`;
    expect(locateKey(src, ['general', 'a'])).toBe(2);
    expect(locateKey(src, ['plugins', 1, 'path'])).toBe(7);
    expect(locateKey(src, ['plugins', 1, 'missing'])).toBe(5);
  });
  it('reports bindings a terminal can never send, with their lines, and keeps the config', () => {
    const r = parseConfig(
      FILE,
      `[keybindings.navigation]\nscroll_down = "ctrl+h"\nscroll_up = ["k", "ctrl+shift+k"]\n\n[[plugins]]\nkey = "p"\npath = "p.wasm"\nkeybinding = "ctrl+i"\n`,
    );
    expect(r.config).not.toBeNull();
    const msgs = r.problems.map(formatProblem);
    expect(msgs).toContain("config.toml:2: keybindings.navigation.scroll_down: terminals send 'ctrl+h' as backspace (both are 0x08), so this binding can never fire; choose another key");
    expect(msgs.find((m) => m.startsWith('config.toml:3: keybindings.navigation.scroll_up:'))).toMatch(/'ctrl\+shift\+k' exactly as 'ctrl\+k'/);
    expect(msgs.find((m) => m.startsWith('config.toml:8: plugins.0.keybinding:'))).toMatch(/'ctrl\+i' as tab/);
    expect(r.problems.every((p) => p.severity === 'warning')).toBe(true);
    // keys terminals do send are not reported
    expect(parseConfig(FILE, `[keybindings.navigation]\nscroll_down = ["ctrl+alt+j", "alt+shift+j", "ctrl+space", "insert"]\n`).problems).toEqual([]);
  });
  it('has no conflicts in the defaults', () => {
    expect(Keymap.build().problems).toEqual([]);
  });
  it('never leaves a terminal without a way out: an empty detach binding keeps ctrl+q, with the reason', () => {
    for (const none of ['', 'none', []] as const) {
      const b = Keymap.build({ global: { detach: none } });
      expect(b.keymap.lookup('ctrl+q', ['global'])?.name).toBe('detach');
      expect(b.problems).toEqual([{ path: 'keybindings.global.detach', message: 'detach cannot be unbound (a terminal would have no key that leaves it); kept ctrl+q', severity: 'error' }]);
    }
    // In a config file that is an error: the file is not applied (a reload keeps the config in use).
    const parsed = parseConfig(FILE, `[keybindings.global]\ndetach = ""\n`);
    expect(parsed.config).toBeNull();
    expect(parsed.problems).toEqual([expect.objectContaining({ key: 'keybindings.global.detach', line: 2, severity: 'error' })]);
    // Rebinding it is fine.
    const moved = Keymap.build({ global: { detach: 'ctrl+alt+q' } });
    expect(moved.keymap.lookup('ctrl+alt+q', ['global'])?.name).toBe('detach');
    expect(moved.problems).toEqual([]);
  });
});
