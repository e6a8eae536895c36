import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

const ECHO = join(REPO_ROOT, 'test/fixtures/plugins/build/echo.wasm');

interface Listed {
  key: string;
  status: string;
  error: string | null;
}

/**
 * `[[plugins]]` paths that are no plugin file: FIFOs (more of them than libuv has threads), a
 * directory, a device, a 100 MB file. Each is refused naming the file and what it is; the good
 * plugin beside them loads, plugin/reload answers, and the daemon stops when asked.
 */
let env: TestEnv;
let daemon: DaemonProcess;
let c: RawClient;
let files: string;
const FIFOS = ['f1', 'f2', 'f3', 'f4', 'f5'];
/** Imports a module may have (V8's limit, MAX_MODULE_ENTRIES). */
const MAX_IMPORTS = 100_000;

/** A module importing one function of a 1 MiB name and `more` others: each import a problem of its own. */
async function manyImports(more: number): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const imports = [`(import "m" "${'x'.repeat(1 << 20)}" (func))`];
  for (let i = 0; i < more; i++) imports.push(`(import "m" "f${i}" (func))`);
  const m = wabt.parseWat('many.wat', `(module ${imports.join('\n')} (func (export "plugin_on_command") (result i32) (i32.const 0)))`);
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

beforeAll(async () => {
  env = makeTestEnv();
  files = join(env.dir, 'plugins');
  mkdirSync(files, { recursive: true });
  for (const f of FIFOS) execFileSync('mkfifo', [join(files, `${f}.wasm`)]);
  mkdirSync(join(files, 'dir.wasm'));
  const big = openSync(join(files, 'big.wasm'), 'w');
  ftruncateSync(big, 100 * 1024 * 1024); // sparse: 100 MB without writing them
  closeSync(big);
  writeFileSync(join(files, 'many.wasm'), await manyImports(MAX_IMPORTS - 1));
  writeFileSync(join(files, 'too-many.wasm'), await manyImports(MAX_IMPORTS));
  mkdirSync(dirname(env.configFile), { recursive: true });
  const entry = (key: string, path: string) => `[[plugins]]\nkey = "${key}"\npath = "${path}"\n`;
  writeFileSync(
    env.configFile,
    [
      ...FIFOS.map((f) => entry(f, join(files, `${f}.wasm`))),
      entry('dir', join(files, 'dir.wasm')),
      entry('zero', '/dev/zero'),
      entry('big', join(files, 'big.wasm')),
      entry('many', join(files, 'many.wasm')),
      entry('too-many', join(files, 'too-many.wasm')),
      entry('echo', ECHO),
    ].join('\n'),
  );
  daemon = await startDaemon(env);
  c = await RawClient.connect(env.socket);
});

afterAll(async () => {
  c?.close();
  // Before the fix a FIFO's open() never returned and SIGTERM left the daemon running.
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([daemon?.stop(), new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 45_000)))]);
  clearTimeout(timer);
  if (code === 'hung') daemon.child.kill('SIGKILL');
  env?.cleanup();
  expect(code).toBe(0);
});

const list = async () => (await c.request<{ plugins: Listed[] }>('plugin/list', {})).plugins;

describe('plugin files that are not regular files', () => {
  it('each is refused naming the file and what it is; the good plugin beside them loads', async () => {
    const plugins = await waitFor('every plugin settled', async () => {
      const l = await list();
      return l.every((p) => p.status !== 'loading') ? l : null;
    }, 45_000, 100);
    const by = new Map(plugins.map((p) => [p.key, p]));
    expect(by.get('echo')).toMatchObject({ status: 'ready', error: null });
    for (const f of FIFOS) expect(by.get(f)).toMatchObject({ status: 'error', error: `cannot read ${join(files, `${f}.wasm`)}: not a regular file (a FIFO)` });
    expect(by.get('dir')).toMatchObject({ status: 'error', error: `cannot read ${join(files, 'dir.wasm')}: not a regular file (a directory)` });
    expect(by.get('zero')).toMatchObject({ status: 'error', error: 'cannot read /dev/zero: not a regular file (a character device)' });
    expect(by.get('big')).toMatchObject({ status: 'error', error: `refused: ${join(files, 'big.wasm')} is 100 MiB, over the 16 MiB limit` });
  });

  it('a module with 100,000 bad imports: its error names the first few (a 1 MiB name cut) and counts the rest', async () => {
    const many = (await list()).find((p) => p.key === 'many')!;
    const problem = (name: string) => `it imports m::${name}; only 'kubetile' and 'extism:host/env' functions are provided`;
    const shown = [problem(`${'x'.repeat(80)}…(1048576 characters)`), ...Array.from({ length: 9 }, (_, i) => problem(`f${i}`))];
    // Before: every import was listed, an error of 9 MB in plugin/list, toasts and the log.
    expect(many).toMatchObject({ status: 'error', error: `refused: ${shown.join('; ')}; and ${MAX_IMPORTS - 10} more` });
  });

  it('a module with more imports than WebAssembly engines accept is refused without reading them all', async () => {
    // Before: 2.5 million imports in a 15 MB module were each read into an object (220 MB) and each made a problem.
    expect((await list()).find((p) => p.key === 'too-many')).toMatchObject({
      status: 'error',
      error: `refused: malformed module: it declares ${MAX_IMPORTS + 1} imports, more than the ${MAX_IMPORTS} WebAssembly engines accept`,
    });
  });

  it('plugin/reload of a FIFO answers with the reason instead of waiting for a writer', async () => {
    await expect(c.request('plugin/reload', { key: 'f1' })).rejects.toThrow(
      `plugin 'f1' was not reloaded: cannot read ${join(files, 'f1.wasm')}: not a regular file (a FIFO)`,
    );
  });
});
