import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve, dirname } from 'node:path';

/** Who a saved log belongs to, for the file name and its header. */
export interface LogFileMeta {
  context: string;
  namespace: string;
  /** `pod` for a pod, the kind in lower case for a workload (`deployment`). */
  what: string;
  name: string;
  container: string;
  filter: string;
}

/** A piece of a file name: letters, digits, `.`, `_` and `-` only, never starting with a dot. */
export function safePart(s: string): string {
  const t = s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 80);
  return t || '_';
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYYMMDD-HHMMSS` in local time, as KubeTile names its files. */
export function stamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** `<ctx>_<ns>_<pod>_<YYYYMMDD-HHMMSS>.log` (`…_full.log` for a download); a workload's name is `<kind>-<name>`. */
export function logFileName(m: LogFileMeta, when: Date, full: boolean): string {
  const who = m.what === 'pod' ? m.name : `${m.what}-${m.name}`;
  return `${safePart(m.context)}_${safePart(m.namespace)}_${safePart(who)}_${stamp(when)}${full ? '_full' : ''}.log`;
}

const oneLine = (s: string): string => s.replace(/[\x00-\x1f\x7f-\x9f]/g, ' ');

/** The `# context/# namespace/# pod/# exported_at/# filter` header KubeTile writes. */
export function logFileHeader(m: LogFileMeta, when: Date): string {
  return [
    `# context: ${oneLine(m.context)}`,
    `# namespace: ${oneLine(m.namespace)}`,
    `# ${m.what}: ${oneLine(m.name)}`,
    `# container: ${oneLine(m.container)}`,
    `# exported_at: ${when.toISOString()}`,
    `# filter: ${m.filter ? oneLine(m.filter) : '(none)'}`,
    '',
  ].join('\n');
}

/** `~/Downloads` → an absolute directory (relative paths are taken from the home directory). */
export function expandDir(dir: string, home = homedir()): string {
  if (dir === '~') return home;
  if (dir.startsWith('~/')) return join(home, dir.slice(2));
  return isAbsolute(dir) ? dir : resolve(home, dir);
}

/**
 * Creates the directory if needed and a new file in it (never overwriting: `-1`, `-2`… are added
 * when the name is taken), mode 0600. The name is checked to stay inside the directory.
 */
export async function createLogFile(dir: string, name: string): Promise<{ path: string; file: FileHandle }> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < 100; i++) {
    const candidate = i === 0 ? name : name.replace(/\.log$/, `-${i}.log`);
    const path = join(dir, candidate);
    if (dirname(path) !== resolve(dir)) throw new Error(`refusing to write ${JSON.stringify(candidate)} outside ${dir}`);
    try {
      return { path, file: await open(path, 'wx', 0o600) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`${join(dir, name)} and 99 numbered variants exist already`);
}

/**
 * Writes all of `text` and returns its size in bytes (one write may take only part of it: a file
 * reaching a size limit or a full disk writes what fits and fails on the next write, and that part
 * was silently lost).
 */
export async function writeAll(file: FileHandle, text: string): Promise<number> {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await file.write(buf, off, buf.length - off);
    if (bytesWritten <= 0) throw new Error(`writing ${buf.length - off} bytes wrote none`);
    off += bytesWritten;
  }
  return buf.length;
}
