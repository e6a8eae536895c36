import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { LogRing } from './log-ring.js';

export type { Logger };

export interface LoggerSetup {
  logger: Logger;
  ring: LogRing;
  flush(): void;
}

/** JSON log lines to a file (pino), mirrored into a ring buffer for the app-logs pane, optionally to stderr. */
export function createLogger(opts: { file?: string; level?: string; stderr?: boolean; ringSize?: number }): LoggerSetup {
  const ring = new LogRing(opts.ringSize ?? 5000);
  const streams: pino.StreamEntry[] = [{ stream: ring.stream(), level: 'debug' }];
  let fileDest: pino.DestinationStream | undefined;
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true, mode: 0o700 });
    fileDest = pino.destination({ dest: opts.file, sync: false, mkdir: true });
    streams.push({ stream: fileDest, level: 'debug' });
  }
  if (opts.stderr) streams.push({ stream: process.stderr, level: 'debug' });
  const logger = pino({ level: opts.level ?? 'info', base: { pid: process.pid } }, pino.multistream(streams));
  return {
    logger,
    ring,
    flush() {
      const d = fileDest as unknown as { flushSync?: () => void } | undefined;
      try {
        d?.flushSync?.();
      } catch {
        /* the file may already be closed */
      }
    },
  };
}
