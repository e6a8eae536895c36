import { resolve } from 'node:path';
import { ScaffoldError, scaffoldPlugin, tomlString } from '@kubetile/sdk/scaffold';
import type { Io } from './io.js';

/** `s` as one POSIX shell word: as it is when only safe characters, else single-quoted. */
const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `kubetile plugin new NAME [DIR]`: a plugin project from the SDK's template, ready for `npm run build`. */
export async function runPluginNew(io: Io, name: string, dir: string, json = false): Promise<number> {
  try {
    const r = scaffoldPlugin(resolve(dir), name);
    if (json) {
      io.out(`${JSON.stringify({ name: r.name, dir: r.dir, files: r.files, wasm: resolve(r.dir, 'build', `${r.name}.wasm`) })}\n`);
      return 0;
    }
    io.out(
      `created plugin '${r.name}' in ${r.dir}:\n${r.files.map((f) => `  ${f}`).join('\n')}\n\n` +
        `next:\n  cd ${shellWord(dir)} && npm install && npm run build      # → build/${r.name}.wasm\n` +
        `then add to ~/.config/kubetile/config.toml:\n  [[plugins]]\n  key = "${r.name}"\n  path = ${tomlString(resolve(r.dir, 'build', `${r.name}.wasm`))}\n  permissions = []\n  keybinding = "alt+g"\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ScaffoldError) {
      io.err(`kubetile: ${err.message}\n`);
      return 2;
    }
    io.err(`kubetile: plugin new failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
