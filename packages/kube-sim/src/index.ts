/**
 * @kubetile/kube-sim: a local Kubernetes API server speaking the real protocol over HTTPS.
 * See README.md for the API, the admin interface and the CLI.
 */
import { SimPodRuntime } from './runtime/pod-runtime.js';
import { loadSeed } from './seed/seeds.js';
import { KubeSim, type KubeSimOptions } from './sim.js';

export type { KubeSimOptions, RestartOptions, SeedName, SimMetrics } from './sim.js';
export type { SimConfig } from './sim-config.js';
export type { InjectedErrorSpec, LatencySpec } from './admin/faults.js';
export type { JournalEntry } from './admin/journal.js';
export type { KubeObject, ObjectMeta } from './types.js';
export type { PatchType } from './store/patch.js';
export type { HistoryLimits } from './store/history.js';
export { KubeSim } from './sim.js';
export { kubeconfigYaml } from './kubeconfig.js';
export type { InClusterSetup } from './in-cluster.js';
export type { LogRateSpec } from './runtime/container-admin.js';

/** Starts a sim and resolves once it is listening (and the kubeconfig is written, if asked). */
export function startKubeSim(opts: KubeSimOptions): Promise<KubeSim> {
  return KubeSim.start(opts, new SimPodRuntime(), loadSeed);
}
