import { homedir } from 'node:os';
import { basename } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { ConfigSchema, type Config } from './schema.js';
import { keyPath, locateKey } from './locate.js';
import { Keymap, type KeymapBuild } from '../keys/keymap.js';
import { commandBinding, pluginBinding, type BindingDef } from '../keys/bindings.js';
import { KeyParseError, normalizeKey } from '@kubetile/rpc-schema';

export interface ConfigProblem {
  file: string;
  line?: number;
  key?: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatProblem(p: ConfigProblem): string {
  return `${basename(p.file)}${p.line ? `:${p.line}` : ''}: ${p.key ? `${p.key}: ` : ''}${p.message}`;
}

/** At most this many problems are reported for one file (with a count of the rest). */
const MAX_PROBLEMS = 20;

export interface LoadedConfig {
  /** The config to use, or null when the file has errors (keep the last good one). */
  config: Config | null;
  keymap: KeymapBuild['keymap'] | null;
  problems: ConfigProblem[];
}

/** `[general]` and plugin fields accept kebab-case aliases, as KubeTile's did. */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.replace(/-/g, '_'), v]));
  }
  return value;
}

/** Keys of a table that `snakeKeys` would make one (`max-instances` and `max_instances`). */
function aliasClashes(value: unknown, path: Array<string | number>): Array<{ path: Array<string | number>; first: string; second: string }> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const seen = new Map<string, string>();
  const out: Array<{ path: Array<string | number>; first: string; second: string }> = [];
  for (const k of Object.keys(value)) {
    const snake = k.replace(/-/g, '_');
    const first = seen.get(snake);
    if (first !== undefined) out.push({ path, first, second: k });
    else seen.set(snake, k);
  }
  return out;
}

export function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

/** Parses and validates config source text; pure apart from nothing — easy to unit test. */
export function parseConfig(file: string, source: string): LoadedConfig {
  let raw: Record<string, unknown>;
  try {
    raw = parse(source) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const msg = err.message.split('\n')[0] ?? 'invalid TOML';
      return { config: null, keymap: null, problems: [{ file, line: err.line, message: `invalid TOML: ${msg}`, severity: 'error' }] };
    }
    throw err;
  }
  // `tick-rate-ms` and `tick_rate_ms` both written: one silently won; say which two clash instead.
  const clashes = [
    ...aliasClashes(raw.general, ['general']),
    ...(Array.isArray(raw.plugins) ? raw.plugins.flatMap((p, i) => aliasClashes(p, ['plugins', i])) : []),
  ].map((c): ConfigProblem => ({ file, line: locateKey(source, [...c.path, c.second]), key: [...c.path, c.second].join('.'), message: `'${c.first}' and '${c.second}' are the same setting; write it once`, severity: 'error' }));
  if (clashes.length > 0) return { config: null, keymap: null, problems: clashes.slice(0, MAX_PROBLEMS) };
  if (raw.general) raw.general = snakeKeys(raw.general);
  if (Array.isArray(raw.plugins)) raw.plugins = raw.plugins.map((p) => snakeKeys(p));
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Only the first few are located (each is a scan of the source): a huge broken file stays cheap.
    const issues = parsed.error.issues;
    const problems = issues.slice(0, MAX_PROBLEMS).map((i): ConfigProblem => {
      const path = [...i.path] as Array<string | number>;
      if (i.code === 'unrecognized_keys') {
        const k = i.keys[0] ?? '';
        const full = [...path, k];
        return { file, line: locateKey(source, full), key: keyPath(full), message: `unknown key '${k}'`, severity: 'error' };
      }
      return { file, line: locateKey(source, path), key: keyPath(path), message: i.message, severity: 'error' };
    });
    if (issues.length > MAX_PROBLEMS) problems.push({ file, message: `and ${issues.length - MAX_PROBLEMS} more problems`, severity: 'error' });
    return { config: null, keymap: null, problems };
  }
  const config = parsed.data;
  const problems: ConfigProblem[] = [];
  const keys = new Set<string>();
  config.plugins.forEach((p, i) => {
    if (keys.has(p.key)) {
      problems.push({ file, line: locateKey(source, ['plugins', i, 'key']), key: `plugins.${i}.key`, message: `duplicate plugin key '${p.key}'`, severity: 'error' });
    }
    keys.add(p.key);
  });
  // A plugin's keybinding is a global binding named plugin:<key>; its problems point at the entry.
  const pluginKeys: BindingDef[] = [];
  const pluginPath = new Map<string, string>();
  config.plugins.forEach((p, i) => {
    if (!p.keybinding) return;
    const path = `plugins.${i}.keybinding`;
    pluginPath.set(`keybindings.global.plugin:${p.key}`, path);
    try {
      pluginKeys.push(pluginBinding(p.key, [normalizeKey(p.keybinding)]));
    } catch (err) {
      problems.push({ file, line: locateKey(source, ['plugins', i, 'keybinding']), key: path, message: err instanceof KeyParseError ? err.message : String(err), severity: 'error' });
    }
  });
  // A command's key is an interact binding named command:<name>; its problems point at the entry.
  const commandNames = new Set<string>();
  config.commands.forEach((c, i) => {
    if (commandNames.has(c.name)) {
      problems.push({ file, line: locateKey(source, ['commands', i, 'name']), key: `commands.${i}.name`, message: `duplicate command name '${c.name}'`, severity: 'error' });
    }
    commandNames.add(c.name);
    const path = `commands.${i}.key`;
    pluginPath.set(`keybindings.interact.command:${c.name}`, path);
    try {
      pluginKeys.push(commandBinding(c.name, [normalizeKey(c.key)], c.description));
    } catch (err) {
      problems.push({ file, line: locateKey(source, ['commands', i, 'key']), key: path, message: err instanceof KeyParseError ? err.message : String(err), severity: 'error' });
    }
  });
  const built = Keymap.build(config.keybindings, pluginKeys);
  for (const p of built.problems.slice(0, MAX_PROBLEMS)) {
    const path = pluginPath.get(p.path) ?? p.path;
    problems.push({ file, line: locateKey(source, path.split('.')), key: path, message: p.message, severity: p.severity });
  }
  if (problems.some((p) => p.severity === 'error')) return { config: null, keymap: null, problems };
  return { config, keymap: built.keymap, problems };
}

/** The keymap of a config already validated (the plugin keybindings parse: parseConfig checked them). */
export function keymapFor(config: Config): KeymapBuild['keymap'] {
  const pluginKeys = [
    ...config.plugins.filter((p) => p.keybinding).map((p) => pluginBinding(p.key, [normalizeKey(p.keybinding!)])),
    ...config.commands.map((c) => commandBinding(c.name, [normalizeKey(c.key)], c.description)),
  ];
  return Keymap.build(config.keybindings, pluginKeys).keymap;
}

export const DEFAULT_KEYMAP = (): KeymapBuild['keymap'] => Keymap.build().keymap;
