// Where the built plugins and fixtures live, and on-demand building so a test
// run never uses a stale .wasm.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SDK_DIR = path.join(REPO_ROOT, 'packages/sdk');
export const FIXTURES_DIR = path.join(REPO_ROOT, 'test/fixtures/plugins');

const PLUGIN_DIRS: Record<string, string> = {
  smoke: 'plugins/smoke',
  'pod-health': 'plugins/pod-health',
  'secret-viewer': 'plugins/secret-viewer',
  'sdk-probe': 'packages/sdk/test/fixtures/sdk-probe',
  'v2-probe': 'packages/sdk/test/fixtures/v2-probe',
};

/** Path of a built plugin; (re)builds it first when missing or stale. */
export function pluginWasm(name: keyof typeof PLUGIN_DIRS | string): string {
  const dir = PLUGIN_DIRS[name];
  if (!dir) throw new Error(`unknown plugin ${name}`);
  // build-plugins skips up-to-date outputs, so this is cheap when nothing changed.
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build-plugins.mjs'), '--only', name], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`building ${name} failed:\n${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}`);
  }
  const out = path.join(REPO_ROOT, dir, 'build', `${name}.wasm`);
  if (!existsSync(out)) throw new Error(`${out} missing after build`);
  return out;
}

let wabtPromise: Promise<Awaited<ReturnType<typeof import('wabt').default>>> | null = null;

/** Bytes of a WAT fixture: the built file when fresh, else compiled now with wabt. */
export async function fixtureWasm(name: string): Promise<Uint8Array> {
  const wat = path.join(FIXTURES_DIR, `${name}.wat`);
  const built = path.join(FIXTURES_DIR, 'build', `${name}.wasm`);
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(wat).mtimeMs) {
    return new Uint8Array(readFileSync(built));
  }
  wabtPromise ??= import('wabt').then((m) => m.default());
  const wabt = await wabtPromise;
  const mod = wabt.parseWat(`${name}.wat`, readFileSync(wat, 'utf8'));
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

export const FIXTURE_NAMES = [
  'echo',
  'spin',
  'trap',
  'memory-bomb',
  'memory-bomb-unbounded',
  'render-flood',
  'ungranted-import',
  'missing-export',
] as const;
