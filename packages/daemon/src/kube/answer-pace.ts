import { KubeApiError } from './api-error.js';
import { formatBytes } from '../util/bytes.js';

/**
 * The least an answer's body must keep arriving at (curl's --speed-limit / --speed-time): a server
 * that sends its headers, then a byte every few seconds, never trips a silence limit and held a
 * request (a GET, a discovery document) for ever — the pane said loading for good.
 */
export interface MinPace {
  /** The window the bytes are counted over; checked once the body has been arriving this long. */
  windowMs: number;
  /** Fewer bytes than this in the last `windowMs`: the answer is given up. */
  minBytes: number;
}

/** 1 KiB in any 30 s: a body flowing at all (a big list over a slow link included) never comes near it. */
export const MIN_ANSWER_PACE: MinPace = { windowMs: 30_000, minBytes: 1024 };

/**
 * The error of an answer given up for its pace: `what` (`GET /api/v1/pods`) and what was sent (`the
 * answer`, `the list`), with how little came.
 */
export function tooSlowError(what: string, sent: string, pace: MinPace, recent: number, total: number): KubeApiError {
  const seconds = Math.max(1, Math.round(pace.windowMs / 1000));
  return new KubeApiError(`${what}: the API server sends ${sent} too slowly (${formatBytes(recent)} in the last ${seconds} s, ${formatBytes(total)} in all; at least ${formatBytes(pace.minBytes)} is wanted): given up`, 0, 'ETIMEDOUT');
}

/** How many samples a window is cut into (a check every windowMs / SAMPLES). */
const SAMPLES = 6;

export interface PaceWatch {
  /** `n` more bytes arrived. */
  add(n: number): void;
  stop(): void;
}

/**
 * Watches a body arriving: `tooSlow(recent, total)` is called (once) when fewer than `minBytes`
 * arrived in the last `windowMs`, first checked `windowMs` after the start. A timer that fires late
 * (a loaded machine) only makes the window longer, never cuts a flowing answer.
 */
export function watchPace(pace: MinPace, tooSlow: (recent: number, total: number) => void): PaceWatch {
  let total = 0;
  // The total at each of the last SAMPLES ticks, oldest first: [0] is the total one window ago.
  const at: number[] = [];
  const t = setInterval(() => {
    at.push(total);
    if (at.length <= SAMPLES) return;
    const recent = total - at.shift()!;
    if (recent < pace.minBytes) {
      clearInterval(t);
      tooSlow(recent, total);
    }
  }, Math.max(1, Math.floor(pace.windowMs / SAMPLES)));
  t.unref();
  at.push(0);
  return {
    add: (n) => void (total += n),
    stop: () => clearInterval(t),
  };
}
