import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { csvRow } from './csv.js';
import type { Cell } from './result-set.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** KubeTile's default export path: `~/kubetile_<pod>_<YYYYMMDD_HHMMSS>.csv`. */
export function defaultExportPath(pod: string, when = new Date()): string {
  const safe = pod.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'query';
  const ts = `${when.getFullYear()}${pad(when.getMonth() + 1)}${pad(when.getDate())}_${pad(when.getHours())}${pad(when.getMinutes())}${pad(when.getSeconds())}`;
  return `~/kubetile_${safe}_${ts}.csv`;
}

/** `~` and `~/…` are the home directory; a relative path is taken from the home directory. */
export function expandPath(p: string, home = homedir()): string {
  const t = p.trim();
  if (t === '~') return home;
  if (t.startsWith('~/')) return resolve(home, t.slice(2));
  return isAbsolute(t) ? resolve(t) : resolve(home, t);
}

/**
 * What is wrong with a path typed for an export, checked while the dialog is still open so it can
 * be corrected there: none given, a NUL, or a file (or directory) of that name already there.
 */
export function exportPathProblem(path: string): string | null {
  const bad = nameProblem(path);
  if (bad) return bad;
  const abs = expandPath(path);
  return existsSync(abs) ? `${abs} exists already; choose another name` : null;
}

const nameProblem = (path: string): string | null =>
  path.trim() === '' ? 'no file name given' : /[\u0000]/.test(path) ? 'a file name cannot hold NUL' : null;

/**
 * Writes header and rows as RFC 4180 CSV to a new file (never over an existing one: the user named
 * it, so an existing file is an error saying so), mode 0600; returns the absolute path.
 */
export async function exportCsv(path: string, header: readonly string[], rows: readonly (readonly Cell[])[]): Promise<string> {
  const bad = nameProblem(path);
  if (bad) throw new Error(bad);
  // An existing file is refused by `wx` below too: one may appear after the dialog checked.
  const abs = expandPath(path);
  await mkdir(dirname(abs), { recursive: true });
  let fh;
  try {
    fh = await open(abs, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${abs} exists already; choose another name`);
    throw err;
  }
  try {
    const CHUNK = 2000;
    await fh.write(`${csvRow(header)}\r\n`);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await fh.write(rows.slice(i, i + CHUNK).map((r) => `${csvRow(r)}\r\n`).join(''));
    }
  } finally {
    await fh.close();
  }
  return abs;
}
