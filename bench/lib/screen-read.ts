import type { Screen } from './pty-client.js';

/** The count on the focused pane's bottom border (`… 100000 ━┛`, or `12/100000` when filtered). */
export function badge(s: Screen): { shown: number; total: number } | null {
  for (let i = s.lines.length - 1; i >= 0; i--) {
    const m = /\s(\d+)(?:\/(\d+))?\s━*┛/.exec(s.lines[i]!);
    if (m) return m[2] ? { shown: Number(m[1]), total: Number(m[2]) } : { shown: Number(m[1]), total: Number(m[1]) };
  }
  return null;
}

/** The index in `<prefix>-NNNNNN` of the selected (highlighted) row, or -1. */
export function selectedIndex(s: Screen, prefix = 'pod'): number {
  const re = new RegExp(`${prefix}-(\\d{6})`);
  for (const row of s.highlighted) {
    const m = re.exec(row);
    if (m) return Number(m[1]);
  }
  return -1;
}

export const podName = (i: number, prefix = 'pod'): string => `${prefix}-${String(i).padStart(6, '0')}`;

/** The pane's footer line (`┃/987 | loading … ┃`): the text between the borders of the last body row. */
export function footer(s: Screen): string {
  for (let i = s.lines.length - 1; i >= 0; i--) {
    if (s.lines[i]!.includes('┛')) return (s.lines[i - 1] ?? '').replace(/^┃/, '').replace(/┃\s*$/, '').trim();
  }
  return '';
}

/** The column the list is sorted by, from the header's ▲/▼, or null. */
export function sortedBy(s: Screen): string | null {
  for (const l of s.lines.slice(0, 4)) {
    const m = /([A-Z][A-Z-]*) [▲▼]/.exec(l);
    if (m) return m[1]!;
  }
  return null;
}
