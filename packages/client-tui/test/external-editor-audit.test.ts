import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEditor } from '../src/terminal/external-editor.js';

/**
 * The user's editor as it really runs (`sh -c "$EDITOR" file`), played by small shell scripts: an
 * editor that saved and then failed, or was killed, or wrote bytes that are not UTF-8 must never
 * lose what was saved, nor hand on text with characters replaced.
 */

const ORIGINAL = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  mode: fast\n';
let bin: string;

const script = async (name: string, body: string): Promise<string> => {
  const p = join(bin, name);
  await writeFile(p, `#!/bin/sh\n${body}\n`);
  await chmod(p, 0o755);
  return p;
};
const env = (editor: string): NodeJS.ProcessEnv => ({ PATH: process.env['PATH'], EDITOR: editor });
const keptPath = (error: string): string => {
  const m = /kept in (\S+\.yaml)/.exec(error);
  expect(m, error).not.toBeNull();
  return m![1]!;
};

beforeAll(async () => {
  bin = await mkdtemp(join(tmpdir(), 'kt-editor-audit-'));
});
afterAll(async () => {
  await rm(bin, { recursive: true, force: true });
});

describe('runEditor: what was saved is not lost', () => {
  it('an editor that saves and then exits non-zero: nothing applied, the saved text kept (private) and named', async () => {
    const ed = await script('save-then-fail.sh', `sed -i 's/fast/slow/' "$1"\nexit 1`);
    const run = await runEditor('configmap-app.yaml', ORIGINAL, env(ed), 1000);
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.error).toContain('exited with status 1');
    const kept = keptPath(run.error);
    expect(await readFile(kept, 'utf8')).toContain('mode: slow');
    expect((await stat(kept)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(kept))).mode & 0o777).toBe(0o700);
    await rm(dirname(kept), { recursive: true, force: true });
  });

  it('an editor killed after saving: the saved text kept and named', async () => {
    const ed = await script('save-then-killed.sh', `sed -i 's/fast/slow/' "$1"\nkill -KILL $$`);
    const run = await runEditor('configmap-app.yaml', ORIGINAL, env(ed), 1000);
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.error).toMatch(/SIGKILL|status 137/);
    const kept = keptPath(run.error);
    expect(await readFile(kept, 'utf8')).toContain('mode: slow');
    await rm(dirname(kept), { recursive: true, force: true });
  });

  it('an editor that fails without saving anything (`:cq`): the file is removed, nothing is said to be kept', async () => {
    const ed = await script('quit-failing.sh', `echo "$1" > "${bin}/last-path"\nexit 1`);
    const run = await runEditor('configmap-app.yaml', ORIGINAL, env(ed), 1000);
    expect(run).toEqual({ ok: false, error: `the editor (${ed}) exited with status 1` });
    const path = (await readFile(join(bin, 'last-path'), 'utf8')).trim();
    expect(existsSync(dirname(path))).toBe(false);
  });

  it('a file saved in another encoding (Latin-1): not handed on with U+FFFD, kept, the bad byte named', async () => {
    // "café" in Latin-1: é is the single byte 0xE9.
    const ed = await script('latin1.sh', `printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: app\\ndata:\\n  mode: caf\\351\\n' > "$1"`);
    const run = await runEditor('configmap-app.yaml', ORIGINAL, env(ed), 1000);
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.error).toContain('not UTF-8 (line 6, byte 71 of the file)');
    const kept = keptPath(run.error);
    expect((await readFile(kept)).includes(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe(true);
    await rm(dirname(kept), { recursive: true, force: true });
  });

  it('a file cut inside a character at its end is named too', async () => {
    const ed = await script('cut.sh', `printf 'data:\\n  mode: caf\\303' > "$1"`);
    const run = await runEditor('configmap-app.yaml', ORIGINAL, env(ed), 1000);
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.error).toContain('not UTF-8 (line 2, byte 18 of the file)');
    await rm(dirname(keptPath(run.error)), { recursive: true, force: true });
  });

  it('UTF-8 text comes back as it was saved (a BOM an editor added is dropped)', async () => {
    const ed = await script('utf8.sh', `printf '\\357\\273\\277data:\\n  mode: caf\\303\\251 \\360\\237\\230\\200\\n' > "$1"`);
    const run = await runEditor('configmap-app.yaml', ORIGINAL, env(ed), 1000);
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.text).toBe('data:\n  mode: café 😀\n');
    await run.remove();
  });
});
