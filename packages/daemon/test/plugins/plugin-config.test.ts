import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../src/config/load.js';
import { resolvePluginEntries } from '../../src/plugins/config-entries.js';

const FILE = '/home/u/.config/kubetile/config.toml';

describe('[[plugins]] in config.toml', () => {
  it('an unknown permission is a config error naming it, with file, line and key', () => {
    const r = parseConfig(
      FILE,
      `[general]\ntick_rate_ms = 250\n\n[[plugins]]\nkey = "ok-one"\npath = "a.wasm"\n\n[[plugins]]\nkey = "pods-view"\npath = "p.wasm"\npermissions = ["k8s:list:pods", "k8s:delete:Everything"]\n`,
    );
    expect(r.config).toBeNull();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 11, key: 'plugins.1.permissions.1', severity: 'error' });
    expect(formatProblem(r.problems[0]!)).toBe(
      "config.toml:11: plugins.1.permissions.1: unknown permission 'k8s:delete:Everything' (known: clipboard:write, k8s:get:secrets[:ns=<namespace>], k8s:list:<resource>[:ns=<namespace>], k8s:logs:pods[:ns=<namespace>], k8s:patch:<resource>[:ns=<namespace>], k8s:delete:<resource>[:ns=<namespace>], k8s:scale:<resource>[:ns=<namespace>])",
    );
  });

  it('accepts the known permissions, a keybinding, timeout_ms, a config table and kebab-case field aliases', () => {
    const r = parseConfig(
      FILE,
      `[[plugins]]\nkey = "pod-health"\npath = "~/plugins/pod-health.wasm"\npermissions = ["k8s:list:pods"]\ngrant = ["clipboard:write"]\nkeybinding = "ctrl+g"\ntimeout-ms = 500\n[plugins.config]\nnamespace = "*"\n`,
    );
    expect(r.problems).toEqual([]);
    expect(r.config!.plugins[0]).toEqual({
      key: 'pod-health',
      path: '~/plugins/pod-health.wasm',
      permissions: ['k8s:list:pods'],
      grant: ['clipboard:write'],
      keybinding: 'ctrl+g',
      timeout_ms: 500,
      config: { namespace: '*' },
    });
  });

  it('grant (consent given in the config) takes known permissions only, and is resolved sorted and deduplicated', () => {
    const bad = parseConfig(FILE, `[[plugins]]\nkey = "a"\npath = "a.wasm"\ngrant = ["k8s:nuke:all"]\n`);
    expect(bad.config).toBeNull();
    expect(formatProblem(bad.problems[0]!)).toBe(
      "config.toml:4: plugins.0.grant.0: unknown permission 'k8s:nuke:all' in grant (known: clipboard:write, k8s:get:secrets[:ns=<namespace>], k8s:list:<resource>[:ns=<namespace>], k8s:logs:pods[:ns=<namespace>], k8s:patch:<resource>[:ns=<namespace>], k8s:delete:<resource>[:ns=<namespace>], k8s:scale:<resource>[:ns=<namespace>])",
    );
    const ok = parseConfig(FILE, `[[plugins]]\nkey = "a"\npath = "a.wasm"\ngrant = ["k8s:list:pods", "clipboard:write", "k8s:list:pods"]\n[[plugins]]\nkey = "b"\npath = "b.wasm"\n`);
    expect(resolvePluginEntries(ok.config!.plugins, FILE).map((e) => e.grant)).toEqual([['clipboard:write', 'k8s:list:pods'], []]);
  });

  it("a plugin's keybinding becomes the global binding plugin:<key> that opens it", () => {
    const r = parseConfig(FILE, `[[plugins]]\nkey = "smoke-test"\npath = "s.wasm"\nkeybinding = "ctrl+y"\n`);
    expect(r.problems).toEqual([]);
    const hit = r.keymap!.lookup('ctrl+y', ['global']);
    expect(hit).toMatchObject({ group: 'global', name: 'plugin:smoke-test', action: { kind: 'app', command: 'open_plugin', plugin: 'smoke-test' } });
    expect(r.keymap!.snapshot().groups.find((g) => g.group === 'global')!.bindings).toContainEqual({ name: 'plugin:smoke-test', keys: ['ctrl+y'], description: 'Plugin smoke-test' });
  });

  it('a bad keybinding is reported on the plugin entry; a clash with a default is a warning there', () => {
    const bad = parseConfig(FILE, `[[plugins]]\nkey = "a"\npath = "a.wasm"\nkeybinding = "ctrl+"\n`);
    expect(bad.config).toBeNull();
    expect(bad.problems[0]).toMatchObject({ line: 4, key: 'plugins.0.keybinding', severity: 'error' });
    const clash = parseConfig(FILE, `[[plugins]]\nkey = "a"\npath = "a.wasm"\nkeybinding = "f1"\n`);
    expect(clash.problems).toEqual([expect.objectContaining({ line: 4, key: 'plugins.0.keybinding', severity: 'warning' })]);
    expect(clash.keymap!.lookup('f1', ['global'])?.name).toBe('help');
  });

  it('resolves ~ and paths relative to the config file directory, with the default timeout', () => {
    const r = parseConfig(FILE, `[[plugins]]\nkey = "a"\npath = "~/p/a.wasm"\n[[plugins]]\nkey = "b"\npath = "plugins/b.wasm"\npermissions = ["k8s:list:pods", "k8s:list:pods"]\n[[plugins]]\nkey = "c"\npath = "/abs/c.wasm"\ntimeout_ms = 50\n`);
    const e = resolvePluginEntries(r.config!.plugins, FILE);
    expect(e.map((x) => x.path)).toEqual([`${homedir()}/p/a.wasm`, '/home/u/.config/kubetile/plugins/b.wasm', '/abs/c.wasm']);
    expect(e.map((x) => x.timeoutMs)).toEqual([1000, 1000, 50]);
    expect(e[1]!.permissions).toEqual(['k8s:list:pods']);
    expect(e.map((x) => x.maxInstances)).toEqual([16, 16, 16]);
    expect(e.map((x) => x.warnings)).toEqual([[], [], []]);
  });

  it('clamps timeout_ms to the 10 s cap with a warning; max_instances is read from the entry', () => {
    const r = parseConfig(FILE, `[[plugins]]\nkey = "a"\npath = "a.wasm"\ntimeout_ms = 60000\nmax_instances = 2\n[[plugins]]\nkey = "b"\npath = "b.wasm"\ntimeout_ms = 10000\n`);
    expect(r.problems).toEqual([]);
    const [a, b] = resolvePluginEntries(r.config!.plugins, FILE);
    expect(a).toMatchObject({ timeoutMs: 10_000, maxInstances: 2, warnings: ['timeout_ms = 60000 is over the cap of 10000 ms; using 10000 ms'] });
    expect(b).toMatchObject({ timeoutMs: 10_000, maxInstances: 16, warnings: [] });
    expect(parseConfig(FILE, `[[plugins]]\nkey = "a"\npath = "a.wasm"\nmax_instances = 0\n`).problems[0]).toMatchObject({ key: 'plugins.0.max_instances', severity: 'error' });
  });
});
