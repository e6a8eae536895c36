import { oneLine } from '../util/safe-text.js';

/**
 * How long a credential plugin that asks for a login may wait for it: kubelogin's own
 * `--authentication-timeout-sec` default (oidc-login in a browser, Azure's device code). A person
 * finding the browser tab, typing a password and a second factor takes longer than the 20 s a
 * plugin is otherwise given; stopped then, the login started again on every request and never
 * completed.
 */
export const LOGIN_TIMEOUT_MS = 180_000;
/** The longest prompt passed on (a URL with its state and nonce is a few hundred characters). */
const MAX_PROMPT = 600;
const URL = /\bhttps?:\/\/[^\s"'<>]+/;

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
    if (URL.test(line)) return oneLine(line, MAX_PROMPT);
  }
  return null;
}
