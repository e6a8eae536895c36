/**
 * Files and environment for client-node's in-cluster path (checklist A7):
 * `kc.loadFromCluster(prefix)` with KUBERNETES_SERVICE_HOST/PORT set to the sim.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVICEACCOUNT_ROOT = 'var/run/secrets/kubernetes.io/serviceaccount';

export interface InClusterSetup {
  /** Pass to `kc.loadFromCluster(pathPrefix)`. */
  pathPrefix: string;
  /** Set these in process.env before calling loadFromCluster. */
  env: { KUBERNETES_SERVICE_HOST: string; KUBERNETES_SERVICE_PORT: string };
}

export function writeInClusterFiles(prefix: string, host: string, port: number, token: string, caPem: string, namespace = 'default'): InClusterSetup {
  const dir = join(prefix, SERVICEACCOUNT_ROOT);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), token, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.crt'), caPem);
  writeFileSync(join(dir, 'namespace'), namespace);
  return { pathPrefix: prefix, env: { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: String(port) } };
}
