import pino, { type Logger } from 'pino';
import { LogRing } from './log-ring.js';
import { RotatingFile, rotationFromEnv, type RotationOptions } from './rotating-file.js';

export type { Logger };

export interface LoggerSetup {
  logger: Logger;
  ring: LogRing;
  flush(): void;
}

/**
 * JSON log lines to a file rotated by size (pino), mirrored into a ring buffer for the app-logs
 * pane, optionally to stderr.
 */
export function createLogger(opts: { file?: string; level?: string; stderr?: boolean; ringSize?: number; rotation?: RotationOptions }): LoggerSetup {
  const ring = new LogRing(opts.ringSize ?? 5000);
  const streams: pino.StreamEntry[] = [{ stream: ring.stream(), level: 'debug' }];
  if (opts.file) streams.push({ stream: new RotatingFile(opts.file, opts.rotation ?? rotationFromEnv()), level: 'debug' });
  if (opts.stderr) streams.push({ stream: process.stderr, level: 'debug' });
  const logger = pino({ level: opts.level ?? 'info', base: { pid: process.pid } }, pino.multistream(streams));
  return {
    logger,
    ring,
    // Lines reach the file synchronously: nothing is left to flush.
    flush() {},
  };
}
