import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { KubeConfig } from '../src/kube/kubeconfig.js';

/** An empty kube-sim on a free port and a KubeConfig for it (the kube layer's tests). */
export async function startSimWithConfig(): Promise<{ sim: KubeSim; kc: KubeConfig }> {
  const sim = await startKubeSim({ port: 0, seed: 'empty' });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfigYaml);
  return { sim, kc };
}
