/**
 * The demo engines' data directories in the temp dir: `kube-sim-pg-<pid>-XXXXXX`, named after the
 * process that made them. The owner removes its own on stop; a crash cannot, so the next start
 * removes those of owners that are gone (ours only: our user's directories, never one whose
 * process still runs), and the half-made templates (`….tmp-<pid>-XXXXXX`) an engine left when it died.
 */
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function dataDirPrefix(pid: number): string {
  return `kube-sim-pg-${pid}-`;
}

/** A template being made, aside until it is renamed into place (see engine-main.ts). */
export function templateAsidePrefix(template: string, pid: number): string {
  return `${template}.tmp-${pid}-`;
}

const DATA_DIR = /^kube-sim-pg-(\d+)-[A-Za-z0-9]{6}$/;
const TEMPLATE_ASIDE = /^kube-sim-pg-template-[0-9a-f]{16}\.tmp-(\d+)-[A-Za-z0-9]{6}$/;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const swept = new Set<string>();

/** Removes (once per process and directory) the data dirs whose owner is gone; returns their names. */
export function sweepStaleDataDirs(dir = tmpdir()): string[] {
  if (swept.has(dir)) return [];
  swept.add(dir);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = DATA_DIR.exec(name) ?? TEMPLATE_ASIDE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || running(pid)) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
      removed.push(name);
    } catch {
      // another process removed it meanwhile, or it is not ours to remove
    }
  }
  return removed;
}
