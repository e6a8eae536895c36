import { formatAge } from '../kube/kinds/age.js';
import type { CellValue, ColumnType } from './render-v2.js';

const UNITS = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Bytes as Kubernetes quantities: `512`, `1.5Ki`, `20Mi`, `3.2Gi`. */
export function formatBytes(n: number): string {
  if (n < 1024) return String(Math.round(n));
  let v = n;
  let u = -1;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10}${UNITS[u]}`;
}

/** A number as text: integers as they are, others to 6 significant digits. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** What a typed cell shows when the plugin gives no `text`: blank for null. */
export function formatCell(value: CellValue, type: ColumnType): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  switch (type) {
    case 'duration':
      // kubectl's ages: 45s, 2m30s, 5h, 3d4h.
      return formatAge(value * 1000);
    case 'bytes':
      return formatBytes(value);
    case 'timestamp': {
      const d = new Date(value * 1000);
      return Number.isNaN(d.getTime()) ? String(value) : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    default:
      return formatNumber(value);
  }
}
