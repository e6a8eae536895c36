/** Objects tests seed kube-sim with. */

/** A Ready Node with room for pods and a loopback address (never anything off the machine). */
export const readyNode = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
});
