/** A Kubernetes object as JSON from the API server (validated loosely at the edges). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** As the API server sent it (any shape): read through kube/owner-refs.ts. */
  ownerReferences?: unknown;
  managedFields?: unknown[];
  [k: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

/** Where a tab (and its panes) point: a kubeconfig context and a namespace. */
export interface KubeScope {
  context: string | null;
  namespace: string;
}
