import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { PluginEntry } from '../config/schema.js';
import { DEFAULT_TIMEOUT_MS } from './abi.js';
import type { ResolvedPluginEntry } from './plugin-definition.js';

function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

/** `[[plugins]]` entries with `~` expanded, relative paths taken from the config file's directory, defaults applied. */
export function resolvePluginEntries(entries: readonly PluginEntry[], configFile: string): ResolvedPluginEntry[] {
  const base = dirname(resolve(configFile));
  return entries.map((e) => {
    const expanded = expandHome(e.path);
    return {
      key: e.key,
      path: isAbsolute(expanded) ? expanded : resolve(base, expanded),
      permissions: [...new Set(e.permissions)].sort(),
      ...(e.keybinding ? { keybinding: e.keybinding } : {}),
      timeoutMs: e.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      config: { ...(e.config ?? {}) },
    };
  });
}
