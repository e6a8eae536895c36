/**
 * The streams running into each pod (exec sessions, port-forward connections), by pod UID, so
 * that deleting the pod — or stopping the container an exec runs in — ends them as a kubelet's
 * killing the containers does. Keyed by UID: a neighbour with a similar name, the same name in
 * another namespace, or a new pod that took a deleted one's name never shares a key.
 */
export class PodSessions {
  private readonly byPod = new Map<string, Map<() => void, string | undefined>>();

  /**
   * Registers `end` (called at most once, when the pod goes, or when `container` stops); returns the
   * unregister function. Without `container` only the pod's deletion ends it (a port-forward).
   */
  add(uid: string, end: () => void, container?: string): () => void {
    let set = this.byPod.get(uid);
    if (!set) {
      set = new Map();
      this.byPod.set(uid, set);
    }
    const s = set;
    let entry: (() => void) | null = () => {
      entry = null;
      end();
    };
    const fn = (): void => entry?.();
    s.set(fn, container);
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
    for (const fn of set.keys()) fn();
    return set.size;
  }

  /** Ends the streams into `container` of the pod with this UID (it stopped or restarted); returns how many. */
  endContainer(uid: string, container: string): number {
    const set = this.byPod.get(uid);
    if (!set) return 0;
    const ending = [...set].filter(([, c]) => c === container).map(([fn]) => fn);
    for (const fn of ending) {
      set.delete(fn);
      fn();
    }
    if (set.size === 0 && this.byPod.get(uid) === set) this.byPod.delete(uid);
    return ending.length;
  }

  /** Streams open into the pod (for tests and metrics). */
  count(uid: string): number {
    return this.byPod.get(uid)?.size ?? 0;
  }

  endAll(): void {
    for (const uid of [...this.byPod.keys()]) this.endPod(uid);
  }
}
