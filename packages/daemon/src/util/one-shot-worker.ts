import { Worker, type ResourceLimits } from 'node:worker_threads';

/** How a worker run ended without its answer. */
export type WorkerFailure = { kind: 'deadline' } | { kind: 'out-of-memory' } | { kind: 'error'; message: string } | { kind: 'exit'; code: number };

/**
 * Runs the worker module at `url` with `workerData` until its first message (the answer), then ends
 * it. Whatever keeps the answer from coming — the deadline, a heap past `resourceLimits`, an error,
 * an exit — is `failed(why)`: a run never rejects and never outlives its deadline.
 */
export function oneShotWorker<T>(url: URL, workerData: unknown, o: { deadlineMs: number; resourceLimits?: ResourceLimits; failed: (why: WorkerFailure) => T }): Promise<T> {
  return new Promise((resolve) => {
    const worker = new Worker(url, { workerData, ...(o.resourceLimits ? { resourceLimits: o.resourceLimits } : {}) });
    let settled = false;
    const settle = (r: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => settle(o.failed({ kind: 'deadline' })), o.deadlineMs);
    worker.once('message', (m: T) => settle(m));
    worker.once('error', (err: Error & { code?: string }) => settle(o.failed(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { kind: 'out-of-memory' } : { kind: 'error', message: err.message })));
    worker.once('exit', (code) => settle(o.failed({ kind: 'exit', code })));
  });
}

/** A queue: each call's work starts after the previous call's has ended (whatever its outcome). */
export function oneAtATime(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const mine = last.then(work);
    last = mine.catch(() => undefined);
    return mine;
  };
}
