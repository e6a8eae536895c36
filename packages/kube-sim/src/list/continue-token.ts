/** Opaque continue tokens: the snapshot RV, the last key served and when the token was issued. */
import { badRequest } from '../api/status.js';

export interface ContinueToken {
  /** Snapshot resourceVersion; -1 means "continue from the current state" (inconsistent). */
  rv: number;
  /** The last key already returned; the next page starts after it. */
  start: string;
  /** Issue time in ms, for expiry. */
  issued: number;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: `${t.start}\u0000`, t: t.issued }), 'utf8').toString('base64url');
}

export function decodeContinue(raw: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof parsed !== 'object' || parsed === null) throw badRequest('continue key is not valid: not an object');
  const p = parsed as Record<string, unknown>;
  if (p['v'] !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: server does not recognize this encoded version');
  const rv = p['rv'];
  const start = p['start'];
  const issued = p['t'];
  if (typeof rv !== 'number' || !Number.isInteger(rv) || typeof start !== 'string' || !start.endsWith('\u0000')) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return { rv, start: start.slice(0, -1), issued: typeof issued === 'number' ? issued : 0 };
}
