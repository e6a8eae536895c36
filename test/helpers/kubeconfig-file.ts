import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';

/** A kubeconfig (JSON is YAML) with `contexts`: context name → the sim it points at (its CA and token). */
export function simKubeconfig(contexts: Record<string, KubeSim>, current: string): string {
  const names = Object.keys(contexts);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((n) => ({ name: `cluster-${n}`, cluster: { server: contexts[n]!.url, 'certificate-authority-data': Buffer.from(contexts[n]!.caPem).toString('base64') } })),
    users: names.map((n) => ({ name: `user-${n}`, user: { token: contexts[n]!.token } })),
    contexts: names.map((n) => ({ name: n, context: { cluster: `cluster-${n}`, user: `user-${n}`, namespace: 'default' } })),
    'current-context': current,
  });
}

/** Writes a kubeconfig as kubectl does: a new file renamed over the old one. */
export function replaceKubeconfig(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
