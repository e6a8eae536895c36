import { scavengeAfterSlice } from '@kubetile/rpc-schema/idle-scavenge';
import { afterInput } from '../../runtime/input-turn.js';

export { afterInput };

/**
 * Schedules the next slice of a list's background work (warming, a sort's completion, a filter's
 * scan, a kept order), scavenging first when the slice left enough in the young generation (see
 * scavengeAfterSlice): a key then waits for a short scavenge at most, not a long one. A client's
 * message read meanwhile is handled before the slice (see afterInput).
 */
export function nextSlice(step: () => void): void {
  scavengeAfterSlice();
  afterInput(step);
}
