import { clipToCells, stringWidth } from '@kubetile/rpc-schema';
import type { ValueKind } from '../../query/pg-types.js';
import type { Cell } from '../../query/result-set.js';

const formatSize = (n: number): string => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1024 * 1024)).toFixed(1)} MiB`);

/** One line of a value for a table cell: control characters made visible (↵ for a newline, → for a tab, · for the rest). */
export function oneLine(v: string): string {
  return v.replace(/\r?\n/g, '↵').replace(/\t/g, '→').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '·');
}

/** Cuts to `width` terminal cells with an ellipsis (a wide character that would cross the edge is left out). */
export function cut(v: string, width: number): string {
  if (stringWidth(v) <= width) return v;
  if (width <= 1) return '…'.slice(0, width);
  return `${clipToCells(v, width - 1)}…`;
}

/**
 * A value as a table cell shows it: NULL as `NULL` (styled apart from the text 'NULL'), bytea as
 * its hex with the size when long, JSON compact on one line, control characters visible; the
 * caller cuts it to the column.
 */
export function cellText(v: Cell, kind: ValueKind): string {
  if (v === null) return 'NULL';
  if (kind === 'bytes' && v.startsWith('\\x')) {
    const bytes = (v.length - 2) / 2;
    // 12 bytes of hex and the size fit the default 40-column cap, so the size is never cut off.
    return bytes > 16 ? `${v.slice(0, 26)}… (${formatSize(bytes)})` : v;
  }
  if (kind === 'json' && v.length < 100_000) {
    try {
      return JSON.stringify(JSON.parse(v));
    } catch {
      return oneLine(v);
    }
  }
  return oneLine(v.length > 4096 ? `${v.slice(0, 4096)}` : v);
}

/** A value in the record view: JSON pretty-printed, bytea in lines of 32 bytes, text as it is (lines kept). */
export function fullText(v: Cell, kind: ValueKind): string[] {
  if (v === null) return ['NULL'];
  if (kind === 'json' && v.length < 1_000_000) {
    try {
      return JSON.stringify(JSON.parse(v), null, 2).split('\n');
    } catch {
      // not JSON after all: as text
    }
  }
  if (kind === 'bytes' && v.startsWith('\\x')) {
    const hex = v.slice(2);
    const out = [`(${formatSize(hex.length / 2)})`];
    for (let i = 0; i < hex.length && out.length < 2000; i += 64) out.push(hex.slice(i, i + 64));
    return out;
  }
  return v.split(/\r?\n/).slice(0, 5000).map((l) => l.replace(/\t/g, '  ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '·'));
}
