import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TestEnv } from './daemon-process.js';

/**
 * A kubeconfig (set as the env's KUBECONFIG) whose only user, `oidc`, gets its token from a shell-script
 * credential plugin named `name`: `body` runs with $RUNS (a file with a line per run, counted by `runs`),
 * $DIR (the test's home) and $ANSWER (the ExecCredential with kube-sim's token) — a browser or
 * device-code login is a prompt on stderr and a wait for a file the test writes.
 */
export function loginPluginKubeconfig(sim: KubeSim, env: TestEnv, body: string, name = 'kubelogin'): { runs: () => number } {
  const runsFile = join(env.dir, 'runs');
  const plugin = join(env.dir, name);
  const answer = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: sim.token } });
  writeFileSync(plugin, `#!/bin/sh\nRUNS=${runsFile}\nDIR=${env.dir}\nANSWER='${answer}'\necho run >> $RUNS\n${body}\n`);
  chmodSync(plugin, 0o755);
  const kc = join(env.dir, 'kubeconfig');
  writeFileSync(kc, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'test',
    clusters: [{ name: 'test', cluster: { server: sim.url, 'certificate-authority-data': Buffer.from(sim.caPem).toString('base64') } }],
    users: [{ name: 'oidc', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: ['get-token'], interactiveMode: 'IfAvailable' } } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'oidc', namespace: 'default' } }],
  }));
  env.env.KUBECONFIG = kc;
  return { runs: () => (existsSync(runsFile) ? readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).length : 0) };
}
