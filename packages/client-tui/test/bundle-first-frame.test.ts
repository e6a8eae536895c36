import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT, CLIENT_MAIN } from './harness.js';

/** The files a bundle file imports statically (`import … from "./x.js"`, `import "./x.js"`; never `import(…)`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[;\n])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) out.push(join(dirname(file), m[1]!));
  return out;
}

/** Every file loaded with `file`, before any of its dynamic imports. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const f of staticImports(file)) closure(f, seen);
  return seen;
}

/** The files main.js and the attach command load before any dynamic import: the way to the first frame. */
function firstFrameFiles(): Set<string> {
  const main = readFileSync(CLIENT_MAIN, 'utf8');
  const attach = /import\("\.\/(chunks\/attach-command-[\w-]+\.js)"\)/.exec(main)?.[1];
  expect(attach, 'main.js imports the attach command dynamically').toBeDefined();
  return closure(join(dirname(CLIENT_MAIN), attach!), closure(CLIENT_MAIN));
}

/**
 * The TUI's path to its first frame loads neither zod (the RPC schemas: hundreds of milliseconds of
 * compiling on a busy machine) nor ink: both load once the panes show their first content. A static
 * import of a module that holds the schemas (rpc-command.ts, for one helper) had put zod ahead of the
 * first frame: +80 ms from spawn to the pods on screen, caught only by the benchmark.
 */
describe.skipIf(!BUILT)('the bundle on the way to the first frame', () => {
  it('main.js and the attach command load no zod and no ink before their dynamic imports', () => {
    const files = firstFrameFiles();
    expect(files.size).toBeGreaterThan(2);
    const heavy = [...files].filter((f) => /\bZodError\b|class ZodType/.test(readFileSync(f, 'utf8')) || /react-reconciler|createFiberRoot/.test(readFileSync(f, 'utf8')));
    expect(heavy).toEqual([]);
  });

  /**
   * Nor node:crypto, node:child_process or node:v8 (~2–3 ms each of a client's start): vscode-jsonrpc's
   * node entry and runtime layer loaded crypto for a pipe name and a UUID kubetile never asks for (the
   * bundle now loads it on such a call), the launcher imported child_process for a daemon an attach to
   * a running one never spawns, and v8 (with vm) is first needed once a frame is painted (the idle
   * scavenger, the JIT budget raised once the first views are on screen).
   */
  it('main.js and the attach command load neither node:crypto, node:child_process, node:v8 nor node:vm when they load', () => {
    const files = firstFrameFiles();
    const eager = /(?:from\s*|import\s*)["']node:(?:child_process|crypto|v8|vm)["']|=\s*__require\(["'](?:node:)?(?:child_process|crypto|v8|vm)["']\)/;
    const loading = [...files].filter((f) => eager.test(readFileSync(f, 'utf8'))).map((f) => `${f}: ${eager.exec(readFileSync(f, 'utf8'))![0]}`);
    expect(loading).toEqual([]);
  });
});
