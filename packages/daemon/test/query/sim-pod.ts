import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { KubeConfig } from '../../src/kube/kubeconfig.js';

export interface SimPod {
  name: string;
  /** The pod's one container: its name, image, env and ports. */
  container: { name: string; image: string; env?: Array<{ name: string; value: string }>; ports?: Array<{ containerPort: number }> };
  annotations?: Record<string, string>;
}

/** A kube-sim with namespace `ns` holding one running pod, and a KubeConfig for it. */
export async function simWithPod(ns: string, pod: SimPod): Promise<{ sim: KubeSim; kc: KubeConfig }> {
  const sim = await startKubeSim({ port: 0, seed: 'empty' });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml);
  const { name: cname, image } = pod.container;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  sim.createObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: ns, ...(pod.annotations ? { annotations: pod.annotations } : {}) },
    spec: { nodeName: 'node-1', containers: [pod.container] },
    status: { phase: 'Running', podIP: '10.244.0.9', containerStatuses: [{ name: cname, ready: true, restartCount: 0, image, imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] },
  });
  return { sim, kc };
}
