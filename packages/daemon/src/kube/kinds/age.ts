import { timeMs } from './json.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

/**
 * A duration the way kubectl prints ages (`k8s.io/apimachinery/pkg/util/duration.HumanDuration`):
 * `45s`, `119s`, `2m30s`, `9m`, `179m`, `3h5m`, `10h`, `47h`, `5d3h`, `45d`, `2y45d`, `9y`.
 * Slightly negative durations (clock skew under 2 s) read `0s`; more negative ones `<invalid>`.
 */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  const seconds = Math.trunc(ms / SEC);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MIN);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** kubectl's `translateTimestampSince`: the age of an RFC 3339 timestamp at `now`, `<unknown>` when absent. */
export function ageSince(timestamp: unknown, now: number): string {
  const t = timeMs(timestamp);
  return t === undefined ? '<unknown>' : formatAge(now - t);
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: SEC,
  m: MIN,
  h: HOUR,
  d: 24 * HOUR,
  w: 7 * 24 * HOUR,
  mo: 30 * 24 * HOUR,
  y: 365 * 24 * HOUR,
};

/**
 * Parses an age/duration cell (`5m`, `2m30s`, `5d3h`, `2y45d`) back into milliseconds;
 * `undefined` when the text is not a duration (`<none>`, `<unknown>`, `<invalid>`, '').
 */
export function parseAge(text: string): number | undefined {
  const t = text.trim();
  if (!/^(?:\d+(?:\.\d+)?(?:ms|mo|[smhdwy]))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|mo|[smhdwy])/g)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
  }
  return total;
}
