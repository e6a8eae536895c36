/**
 * A CustomResourceDefinition for kube-sim: `plural.group`, namespaced unless told, one served and
 * stored version `v1` (unless told) that keeps any fields.
 */
export function crd(o: { plural: string; group: string; kind: string; shortNames?: string[]; scope?: 'Namespaced' | 'Cluster'; version?: string }) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${o.plural}.${o.group}` },
    spec: {
      group: o.group,
      names: { plural: o.plural, singular: o.kind.toLowerCase(), kind: o.kind, listKind: `${o.kind}List`, ...(o.shortNames ? { shortNames: o.shortNames } : {}) },
      scope: o.scope ?? 'Namespaced',
      versions: [{ name: o.version ?? 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}
