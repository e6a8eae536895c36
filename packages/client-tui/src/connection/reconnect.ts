/** Retries `attempt` every `intervalMs` until it succeeds (its value) or `signal` aborts (null). */
export async function retryUntil<T>(
  attempt: (n: number) => Promise<T>,
  opts: { intervalMs?: number; signal?: AbortSignal; onFailure?: (error: unknown, n: number) => void } = {},
): Promise<T | null> {
  const interval = opts.intervalMs ?? 500;
  for (let n = 1; ; n++) {
    if (opts.signal?.aborted) return null;
    const started = Date.now();
    try {
      return await attempt(n);
    } catch (e) {
      if (opts.signal?.aborted) return null;
      opts.onFailure?.(e, n);
    }
    const wait = Math.max(0, interval - (Date.now() - started));
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, wait);
      function done(): void {
        clearTimeout(t);
        opts.signal?.removeEventListener('abort', done);
        resolve();
      }
      opts.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
