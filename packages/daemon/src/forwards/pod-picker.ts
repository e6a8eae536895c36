import type { KubeObject } from '../kube/types.js';
import type { Backing, ForwardState } from './forward-types.js';
import { matches } from '../kube/label-selector.js';
import { podReady, podUnusable, readyPods } from './pod-health.js';
import { portOn } from './resolve-target.js';

/** The namespace's pods as a watch knows them. */
export interface PodSource {
  /** False until the first list arrived (or when pods cannot be listed): then the last pod is kept. */
  known(): boolean;
  byUid(uid: string): KubeObject | undefined;
  all(): Iterable<KubeObject>;
}

export type Pick = { ok: true; pod: string; uid: string; port: number } | { ok: false; state: ForwardState; why: string };

/**
 * Chooses the pod each new connection goes to. A forward to a pod goes to that pod whenever it
 * runs (also again after a detour to a sibling); a forward to a Service or workload stays on its
 * pod while it is ready. When that pod is gone (a rollout, a crash, a delete) a ready pod the
 * backing selector picks takes over (newest first), else the old pod while it still runs; a pod
 * followed by name (a bare pod, a StatefulSet's pod) is looked up by name: re-created, it is used
 * again, and until then connections are closed with the reason. Works from the watch's store: no
 * request per connection.
 */
export class PodPicker {
  /** The pod connections went to last; null until one could take them (a forward restored while its pods were down). */
  private current: { name: string; uid: string; port: number } | null;

  constructor(
    private readonly backing: Backing,
    private readonly podPort: number | string,
    first: { pod: KubeObject; port: number } | null,
    /** The pod asked for by name, kept while it runs, ready or not (null for a Service or workload). */
    private readonly asked: string | null,
  ) {
    this.current = first ? { name: first.pod.metadata.name, uid: first.pod.metadata.uid, port: first.port } : null;
  }

  /** The pod connections went to last, else the one waited for by name (a StatefulSet's), else none. */
  get currentPod(): { name: string | null; port: number | null } {
    return this.current ?? { name: this.backing.kind === 'pod' ? this.backing.name : null, port: null };
  }

  /** Where a connection made now goes (and remembers it), or why there is nowhere. */
  pick(source: PodSource): Pick {
    const r = this.choose(source);
    if (r.ok) this.current = { name: r.pod, uid: r.uid, port: r.port };
    return r;
  }

  /** As `pick`, without changing the current pod (for the pane's state). */
  peek(source: PodSource): Pick {
    return this.choose(source);
  }

  private usable(pod: KubeObject): Pick {
    const why = podUnusable(pod);
    if (why) return { ok: false, state: this.backing.kind === 'pod' ? 'pod not running' : 'no ready pod', why };
    const port = portOn(pod, this.podPort);
    if (typeof port !== 'number') return { ok: false, state: 'no ready pod', why: port };
    return { ok: true, pod: pod.metadata.name, uid: pod.metadata.uid, port };
  }

  private choose(source: PodSource): Pick {
    const cur = this.current;
    const b = this.backing;
    if (!source.known()) {
      if (cur) return { ok: true, pod: cur.name, uid: cur.uid, port: cur.port };
      return { ok: false, state: b.kind === 'pod' ? 'pod gone' : 'no ready pod', why: 'waiting for the list of pods' };
    }
    if (b.kind === 'pod') {
      const r = this.byName(source, b.name);
      if (r.ok || !b.recreatedBy) return r;
      return { ...r, why: `${r.why}; waiting for ${b.recreatedBy} to run it again` };
    }
    if (this.asked !== null) {
      const r = this.byName(source, this.asked);
      if (r.ok) return r;
    }
    const same = cur ? source.byUid(cur.uid) : undefined;
    if (same && (this.asked !== null || podReady(same))) {
      const r = this.usable(same);
      if (r.ok) return r;
    }
    const selected: KubeObject[] = [];
    for (const p of source.all()) if (matches(b.selector, p.metadata.labels) && (b.node === undefined || nodeOf(p) === b.node)) selected.push(p);
    let lastWhy = '';
    for (const p of readyPods(selected)) {
      const r = this.usable(p);
      if (r.ok) return r;
      lastWhy = r.why;
    }
    // Nothing ready: the old pod while it still runs is better than nothing.
    if (same) {
      const r = this.usable(same);
      if (r.ok) return r;
    }
    return { ok: false, state: 'no ready pod', why: lastWhy || `no ready pod behind ${b.owner}` };
  }

  /** The pod named `name` if connections can go to it, else why not. */
  private byName(source: PodSource, name: string): Pick {
    for (const p of source.all()) if (p.metadata.name === name) return this.usable(p);
    return { ok: false, state: 'pod gone', why: `pod ${name} is gone` };
  }
}

const nodeOf = (p: KubeObject): string | undefined => {
  const n = (p.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof n === 'string' ? n : undefined;
};
