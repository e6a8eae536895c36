/** kubectl's duration formatting (k8s.io/apimachinery/pkg/util/duration.HumanDuration). */

export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** An RFC3339 timestamp in ms since the epoch; NaN when missing or not one. */
export function timestampMs(ts: unknown): number {
  return typeof ts !== 'string' || ts === '' ? NaN : Date.parse(ts);
}

/** "5m" since a time in ms (`timestampMs`); "<unknown>" when it is NaN. */
export function sinceMs(t: number, now: number): string {
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** "5m" since an RFC3339 timestamp; "<unknown>" when missing. */
export function since(ts: unknown, now: number): string {
  return sinceMs(timestampMs(ts), now);
}
