import { readRegularFile } from './safe-read.js';
import type { User } from './kubeconfig.js';

/**
 * How long a token read from a file (token-file, an auth-provider's tokenFile) is used before the
 * file is read again, as client-go does: a token the kubelet, vault-agent or a login helper
 * rotates in place is taken up without the kubeconfig changing.
 */
export const TOKEN_FILE_REREAD_MS = 60_000;

/** Per user as loaded (a reload of the kubeconfig makes new users, read afresh): the token and when it was read. */
const read = new WeakMap<User, { token: string | undefined; at: number }>();

/**
 * The user's token from its file: the one read last, or the file read again when that was a minute
 * ago or the API server refused it. A file that cannot be read now (being replaced, gone for a
 * moment) or is empty keeps the token read before. Never blocks: readRegularFile refuses FIFOs.
 */
export function tokenFromFile(user: User, now = Date.now()): string | undefined {
  const last = read.get(user);
  if (!user.tokenFile || (last && now - last.at < TOKEN_FILE_REREAD_MS)) return last?.token ?? user.token;
  let token = last?.token ?? user.token;
  try {
    const t = readRegularFile(user.tokenFile).toString('utf8').trim();
    if (t) token = t;
  } catch {
    /* keep the token read before */
  }
  read.set(user, { token, at: now });
  return token;
}

/** The API server refused the user's token (401): the next request reads its file again. */
export function tokenFileRefused(user: User): void {
  const last = read.get(user);
  if (last) last.at = -Infinity;
}
