/** Minimal cron schedule matching for CronJobs: five fields with "*", "*\/n", "a-b", lists, and @macros. */

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function fieldMatches(field: string, value: number, min: number): boolean {
  for (const part of field.split(',')) {
    const [rangePart, stepPart] = part.split('/');
    const step = stepPart ? Number(stepPart) : 1;
    let lo: number;
    let hi: number;
    if (rangePart === '*' || rangePart === undefined) {
      lo = min;
      hi = Number.MAX_SAFE_INTEGER;
    } else if (rangePart.includes('-')) {
      const [a, b] = rangePart.split('-');
      lo = Number(a);
      hi = Number(b);
    } else {
      lo = Number(rangePart);
      hi = stepPart ? Number.MAX_SAFE_INTEGER : lo;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(step) || step <= 0) continue;
    if (value >= lo && value <= hi && (value - lo) % step === 0) return true;
  }
  return false;
}

/** True when the schedule fires in the UTC minute that contains `ms`. */
export function cronMatches(schedule: string, ms: number): boolean {
  const expr = MACROS[schedule.trim()] ?? schedule.trim();
  const f = expr.split(/\s+/);
  if (f.length !== 5) return false;
  const d = new Date(ms);
  return fieldMatches(f[0] as string, d.getUTCMinutes(), 0)
    && fieldMatches(f[1] as string, d.getUTCHours(), 0)
    && fieldMatches(f[2] as string, d.getUTCDate(), 1)
    && fieldMatches(f[3] as string, d.getUTCMonth() + 1, 1)
    && fieldMatches(f[4] as string, d.getUTCDay(), 0);
}
