import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNewFile } from '../../src/util/new-file.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeNewFile', () => {
  it('never writes over a file: a taken name gets -2, -3, …, each keeping its own text', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kt-newfile-'));
    const at = 'configmap-shop-settings-20261206T123456789Z';
    // The same object's text kept twice in one millisecond, at once.
    const files = await Promise.all([1, 2, 3].map((i) => writeNewFile(dir, at, '.yaml', `text ${i}\n`)));
    expect(new Set(files).size).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([`${at}-2.yaml`, `${at}-3.yaml`, `${at}.yaml`]);
    expect(files.map((f) => readFileSync(f, 'utf8')).sort()).toEqual(['text 1\n', 'text 2\n', 'text 3\n']);
    expect(statSync(files[0]!).mode & 0o777).toBe(0o600);
  });

  it('makes the name safe for a file and gives up, saying why, when no name is free', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kt-newfile-'));
    expect(await writeNewFile(dir, 'a/../b c', '.yaml', 'x')).toBe(join(dir, 'a_.._b_c.yaml'));
    writeFileSync(join(dir, 'full.yaml'), '');
    for (let n = 2; n <= 100; n++) writeFileSync(join(dir, `full-${n}.yaml`), '');
    await expect(writeNewFile(dir, 'full', '.yaml', 'x')).rejects.toThrow(/EEXIST/);
  });
});
