/**
 * The streams running into each pod (exec sessions, port-forward connections), by pod UID, so
 * that deleting the pod ends them as a kubelet's killing its containers does. Keyed by UID: a
 * neighbour with a similar name, the same name in another namespace, or a new pod that took a
 * deleted one's name never shares a key.
 */
export class PodSessions {
  private readonly byPod = new Map<string, Set<() => void>>();

  /** Registers `end` (called at most once, when the pod goes); returns the unregister function. */
  add(uid: string, end: () => void): () => void {
    let set = this.byPod.get(uid);
    if (!set) {
      set = new Set();
      this.byPod.set(uid, set);
    }
    const s = set;
    let entry: (() => void) | null = () => {
      entry = null;
      end();
    };
    const fn = (): void => entry?.();
    s.add(fn);
    return () => {
      entry = null;
      s.delete(fn);
      if (s.size === 0 && this.byPod.get(uid) === s) this.byPod.delete(uid);
    };
  }

  /** Ends every stream into the pod with this UID; returns how many were ended. */
  endPod(uid: string): number {
    const set = this.byPod.get(uid);
    if (!set) return 0;
    this.byPod.delete(uid);
    for (const fn of set) fn();
    return set.size;
  }

  /** Streams open into the pod (for tests and metrics). */
  count(uid: string): number {
    return this.byPod.get(uid)?.size ?? 0;
  }

  endAll(): void {
    for (const uid of [...this.byPod.keys()]) this.endPod(uid);
  }
}
