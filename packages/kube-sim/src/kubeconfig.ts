/** Writes the kubeconfig that points clients at the sim (certificate-authority-data + bearer token). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  token: string;
  /** Cluster, context and user name; default "kube-sim". */
  name?: string;
  namespace?: string;
}

function q(s: string): string {
  return JSON.stringify(s);
}

export function kubeconfigYaml(k: KubeconfigInput): string {
  const name = k.name ?? 'kube-sim';
  const ca = Buffer.from(k.caPem, 'utf8').toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${ca}`,
    `    server: ${q(k.server)}`,
    `  name: ${q(name)}`,
    'contexts:',
    '- context:',
    `    cluster: ${q(name)}`,
    `    namespace: ${q(k.namespace ?? 'default')}`,
    `    user: ${q(name)}`,
    `  name: ${q(name)}`,
    `current-context: ${q(name)}`,
    'preferences: {}',
    'users:',
    `- name: ${q(name)}`,
    '  user:',
    `    token: ${q(k.token)}`,
    '',
  ].join('\n');
}

export function writeKubeconfig(path: string, yaml: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, yaml, { mode: 0o600 });
}
