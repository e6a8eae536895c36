import type { Style } from '@kubetile/rpc-schema';

const OK = new Set(['Running', 'Ready', 'Completed', 'Complete', 'SuccessCriteriaMet', 'Succeeded', 'Active', 'Bound', 'Available', 'True']);
const WARN = new Set([
  'Pending',
  'ContainerCreating',
  'PodInitializing',
  'Terminating',
  'SchedulingGated',
  'Suspended',
  'Released',
  'SchedulingDisabled',
  'Unknown',
]);
const ERROR = new Set([
  'CrashLoopBackOff',
  'Error',
  'Failed',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ContainerStatusUnknown',
  'OOMKilled',
  'Evicted',
  'DeadlineExceeded',
  'BackoffLimitExceeded',
  'NotReady',
  'Lost',
  'FailureTarget',
]);

function one(s: string): Style | undefined {
  if (OK.has(s)) return 'ok';
  if (ERROR.has(s) || s.startsWith('ExitCode:') || s.startsWith('Signal:')) return 'error';
  if (WARN.has(s)) return 'warn';
  return undefined;
}

/**
 * The style of a status-like cell: Running/Ready/Completed/Succeeded/Active/Bound → ok;
 * Pending/ContainerCreating/Terminating/`Init:N/M` → warn; CrashLoopBackOff/Error/Failed/ImagePullBackOff/
 * ErrImagePull/OOMKilled/NotReady/Lost/`ExitCode:N`/`Init:Error`… → error; anything else undefined.
 * Comma lists (`Ready,SchedulingDisabled`) take their worst part.
 */
export function statusStyle(text: string): Style | undefined {
  const t = text.trim();
  if (t.startsWith('Init:')) {
    const rest = t.slice(5);
    return one(rest) === 'error' || rest.startsWith('ExitCode:') || rest.startsWith('Signal:') ? 'error' : 'warn';
  }
  const parts = t.split(',').map((p) => one(p.trim()));
  if (parts.includes('error')) return 'error';
  if (parts.includes('warn')) return 'warn';
  if (parts.length > 0 && parts.every((p) => p === 'ok')) return 'ok';
  return undefined;
}

/** `0/1`, `2/3` → warn (not all ready); `3/3`, `0/0` → undefined. */
export function ratioStyle(text: string): Style | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) < Number(m[2]) ? 'warn' : undefined;
}
