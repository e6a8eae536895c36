import { join } from 'node:path';
import { startKubeSim } from '@kubetile/kube-sim';
import type { Logger } from '../logging/logger.js';

export interface DemoCluster {
  kubeconfigPath: string;
  url: string;
  stop(): Promise<void>;
}

/** The built-in demo cluster: kube-sim with the demo seed, for the daemon's lifetime. */
export async function startDemoCluster(stateDir: string, logger: Logger): Promise<DemoCluster> {
  const kubeconfigPath = join(stateDir, 'demo-kubeconfig');
  const sim = await startKubeSim({ port: 0, seed: 'demo', kubeconfigOut: kubeconfigPath, stateDir: join(stateDir, 'demo-sim') });
  const url = sim.serverAddress();
  logger.info({ url, kubeconfig: kubeconfigPath }, 'demo cluster started');
  return { kubeconfigPath, url, stop: () => sim.stop() };
}
