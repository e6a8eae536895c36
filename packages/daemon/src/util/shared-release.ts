/**
 * One holder's `release` of a shared, counted slot (a watch, a usage poller): takes the holder's
 * count once however often it is called, and runs `onLast` when the last holder lets go.
 */
export function sharedRelease(slot: { refs: number }, onLast: () => void): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--slot.refs === 0) onLast();
  };
}
