import fsp from 'node:fs/promises';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchFile } from '../../src/config/watch.js';
import { waitFor } from '../../../../test/helpers/daemon-process.js';

/**
 * The config file's directory missing (~/.config/kubetile on a first run, ~/.kube without a cluster):
 * the watch waits on the nearest existing ancestor, often HOME. chokidar read that whole directory
 * again (readdir, an lstat per entry) on every event in it — a shell writing its history to HOME
 * cost the daemon a scan of HOME per write (200 writes in a HOME of 500 entries: 198 readdirs,
 * 99,198 lstats, 1.2 s of CPU; now none, 50 ms).
 */
describe('a config file whose directory does not exist yet', () => {
  const dirs: string[] = [];
  const realReaddir = fsp.readdir;
  afterEach(() => {
    fsp.readdir = realReaddir;
    syncBuiltinESMExports();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes in the ancestor it waits on read no directory; the file is read once its directory comes', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kt-watch-'));
    dirs.push(home);
    for (let i = 0; i < 50; i++) writeFileSync(join(home, `file-${i}`), 'x');
    const read: string[] = [];
    // Every directory read, chokidar's (readdirp's `readdir` from node:fs/promises) included.
    fsp.readdir = ((path: Parameters<typeof realReaddir>[0], ...rest: unknown[]) => {
      read.push(String(path));
      return (realReaddir as (...a: unknown[]) => unknown)(path, ...rest);
    }) as typeof realReaddir;
    syncBuiltinESMExports();

    const config = join(home, '.config', 'kubetile', 'config.toml');
    let changes = 0;
    const w = watchFile(config, () => changes++, 10);
    try {
      await w.armed();
      // A shell's history, an editor's saves: written in place, and written aside then renamed over.
      for (let i = 0; i < 20; i++) {
        writeFileSync(join(home, '.bash_history'), 'ls\n'.repeat(i + 1));
        writeFileSync(join(home, '.viminfo.tmp'), `${i}\n`);
        renameSync(join(home, '.viminfo.tmp'), join(home, '.viminfo'));
        await new Promise((resolve) => setImmediate(resolve)); // a turn of the loop: the events are read
      }
      // Something else made beside it is not the one waited for.
      mkdirSync(join(home, '.cache'));
      mkdirSync(join(home, '.config', 'kubetile'), { recursive: true });
      writeFileSync(config, 'theme = "dark"\n');
      await waitFor('the config file seen once its directory came', () => changes > 0, 20_000);
      expect(read.filter((p) => p === home), 'reads of the directory waited on').toEqual([]);
      // Edits after that are seen too (the watch moved to the file's directory).
      const before = changes;
      writeFileSync(config, 'theme = "light"\n');
      await waitFor('an edit of the config file seen', () => changes > before, 20_000);
    } finally {
      await w.close();
    }
  });
});
