import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegularFile, readRegularFileSync, type FileRead } from '../src/util/regular-file.js';

/**
 * Files of ours and files a kubeconfig names are read through one reader: opened non-blocking and
 * checked on the open descriptor (a FIFO in the file's place never blocks, even one put there after
 * a check), bounded, in both forms.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-rf-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const both = async (path: string, max: number): Promise<[FileRead, FileRead]> => [readRegularFileSync(path, max), await readRegularFile(path, max)];
const text = (r: FileRead): string | null => (r.kind === 'ok' ? r.bytes.toString('utf8') : null);

describe('readRegularFile / readRegularFileSync', () => {
  it('reads a regular file (empty, small, exactly at the limit, through a symlink)', async () => {
    for (const body of ['', 'a', 'é'.repeat(500)]) {
      const p = join(dir, `f${body.length}`);
      writeFileSync(p, body);
      for (const r of await both(p, Buffer.byteLength(body))) expect(text(r)).toBe(body);
    }
    symlinkSync(join(dir, 'f1'), join(dir, 'link'));
    for (const r of await both(join(dir, 'link'), 10)) expect(text(r)).toBe('a');
  });

  it('refuses a file over the limit by its size, saying how big', async () => {
    const p = join(dir, 'big');
    writeFileSync(p, 'x'.repeat(2000));
    for (const r of await both(p, 1999)) expect(r).toEqual({ kind: 'refused', message: 'too big (2000 bytes; at most 1999)', tooBig: 2000 });
  });

  it('opens a FIFO without blocking (no writer) and refuses it; also directories and devices', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Before, a reader that checked with stat and then opened would block in open() on a FIFO swapped in between.
    for (const r of await both(fifo, 100)) expect(r).toEqual({ kind: 'refused', message: 'not a regular file (a FIFO)' });
    for (const r of await both(dir, 100)) expect(r).toEqual({ kind: 'refused', message: 'not a regular file (a directory)' });
    for (const r of await both('/dev/zero', 100)) expect(r).toEqual({ kind: 'refused', message: 'not a regular file (a character device)' });
  });

  it('says missing for a path that does not exist or goes through a file', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    for (const p of [join(dir, 'nope'), join(dir, 'file', 'below')]) for (const r of await both(p, 10)) expect(r).toEqual({ kind: 'missing' });
  });
});
