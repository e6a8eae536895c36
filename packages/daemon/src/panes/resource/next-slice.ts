import { scavengeAfterSlice } from '@kubetile/rpc-schema/idle-scavenge';

/**
 * Schedules the next slice of a list's background work (warming, a sort's completion, a filter's
 * scan, a kept order), scavenging first when the slice left enough in the young generation (see
 * scavengeAfterSlice): a key then waits for a short scavenge at most, not a long one.
 */
export function nextSlice(step: () => void): void {
  scavengeAfterSlice();
  setImmediate(step);
}
