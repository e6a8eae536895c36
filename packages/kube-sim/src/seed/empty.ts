/** The "empty" seed: what a fresh cluster has, plus the demo CustomResourceDefinition. */
import type { ObjectStore } from '../store/object-store.js';
import type { KubeObject } from '../types.js';
import { put } from './put.js';

export const DEMO_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'databases.kubetile.dev' },
  spec: {
    group: 'kubetile.dev',
    scope: 'Namespaced',
    names: { plural: 'databases', singular: 'database', kind: 'Database', listKind: 'DatabaseList', shortNames: ['db'], categories: ['all'] },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Engine', type: 'string', jsonPath: '.spec.engine' },
          { name: 'Version', type: 'string', jsonPath: '.spec.version' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
    ],
  },
};

export function seedEmpty(store: ObjectStore): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    put(store, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  put(store, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP' },
  });
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    put(store, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
  }
  put(store, structuredClone(DEMO_CRD));
}
