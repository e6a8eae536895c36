import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's editor on a file, as `kubectl edit` and git run it: `$KUBE_EDITOR`, `$VISUAL`,
 * `$EDITOR`, else `vi`, through `sh -c` so a value with arguments (`code --wait`) works; the file's
 * path goes as a positional argument, never into the command line. The file is private (a 0700
 * directory of its own, mode 0600: a Secret's data may be in it).
 */

export function editorCommand(env: NodeJS.ProcessEnv): string {
  for (const name of ['KUBE_EDITOR', 'VISUAL', 'EDITOR'] as const) {
    const v = env[name]?.trim();
    if (v) return v;
  }
  return 'vi';
}

export type EditorRun =
  /** The editor exited 0: the file's text, and a way to remove the file (once the text is safe elsewhere). */
  | { ok: true; text: string; path: string; remove: () => Promise<void> }
  | { ok: false; error: string };

/**
 * Writes `text` to a private file named `file`, runs the editor on it in this terminal (stdio
 * inherited: the caller has handed the terminal over) and reads the file back. A file grown past
 * `maxChars` is not read (the answer says so and the file stays where it is).
 */
export async function runEditor(file: string, text: string, env: NodeJS.ProcessEnv, maxChars: number): Promise<EditorRun> {
  const editor = editorCommand(env);
  const dir = await mkdtemp(join(tmpdir(), 'kubetile-edit-'));
  const path = join(dir, file.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'object.yaml');
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await writeFile(path, text, { mode: 0o600, flag: 'wx' });
    const end = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
      const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'kubetile-edit', path], { stdio: 'inherit', env });
      child.once('error', (e) => resolve({ code: null, signal: null, error: e.message }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    if (end.error !== undefined || end.code !== 0) {
      await remove();
      const how = end.error ?? (end.signal ? `was ended by ${end.signal}` : `exited with status ${end.code}${end.code === 127 ? ' (not found?)' : ''}`);
      return { ok: false, error: `the editor (${editor}) ${how}` };
    }
    const size = (await stat(path)).size;
    // UTF-8 takes at least one byte per UTF-16 unit: a file this big cannot fit.
    if (size > maxChars * 3) return { ok: false, error: `the file grew to ${size} bytes, more than an edit carries; it is kept in ${path}` };
    const back = await readFile(path, 'utf8');
    if (back.length > maxChars) return { ok: false, error: `the file has ${back.length} characters, more than an edit carries (${maxChars}); it is kept in ${path}` };
    return { ok: true, text: back, path, remove };
  } catch (e) {
    await remove();
    return { ok: false, error: `the editor could not be run: ${e instanceof Error ? e.message : String(e)}` };
  }
}
