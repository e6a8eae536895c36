import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { onTestFinished } from 'vitest';
import type { KubeScope } from '../../src/kube/types.js';
import type { CrashPolicy } from '../../src/plugins/crash-policy.js';
import { unavailableKubeAccess, type PluginKubeAccess } from '../../src/plugins/kube-access.js';
import { PluginDefinition } from '../../src/plugins/plugin-definition.js';
import { loadPluginFile } from '../../src/plugins/plugin-module.js';
import type { PluginSessionSink, PluginState } from '../../src/plugins/plugin-session.js';
import { WasmSession } from '../../src/plugins/wasm-session.js';
import { errorMessage } from '../../src/util/errors.js';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const silent = pino({ level: 'silent' });

function built(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`node scripts/build-plugins.mjs\` first`);
  return path;
}

/** A WAT fixture built by scripts/build-plugins.mjs. */
export const fixture = (name: string): string => built(join(REPO, 'test/fixtures/plugins/build', `${name}.wasm`));
/** An SDK plugin built by scripts/build-plugins.mjs (plugins/<dir>/build/<name>.wasm). */
export const sdkPlugin = (dir: string, name = dir): string => built(join(REPO, 'plugins', dir, 'build', `${name}.wasm`));

/** Polls until `probe` gives a truthy value (no fixed sleeps: the machine may be loaded). */
export async function until<T>(label: string, probe: () => T, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A definition with its module loaded (or its load error), as the host would have it. */
export async function loadDef(
  path: string,
  opts: { key?: string; permissions?: string[]; timeoutMs?: number; maxInstances?: number; config?: Record<string, string | number | boolean> } = {},
): Promise<PluginDefinition<WasmSession>> {
  const def = new PluginDefinition<WasmSession>({
    key: opts.key ?? 'test-plugin',
    path,
    permissions: opts.permissions ?? [],
    // Generous by default: a well-behaved plugin must not count as hung on a loaded machine.
    timeoutMs: opts.timeoutMs ?? 20_000,
    maxInstances: opts.maxInstances ?? 16,
    warnings: [],
    config: opts.config ?? {},
  });
  try {
    def.module = await loadPluginFile(path, def.entry.permissions);
    def.status = 'ready';
  } catch (err) {
    def.status = 'error';
    def.error = errorMessage(err);
  }
  return def;
}

export class RecordingSink implements PluginSessionSink {
  readonly states: PluginState[] = [];
  readonly renders: string[][] = [];
  readonly notices: Array<string | null> = [];
  state(s: PluginState): void {
    this.states.push(s);
  }
  render(lines: string[]): void {
    this.renders.push(lines);
  }
  notice(text: string | null): void {
    this.notices.push(text);
  }
  get current(): PluginState | undefined {
    return this.states[this.states.length - 1];
  }
  get lines(): string[] {
    return this.renders[this.renders.length - 1] ?? [];
  }
  get notice_(): string | null {
    return this.notices[this.notices.length - 1] ?? null;
  }
}

export const FAST_POLICY: CrashPolicy = { maxCrashes: 3, windowMs: 60_000, backoffMs: () => 20 };

export interface TestSession {
  session: WasmSession;
  sink: RecordingSink;
  clipboard: string[];
}

/** A started WasmSession for pane `paneId`, recording what its pane would receive. */
export function startSession(
  def: PluginDefinition<WasmSession>,
  opts: { paneId?: number; scope?: KubeScope; kube?: PluginKubeAccess; policy?: CrashPolicy } = {},
): TestSession {
  const sink = new RecordingSink();
  const clipboard: string[] = [];
  const session = new WasmSession({
    def,
    paneId: opts.paneId ?? 1,
    scope: () => opts.scope ?? { context: 'test', namespace: 'default' },
    clipboard: (t) => clipboard.push(t),
    kube: opts.kube ?? unavailableKubeAccess,
    logger: silent,
    policy: opts.policy ?? FAST_POLICY,
  });
  session.start(sink);
  return { session, sink, clipboard };
}

/** Writes bytes to a fresh temp file (for plugins built inside a test), removed when the test ends. */
export async function tempWasm(bytes: Uint8Array, name = 'plugin.wasm'): Promise<string> {
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'kt-plugin-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}
