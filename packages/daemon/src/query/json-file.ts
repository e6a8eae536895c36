import { renameSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { readRegularFile, readRegularFileSync } from '../util/regular-file.js';
import { grouped } from '../util/grouped.js';

/** A history or saved-queries file is at most this big; a bigger one is not read (and kept aside). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a JSON file of ours (util/regular-file.ts): null when it does not exist or is not a regular
 * file (reported); one that is too big, unreadable or not JSON is moved aside (`…corrupt-<time>`) and
 * reported, never fatal.
 */
export async function readJsonFile(path: string, warn: (msg: string) => void): Promise<unknown> {
  const r = await readRegularFile(path, MAX_FILE_BYTES);
  if (r.kind === 'missing') return null;
  if (r.kind === 'refused') {
    if (r.tooBig !== undefined) await setAside(path, `it is ${r.tooBig} bytes (more than ${MAX_FILE_BYTES})`, warn);
    else if (r.message.startsWith('not a regular file')) warn(`${path} is ${r.message}; ignoring it`);
    // Unreadable: moved aside, so the next write does not replace what could not be read.
    else await setAside(path, `it could not be read (${r.message})`, warn);
    return null;
  }
  try {
    return JSON.parse(r.bytes.toString('utf8')) as unknown;
  } catch {
    await setAside(path, 'it is not JSON', warn);
    return null;
  }
}

/**
 * A small state file of the daemon's read at start (`command-history.json`, `namespace-favorites.json`):
 * its JSON made into `T` by `shape` (a string says why it is not one), or `empty` when it is missing;
 * one that is too big, unreadable, not JSON or not of that shape is moved aside with a warning naming
 * `what` starts empty, never fatal.
 */
export function readStateFileSync<T>(path: string, maxBytes: number, what: string, empty: T, shape: (raw: unknown) => T | string, warn: (msg: string) => void): T {
  const aside = (why: string): T => {
    const to = `${path}.corrupt-${Date.now()}`;
    try {
      renameSync(path, to);
      warn(`${path} was moved to ${to} (${why}); ${what} starts empty`);
    } catch (err) {
      warn(`${path} is unusable (${why}) and could not be moved aside: ${String(err)}`);
    }
    return empty;
  };
  const r = readRegularFileSync(path, maxBytes);
  if (r.kind === 'missing') return empty;
  if (r.kind === 'refused') {
    if (r.tooBig !== undefined) return aside(`it is ${r.tooBig} bytes (more than ${maxBytes})`);
    if (!r.message.startsWith('not a regular file')) return aside(`it could not be read: ${r.message}`);
    warn(`${path} is ${r.message}; ${what} starts empty`);
    return empty;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(r.bytes.toString('utf8')) as unknown;
  } catch {
    return aside('it is not JSON');
  }
  const v = shape(raw);
  return typeof v === 'string' ? aside(v) : v;
}

/** The most entries read from a history or saved-queries file. */
const MAX_ENTRIES = 10_000;

/**
 * The entries of a history or saved-queries file (`raw`, its JSON) that are of `entry`'s shape. When
 * any is not (an entry edited by hand, a name too long, a file that is no list at all), the file is
 * moved aside (`…corrupt-<time>`, reported) and what could be read written in its place: the next
 * write keeps only what was read, and would otherwise replace every entry of it for the one bad one.
 */
export async function salvage<T>(path: string, raw: unknown, entry: z.ZodType<T>, what: string, warn: (msg: string) => void): Promise<T[]> {
  const items = Array.isArray(raw) ? raw.slice(0, MAX_ENTRIES) : [];
  const kept: T[] = [];
  let bad = Array.isArray(raw) ? Math.max(0, raw.length - MAX_ENTRIES) : 1;
  for (const item of items) {
    const r = entry.safeParse(item);
    if (r.success) kept.push(r.data);
    else bad++;
  }
  if (bad > 0) {
    const why = Array.isArray(raw) ? `${grouped(bad)} of its entries ${bad === 1 ? 'is' : 'are'} not ${what} entries; the other ${grouped(kept.length)} are kept` : `it does not hold ${what} (not a list)`;
    if (await setAside(path, why, warn)) await writeJsonFile(path, kept).catch((err: unknown) => warn(`${path}: the ${kept.length} readable entries could not be written back: ${String(err)}`));
  }
  return kept;
}

/** Moves `path` aside (`…corrupt-<time>`), saying why; false when it could not be moved. */
export async function setAside(path: string, why: string, warn: (msg: string) => void): Promise<boolean> {
  const aside = `${path}.corrupt-${Date.now()}`;
  try {
    await rename(path, aside);
  } catch (err) {
    warn(`${path} is unusable (${why}) and could not be moved aside: ${String(err)}`);
    return false;
  }
  warn(`${path} was moved to ${aside}: ${why}`);
  return true;
}

/** Writes atomically (a temp file renamed over the old one), mode 0600, creating the directory (0700). */
export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(`${JSON.stringify(value, null, 1)}\n`, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Runs writes to one file one after another (two panes saving at once never interleave). */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }
}
