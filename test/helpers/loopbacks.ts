import { createServer } from 'node:net';

/**
 * Whether this machine can listen on ::1 (a container or a kernel without IPv6 cannot): the
 * daemon's port-forwards then listen on 127.0.0.1 alone, and tests skip what they assert of ::1.
 */
export const hasIPv6Loopback: Promise<boolean> = new Promise((resolve) => {
  const s = createServer();
  s.once('error', () => resolve(false));
  s.listen(0, '::1', () => s.close(() => resolve(true)));
});

/** The loopbacks a forward listens on here: `['127.0.0.1', '::1']`, or 127.0.0.1 alone without IPv6. */
export async function forwardLoopbacks(): Promise<string[]> {
  return (await hasIPv6Loopback) ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
}

/** How the daemon says where a forward on `port` listens here: `127.0.0.1:8080, [::1]:8080`. */
export async function forwardedOn(port: number | string): Promise<string> {
  return (await forwardLoopbacks()).map((a) => (a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`)).join(', ');
}

/** The same, as a regular expression source matching any port (`\d+`) or the one given. */
export async function forwardedOnRe(port?: number): Promise<string> {
  const p = port === undefined ? '\\d+' : String(port);
  return (await forwardLoopbacks()).map((a) => (a.includes(':') ? `\\[${a}\\]:${p}` : `${a.replace(/\./g, '\\.')}:${p}`)).join(', ');
}
