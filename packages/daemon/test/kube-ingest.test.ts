import { describe, expect, it } from 'vitest';
import { ingest, internedCount } from '../src/kube/ingest.js';
import type { KubeObject } from '../src/kube/types.js';

/** A pod as the API server sends it (a fresh parse each time, like a watch event). */
const pod = (i: number): KubeObject =>
  JSON.parse(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `web-${i}`,
        namespace: 'shop',
        uid: `uid-${i}`,
        resourceVersion: String(1000 + i),
        labels: { app: 'web', tier: 'front' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Pod"}' },
        managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
      },
      spec: { nodeName: `node-${i % 3}`, containers: [{ name: 'main', image: 'nginx:1.25', args: ['--port', '80'], ports: [{ containerPort: 80 }] }] },
      status: { phase: 'Running', podIP: `10.0.0.${i}`, conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }] },
    }),
  ) as KubeObject;

describe('ingest (what the store keeps of an API object)', () => {
  it('keeps every field a reader sees, except managedFields (hidden like kubectl does)', () => {
    const want = pod(7) as unknown as { metadata: Record<string, unknown> };
    delete want.metadata.managedFields;
    const got = ingest(pod(7));
    expect(got.metadata.managedFields).toBeUndefined();
    expect(JSON.parse(JSON.stringify(got))).toEqual(want);
  });

  it('shares repeated values, but keeps each object’s own name, uid, resourceVersion and IP out of the table', () => {
    for (let i = 0; i < 10; i++) ingest(pod(i));
    const before = internedCount();
    for (let i = 10; i < 2010; i++) ingest(pod(i));
    // 2,000 more pods add only what is new in them (no names, uids, versions or IPs): three node names at most.
    expect(internedCount() - before).toBeLessThanOrEqual(3);
  });

  it('leaves a Secret’s and a ConfigMap’s payload out of the table', () => {
    const before = internedCount();
    for (let i = 0; i < 50; i++) {
      ingest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${i}`, namespace: 'shop', uid: `s-${i}`, resourceVersion: '1' }, type: 'Opaque', data: { password: `cGFzcy0${i}` } } as KubeObject);
      ingest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}`, namespace: 'shop', uid: `c-${i}`, resourceVersion: '1' }, data: { key: `value-${i}` } } as KubeObject);
    }
    // `v1`, `Secret`, `Opaque`, `ConfigMap`, `shop`, `1` at most.
    expect(internedCount() - before).toBeLessThanOrEqual(6);
  });
});
