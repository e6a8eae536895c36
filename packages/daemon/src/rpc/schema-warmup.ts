import { REQUESTS_BY_NAME } from '@kubetile/rpc-schema';

/**
 * The requests a terminal sends as it is used (a key, a resize), each with valid params. zod builds
 * a schema's checks on its first parse (normalising its definition and compiling a fast path with
 * `new Function`): ~1.5 ms on the first key a daemon ever handled, measured right after a 100k-pod
 * list loaded (the profile of the key → frame: validate → generateFastpass → compile).
 */
export const TERMINAL_REQUESTS: ReadonlyArray<readonly [method: string, params: unknown]> = [
  ['client/key', { key: 'j' }],
  ['client/resize', { cols: 80, rows: 24 }],
];

let warmed = false;

/** Parses each of TERMINAL_REQUESTS once (the first call only), so a user's first key does not pay for it. */
export function warmTerminalSchemas(): void {
  if (warmed) return;
  warmed = true;
  for (const [method, params] of TERMINAL_REQUESTS) REQUESTS_BY_NAME.get(method)?.params.safeParse(params);
}
