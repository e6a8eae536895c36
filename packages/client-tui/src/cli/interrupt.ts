const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `fn` on Ctrl-C, SIGTERM or SIGHUP instead of dying at once (so a command can cancel its
 * request or detach first). Returns the function that removes the handlers again.
 */
export function onInterrupt(fn: (signal: NodeJS.Signals) => void): () => void {
  const handler = (sig: NodeJS.Signals): void => fn(sig);
  for (const s of SIGNALS) process.on(s, handler);
  return () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
}
