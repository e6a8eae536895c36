import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import type { TestEnv } from './daemon-process.js';

/** One context of a login-plugin kubeconfig: its user gets its token from the shell script `plugin`. */
export interface LoginPlugin {
  context: string;
  user: string;
  /** The plugin's file name in the test's home. */
  plugin: string;
  /** Its runs' file name in the test's home (a line per run). */
  runsFile: string;
  /** The script, run after the run is counted (see loginPluginKubeconfig). */
  body: string;
}

/**
 * A kubeconfig (set as the env's KUBECONFIG) with a context per entry of `logins` (the first current),
 * all on kube-sim, each user's token from its own credential plugin; `runs(context)` counts its plugin's runs.
 */
export function loginPluginsKubeconfig(sim: KubeSim, env: TestEnv, logins: readonly LoginPlugin[]): { runs: (context: string) => number } {
  const answer = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: sim.token } });
  const runsFiles = new Map<string, string>();
  const users = logins.map((l) => {
    const runsFile = join(env.dir, l.runsFile);
    runsFiles.set(l.context, runsFile);
    const plugin = join(env.dir, l.plugin);
    writeFileSync(plugin, `#!/bin/sh\nRUNS=${runsFile}\nDIR=${env.dir}\nANSWER='${answer}'\necho run >> $RUNS\n${l.body}\n`);
    chmodSync(plugin, 0o755);
    return { name: l.user, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, args: ['get-token'], interactiveMode: 'IfAvailable' } } };
  });
  const kc = join(env.dir, 'kubeconfig');
  writeFileSync(kc, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': logins[0]!.context,
    clusters: [{ name: 'test', cluster: { server: sim.url, 'certificate-authority-data': Buffer.from(sim.caPem).toString('base64') } }],
    users,
    contexts: logins.map((l) => ({ name: l.context, context: { cluster: 'test', user: l.user, namespace: 'default' } })),
  }));
  env.env.KUBECONFIG = kc;
  const count = (file: string | undefined): number => (file && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);
  return { runs: (context) => count(runsFiles.get(context)) };
}

/**
 * A kubeconfig (set as the env's KUBECONFIG) whose only user, `oidc`, gets its token from a shell-script
 * credential plugin named `name`: `body` runs with $RUNS (a file with a line per run, counted by `runs`),
 * $DIR (the test's home) and $ANSWER (the ExecCredential with kube-sim's token) — a browser or
 * device-code login is a prompt on stderr and a wait for a file the test writes.
 */
export function loginPluginKubeconfig(sim: KubeSim, env: TestEnv, body: string, name = 'kubelogin'): { runs: () => number } {
  const k = loginPluginsKubeconfig(sim, env, [{ context: 'test', user: 'oidc', plugin: name, runsFile: 'runs', body }]);
  return { runs: () => k.runs('test') };
}
