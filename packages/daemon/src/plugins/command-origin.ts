/**
 * Which attached client sent the pane command being handled, so that a plugin write asked for
 * while answering it is confirmed on that client. Set around the synchronous dispatch of a key or
 * of `pane/command` (JavaScript runs it to the end before anything else); null for scripts.
 */
let current: string | null = null;

export function withCommandOrigin<T>(clientId: string | null, fn: () => T): T {
  const prev = current;
  current = clientId;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** The client whose command is being dispatched now, or null. */
export function commandOrigin(): string | null {
  return current;
}
