import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script, without types
import { buildSurface, renderSurface, SNAPSHOT_FILE } from '../scripts/api-snapshot.mjs';

/**
 * docs/api-surface.json is the plugin ABI and the RPC schema as the built packages state them.
 * A change to either shows up as a diff of that file, made on purpose with `npm run api:snapshot`.
 */
const REPO = join(import.meta.dirname, '..');

/** Dotted paths (to depth 4) where two JSON values differ, for the failure message. */
function differences(a: unknown, b: unknown, at = '', depth = 0): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (depth >= 4 || !isObj(a) || !isObj(b)) return [at || '(root)'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => differences(a[k], b[k], at ? `${at}.${k}` : k, depth + 1));
}

describe('the API-surface snapshot (docs/api-surface.json)', () => {
  it('matches the live plugin ABI and RPC schema (else, if the change is deliberate: npm run api:snapshot)', async () => {
    const live = (await buildSurface()) as unknown;
    const text = (renderSurface as (s: unknown) => string)(live);
    const file = readFileSync(SNAPSHOT_FILE as string, 'utf8');
    if (file !== text) {
      const changed = differences(JSON.parse(file), live).slice(0, 20);
      throw new Error(
        `docs/api-surface.json differs from the live API surface at: ${changed.join(', ')}.\n` +
          'If the change is deliberate, run `npm run api:snapshot` and commit the file; otherwise undo the change to the ABI or the RPC schema.',
      );
    }
    const surface = live as { pluginAbi: { daemon: { hostFunctions: Record<string, unknown> }; payloads: Record<string, unknown> }; rpc: { methods: Array<{ name: string }> } };
    expect(Object.keys(surface.pluginAbi.daemon.hostFunctions)).toContain('k8s_write');
    expect(Object.keys(surface.pluginAbi.payloads)).toEqual(expect.arrayContaining(['HostResponse', 'PluginCommand', 'RenderPayload']));
    expect(surface.rpc.methods.map((m) => m.name)).toContain('rpc/discover');
  });

  it('is generated deterministically: another process, directory, time zone and locale give the same bytes', async () => {
    const r = await promisify(execFile)(process.execPath, [join(REPO, 'scripts/api-snapshot.mjs'), '--check'], {
      cwd: tmpdir(),
      env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
  });
});
