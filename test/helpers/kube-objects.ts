/** Objects tests seed kube-sim with. */

/** A Ready Node with room for pods and a loopback address (never anything off the machine). */
export const readyNode = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
});

/** A Running pod of one busybox container, `main` (kube-sim runs no kubelet: its status is what is given). */
export const runningPod = (name: string, namespace: string, o: { node?: string; resources?: Record<string, unknown> } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { ...(o.node ? { nodeName: o.node } : {}), containers: [{ name: 'main', image: 'busybox:1.36', ...(o.resources ? { resources: o.resources } : {}) }] },
  status: { phase: 'Running' },
});
