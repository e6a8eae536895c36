import type { kubeRequest } from './kube-http.js';

/** The cluster configuration requests take (whatever `kubeRequest` is given: one context's KubeConfig). */
export type ApiConfig = Parameters<typeof kubeRequest>[0];
