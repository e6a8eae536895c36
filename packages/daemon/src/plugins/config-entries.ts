import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { PluginEntry } from '../config/schema.js';
import { DEFAULT_MAX_INSTANCES, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './abi.js';
import type { ResolvedPluginEntry } from './plugin-definition.js';

function expandHome(p: string): string {
  return p === '~' ? homedir() : p.startsWith('~/') ? homedir() + p.slice(1) : p;
}

/** A positive integer field of the entry, read defensively (the schema may not declare it yet). */
function intField(e: PluginEntry, name: string): number | undefined {
  const v = (e as Record<string, unknown>)[name];
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/**
 * `[[plugins]]` entries with `~` expanded, relative paths taken from the config file's directory,
 * defaults applied, and `timeout_ms` clamped to MAX_TIMEOUT_MS (with a warning saying so).
 */
export function resolvePluginEntries(entries: readonly PluginEntry[], configFile: string): ResolvedPluginEntry[] {
  const base = dirname(resolve(configFile));
  return entries.map((e) => {
    const expanded = expandHome(e.path);
    const warnings: string[] = [];
    let timeoutMs = intField(e, 'timeout_ms') ?? DEFAULT_TIMEOUT_MS;
    if (timeoutMs > MAX_TIMEOUT_MS) {
      warnings.push(`timeout_ms = ${timeoutMs} is over the cap of ${MAX_TIMEOUT_MS} ms; using ${MAX_TIMEOUT_MS} ms`);
      timeoutMs = MAX_TIMEOUT_MS;
    }
    return {
      key: e.key,
      path: isAbsolute(expanded) ? expanded : resolve(base, expanded),
      permissions: [...new Set(e.permissions)].sort(),
      grant: [...new Set(e.grant)].sort(),
      ...(e.keybinding ? { keybinding: e.keybinding } : {}),
      timeoutMs,
      maxInstances: intField(e, 'max_instances') ?? DEFAULT_MAX_INSTANCES,
      warnings,
      config: { ...(e.config ?? {}) },
    };
  });
}
