import { describe, expect, it } from 'vitest';
import { ANN, debugState, planDebug } from '../src/kube/debug-mode.js';
import type { KubeObject } from '../src/kube/types.js';

type Rec = Record<string, unknown>;

const deploy = (container: Rec, annotations: Record<string, string> = {}, more: Rec[] = []): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '1', annotations },
    spec: { template: { metadata: {}, spec: { containers: [container, ...more] } } },
  }) as unknown as KubeObject;

/** The object after a merge patch of the plan (annotations with null removed; containers replaced). */
function apply(o: KubeObject, patch: Rec): KubeObject {
  const ann: Record<string, string> = { ...(o.metadata.annotations ?? {}) };
  for (const [k, v] of Object.entries(((patch.metadata as Rec).annotations as Record<string, string | null>) ?? {})) {
    if (v === null) delete ann[k];
    else ann[k] = v;
  }
  const containers = (((patch.spec as Rec).template as Rec).spec as Rec).containers;
  return { ...o, metadata: { ...o.metadata, annotations: ann }, spec: { template: { metadata: {}, spec: { containers } } } } as unknown as KubeObject;
}
const first = (o: KubeObject): Rec => ((((o.spec as Rec).template as Rec).spec as Rec).containers as Rec[])[0]!;

describe('planDebug', () => {
  it('a container without command or args gets none back (not [])', () => {
    const o = deploy({ name: 'app', image: 'x' });
    const on = apply(o, planDebug(o, 'debug').patch);
    expect(debugState(on)).toBe('debug');
    expect(first(on).command).toEqual(['sleep', 'infinity']);
    const off = apply(on, planDebug(on, 'debug').patch);
    expect(first(off)).toEqual({ name: 'app', image: 'x' });
    expect(debugState(off)).toBe('off');
  });

  it('debug → root → off keeps the saved command and restores the security context', () => {
    const o = deploy({ name: 'app', image: 'x', command: ['run'], securityContext: { runAsNonRoot: true, runAsUser: 1000 } });
    const dbg = apply(o, planDebug(o, 'debug').patch);
    const rootPlan = planDebug(dbg, 'root');
    expect(rootPlan).toMatchObject({ from: 'debug', to: 'root' });
    const root = apply(dbg, rootPlan.patch);
    expect(first(root).securityContext).toEqual({ runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 });
    expect(JSON.parse(root.metadata.annotations![ANN.originalCommand]!)).toEqual(['run']);
    const off = apply(root, planDebug(root, 'root').patch);
    expect(first(off)).toEqual({ name: 'app', image: 'x', command: ['run'], securityContext: { runAsNonRoot: true, runAsUser: 1000 } });
  });

  it('the container named in the annotation is restored even after containers were reordered', () => {
    const o = deploy({ name: 'app', image: 'x', command: ['run'] }, {}, [{ name: 'side', image: 'y' }]);
    const on = apply(o, planDebug(o, 'debug').patch);
    const containers = (((on.spec as Rec).template as Rec).spec as Rec).containers as Rec[];
    const swapped = { ...on, spec: { template: { metadata: {}, spec: { containers: [containers[1], containers[0]] } } } } as unknown as KubeObject;
    const plan = planDebug(swapped, 'debug');
    expect(plan.container).toBe('app');
    const off = apply(swapped, plan.patch);
    const after = (((off.spec as Rec).template as Rec).spec as Rec).containers as Rec[];
    expect(after).toEqual([{ name: 'side', image: 'y' }, { name: 'app', image: 'x', command: ['run'] }]);
  });

  it('a hand-edited annotation that is not a list of strings is refused, naming it, with nothing changed', () => {
    const o = deploy({ name: 'app', image: 'x', command: ['sleep', 'infinity'] }, { [ANN.originalCommand]: '{"rm":"-rf"}', [ANN.container]: 'app' });
    expect(() => planDebug(o, 'debug')).toThrow(/annotation debug\.kubetile\.io\/original-command .* is not a JSON list of strings; nothing was changed/);
    const gone = deploy({ name: 'other', image: 'x' }, { [ANN.originalCommand]: '["run"]', [ANN.container]: 'app' });
    expect(() => planDebug(gone, 'debug')).toThrow(/container 'app' .* is no longer in the pod template/);
  });
});
