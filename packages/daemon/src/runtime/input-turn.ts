/**
 * Lets background work done in slices (warming a big list, completing a sort or a filter, kept
 * orders) give way to a client's message that arrived while it was queued.
 *
 * vscode-jsonrpc handles a message on a setImmediate queued when its bytes are read; a slice queued
 * earlier (also a setImmediate) runs first. Measured right after a 100k-pod list loaded (the daemon
 * warming it): a key read from the socket waited for a whole warm slice (~4 ms) before its handler
 * ran. A slice that finds a message delivered since it was queued queues itself again, behind it.
 */
let delivered = 0;

/** A client's message was read and handed to the RPC layer (rpc/guarded-reader calls this). */
export function noteInput(): void {
  delivered++;
}

/**
 * Runs `step` on a later turn of the event loop (setImmediate), after any client message delivered
 * before it runs: when one was delivered since this call, `step` goes behind the handler's turn.
 */
export function afterInput(step: () => void): void {
  const mark = delivered;
  setImmediate(() => {
    if (delivered === mark) step();
    else setImmediate(step);
  });
}
