import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Logger } from '../logging/logger.js';

export interface DemoCluster {
  kubeconfigPath: string;
  url: string;
  stop(): Promise<void>;
}

/** The demo's main application lives here; tabs start in it, as a kubeconfig context namespace would do. */
const DEMO_NAMESPACE = 'shop';

function focusNamespace(kubeconfigPath: string, namespace: string): void {
  const doc = parse(readFileSync(kubeconfigPath, 'utf8')) as { contexts?: Array<{ context?: { namespace?: string } }> };
  for (const c of doc.contexts ?? []) if (c.context) c.context.namespace = namespace;
  writeFileSync(kubeconfigPath, stringify(doc), { mode: 0o600 });
}

/** The built-in demo cluster: kube-sim with the demo seed, for the daemon's lifetime. */
export async function startDemoCluster(stateDir: string, logger: Logger): Promise<DemoCluster> {
  const kubeconfigPath = join(stateDir, 'demo-kubeconfig');
  // The simulator (and its TLS and WebSocket code) is loaded only when the demo runs.
  const { startKubeSim } = await import('@kubetile/kube-sim');
  const sim = await startKubeSim({ port: 0, seed: 'demo', kubeconfigOut: kubeconfigPath, stateDir: join(stateDir, 'demo-sim') });
  focusNamespace(kubeconfigPath, DEMO_NAMESPACE);
  const url = sim.serverAddress();
  logger.info({ url, kubeconfig: kubeconfigPath }, 'demo cluster started');
  return { kubeconfigPath, url, stop: () => sim.stop() };
}
