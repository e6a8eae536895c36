import { CredentialError } from './api-error.js';
import { oneLine } from '../util/safe-text.js';

/**
 * How long a credential plugin that asks for a login may wait for it: kubelogin's own
 * `--authentication-timeout-sec` default (oidc-login in a browser, Azure's device code). A person
 * finding the browser tab, typing a password and a second factor takes longer than the 20 s a
 * plugin is otherwise given; stopped then, the login started again on every request and never
 * completed.
 */
export const LOGIN_TIMEOUT_MS = 180_000;
/** The environment variable that sets it (milliseconds: a slow second factor, or a test's short wait). */
export const LOGIN_TIMEOUT_ENV = 'KUBETILE_LOGIN_TIMEOUT_MS';
const LOGIN_TIMEOUT_RANGE = [1_000, 3_600_000] as const;

/**
 * The login wait in force: KUBETILE_LOGIN_TIMEOUT_MS, else LOGIN_TIMEOUT_MS (empty counts as unset).
 * Any other value throws naming the variable, the value and what is allowed (checked before the
 * daemon listens, so a typo stops the start instead of running on a wait nobody chose).
 */
export function loginTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[LOGIN_TIMEOUT_ENV];
  if (raw === undefined || raw === '') return LOGIN_TIMEOUT_MS;
  const n = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  const [min, max] = LOGIN_TIMEOUT_RANGE;
  if (n >= min && n <= max) return n;
  const shown = raw.length > 40 ? `${JSON.stringify(raw.slice(0, 40))}… (${raw.length} characters)` : JSON.stringify(raw);
  throw new Error(`${LOGIN_TIMEOUT_ENV}=${shown} in the daemon's environment is not a login wait: it must be a whole number of milliseconds from ${min} to ${max} (digits only), or unset for ${LOGIN_TIMEOUT_MS / 1000} s`);
}
/** The longest prompt passed on (a URL with its state and nonce is a few hundred characters). */
const MAX_PROMPT = 600;
const URL = /\bhttps?:\/\/[^\s"'<>]+/;
/** A URL in Go's error for a failed request (`Post "https://…": dial tcp …`): an error, not a page to open. */
const REQUEST_ERROR = /\b(?:Get|Post|Put|Patch|Delete|Head|GET|POST|PUT|PATCH|DELETE|HEAD) "https?:\/\//;

/**
 * The line of a plugin's stderr that asks the user to log in — the one naming a URL to open (oidc-login:
 * "Please visit the following URL in your browser: http://localhost:8000"; a device code: "To sign
 * in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code …") —
 * made safe to show (one line, no control characters), or null when it asks for nothing.
 */
export function loginPrompt(stderr: string): string | null {
  // Whole lines only: a URL cut by a pipe's chunk would be passed on cut.
  const lines = stderr.slice(0, stderr.lastIndexOf('\n') + 1).split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (URL.test(line) && !REQUEST_ERROR.test(line)) return oneLine(line, MAX_PROMPT);
  }
  return null;
}

/**
 * A login the plugin waited LOGIN_TIMEOUT_MS for and did not get. Not tried again by the retries of
 * watches, log streams and forwards (each try opens the browser login again: a pane left open overnight
 * opened a login tab every few minutes), only once someone uses kubetile again (resumeLogins).
 */
export class LoginNotDone extends CredentialError {}

/** What a login given up on tells the user to do. */
export const LOGIN_AGAIN = 'press any key in kubetile to log in again';
