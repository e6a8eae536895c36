/** What a log stream is doing, for the pane's status line. */
export type SourceState =
  | { phase: 'connecting' }
  | { phase: 'following' }
  /** A non-follow read (the previous container's log) in progress. */
  | { phase: 'reading' }
  | { phase: 'reconnecting'; attempt: number; reason: string }
  | { phase: 'waiting'; attempt: number; reason: string }
  /** The container terminated and its pod will run it again: followed into the next run. */
  | { phase: 'restarting'; reason: string }
  | { phase: 'ended'; reason: string }
  | { phase: 'error'; message: string };

/** `following`, `reconnecting (2): connection refused`, `ended: container terminated (exit code 0)`. */
export function describeState(s: SourceState): string {
  switch (s.phase) {
    case 'connecting':
      return 'connecting';
    case 'following':
      return 'following';
    case 'reading':
      return 'reading';
    case 'reconnecting':
      return `reconnecting (${s.attempt}): ${s.reason}`;
    case 'waiting':
      return `waiting (${s.attempt}): ${s.reason}`;
    case 'restarting':
      return `${s.reason}; waiting for it to restart`;
    case 'ended':
      return `ended: ${s.reason}`;
    case 'error':
      return `error: ${s.message}`;
  }
}

/** Over for good: nothing more will come. */
export const isFinal = (s: SourceState): boolean => s.phase === 'ended' || s.phase === 'error';
