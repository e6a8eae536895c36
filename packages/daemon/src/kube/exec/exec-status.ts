import { z } from 'zod';
import { oneLine } from '../../util/safe-text.js';

/** How an exec ended: the program's exit code, or the reason it could not run or went on. */
export type ExecEnd =
  | { kind: 'exit'; code: number }
  | { kind: 'error'; message: string }
  | { kind: 'lost'; message: string };

/** The most of a Status message we read (the apiserver's are well under 1 KiB). */
export const MAX_STATUS_BYTES = 64 * 1024;

const StatusSchema = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  details: z
    .object({
      causes: z.array(z.object({ reason: z.string().optional(), message: z.string().optional() }).passthrough()).optional(),
    })
    .passthrough()
    .optional(),
});

/** Server text made safe to show (see oneLine), at most `max` characters. */
export const printable = (text: string, max = 500): string => oneLine(text, max);

/**
 * The Status the server sends on channel 3 when the command ends (v4/v5): `Success` is exit code 0;
 * `NonZeroExitCode` carries the code in details.causes (reason ExitCode); anything else (an
 * InternalError such as "executable file not found") is an error with the server's message.
 */
export function execEndFromStatus(payload: Buffer): ExecEnd {
  if (payload.length > MAX_STATUS_BYTES) return { kind: 'error', message: `the API server sent an exec status of ${payload.length} bytes (more than ${MAX_STATUS_BYTES})` };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    // v1–v3 servers write plain text on failure; we never negotiate those, but a proxy might.
    return { kind: 'error', message: printable(payload.toString('utf8')) || 'the API server sent an empty exec status' };
  }
  const s = StatusSchema.safeParse(json);
  if (!s.success) return { kind: 'error', message: 'the API server sent an exec status that is not a Status object' };
  const st = s.data;
  if (st.status === 'Success') return { kind: 'exit', code: 0 };
  if (st.reason === 'NonZeroExitCode') {
    const cause = st.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = cause?.message !== undefined && /^\d{1,3}$/.test(cause.message) ? Number(cause.message) : NaN;
    if (Number.isInteger(code) && code >= 0 && code <= 255) return { kind: 'exit', code };
    return { kind: 'error', message: printable(st.message ?? 'the command failed with an exit code the API server did not give') };
  }
  return { kind: 'error', message: printable(st.message ?? `exec failed (${st.reason ?? st.status ?? 'no reason given'})`) };
}
