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
      const how = end.error ?? (end.signal ? `was ended by ${end.signal}` : `exited with status ${end.code}${end.code === 127 ? ' (not found?)' : ''}`);
      // Saved, then the editor failed (vim's exit status after an error message, a kill): as git
      // and kubectl, nothing is applied, but what was typed is not thrown away.
      if (end.error === undefined && (await changed(path, text))) return { ok: false, error: `the editor (${editor}) ${how}; nothing was applied, and the text you saved is kept in ${path}` };
      await remove();
      return { ok: false, error: `the editor (${editor}) ${how}` };
    }
    const size = (await stat(path)).size;
    // UTF-8 takes at least one byte per UTF-16 unit: a file this big cannot fit.
    if (size > maxChars * 3) return { ok: false, error: `the file grew to ${size} bytes, more than an edit carries; it is kept in ${path}` };
    const bytes = await readFile(path);
    let back: string;
    try {
      back = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Read leniently, each bad byte would become U+FFFD and be written to the object.
      return { ok: false, error: `the file is not UTF-8 (${badUtf8(bytes)}); nothing was applied, and it is kept in ${path}` };
    }
    if (back.length > maxChars) return { ok: false, error: `the file has ${back.length} characters, more than an edit carries (${maxChars}); it is kept in ${path}` };
    return { ok: true, text: back, path, remove };
  } catch (e) {
    await remove();
    return { ok: false, error: `the editor could not be run: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Whether the file at `path` no longer holds `text` (or cannot be read: then it is kept too). */
async function changed(path: string, text: string): Promise<boolean> {
  try {
    return !(await readFile(path)).equals(Buffer.from(text, 'utf8'));
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Where the first byte that is not UTF-8 is: `line L, byte B of the file`. */
function badUtf8(bytes: Buffer): string {
  // The longest prefix that reads as UTF-8 so far (a character cut at its end is not yet wrong), by bisection.
  const fine = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fine(mid)) lo = mid;
    else hi = mid - 1;
  }
  // The character that went wrong starts where the last whole one ends (at most 3 bytes back).
  const whole = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n));
      return true;
    } catch {
      return false;
    }
  };
  while (lo > 0 && !whole(lo)) lo--;
  const line = bytes.subarray(0, lo).filter((b) => b === 0x0a).length + 1;
  return `line ${line}, byte ${lo + 1} of the file`;
}
