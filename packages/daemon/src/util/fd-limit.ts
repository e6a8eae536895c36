import { readFileSync } from 'node:fs';

/**
 * The process's soft limit on open files (Linux: /proc/self/limits), or null when it cannot be read
 * or is unlimited. Node does not raise it: under systemd it is 1024 unless the unit says more.
 */
export function openFilesLimit(limitsText?: string): number | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const m = /^Max open files\s+(\S+)/m.exec(text);
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
