// Audit of the files a kubeconfig names for credentials and CAs: a stale entry (its file gone) costs
// that entry only, and a token file rotated in place is taken up.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestOptions } from 'node:https';
import { loadKubeconfigFiles } from '../src/kube/kubeconfig-load.js';
import { KubeConfig } from '../src/kube/kubeconfig.js';
import { credentialsRefused } from '../src/kube/exec-auth.js';
import { TOKEN_FILE_REREAD_MS, tokenFromFile } from '../src/kube/token-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-kc-cred-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, doc: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
};

/** A KubeConfig of the loaded files, on `context`. */
function configOf(files: string[], context: string): KubeConfig {
  const l = loadKubeconfigFiles(files);
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: l.clusters, users: l.users, contexts: l.contexts, currentContext: context });
  return kc;
}

async function authorization(kc: KubeConfig): Promise<unknown> {
  const opts: RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  return (opts.headers as Record<string, unknown>).Authorization;
}

describe('a kubeconfig with a stale entry (a file it names is gone)', () => {
  it("the other contexts work; the stale one's requests fail naming the entry and the file", async () => {
    const f = write('kc', {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'good',
      clusters: [
        { name: 'good', cluster: { server: 'https://good:6443' } },
        { name: 'old-minikube', cluster: { server: 'https://192.168.49.2:8443', 'certificate-authority': join(dir, 'gone', 'ca.crt') } },
      ],
      users: [
        { name: 'good', user: { token: 'tok-good' } },
        { name: 'old-minikube', user: { 'client-certificate': join(dir, 'gone', 'client.crt'), 'client-key': join(dir, 'gone', 'client.key') } },
        { name: 'old-kind', user: { 'token-file': 'gone-token' } },
      ],
      contexts: [
        { name: 'good', context: { cluster: 'good', user: 'good' } },
        { name: 'old-minikube', context: { cluster: 'old-minikube', user: 'old-minikube' } },
        { name: 'cluster-ok-user-gone', context: { cluster: 'good', user: 'old-minikube' } },
        { name: 'old-kind', context: { cluster: 'good', user: 'old-kind' } },
      ],
    });
    // Before: the whole kubeconfig was refused ("No cluster connection"), every context with it.
    const l = loadKubeconfigFiles([f]);
    expect(l.contexts.map((c) => c.name)).toEqual(['good', 'old-minikube', 'cluster-ok-user-gone', 'old-kind']);
    await expect(authorization(configOf([f], 'good'))).resolves.toBe('Bearer tok-good');
    await expect(authorization(configOf([f], 'old-minikube'))).rejects.toThrow(`kubeconfig ${f}: clusters[1] (old-minikube) certificate-authority: ${join(dir, 'gone', 'ca.crt')} does not exist`);
    await expect(authorization(configOf([f], 'cluster-ok-user-gone'))).rejects.toThrow(`kubeconfig ${f}: users[1] (old-minikube) client-certificate: ${join(dir, 'gone', 'client.crt')} does not exist`);
    await expect(authorization(configOf([f], 'old-kind'))).rejects.toThrow(`kubeconfig ${f}: users[2] (old-kind) token-file: ${join(dir, 'gone-token')} does not exist`);
  });
});

describe('a token file rotated in place (kubelet, vault-agent, a login helper)', () => {
  it('is read again once the API server refuses the token, and every minute; a file gone for a moment keeps the token before', async () => {
    const tokenPath = write('token', 'first\n');
    const f = write('kc', {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'x', cluster: { server: 'https://x:6443' } }],
      users: [{ name: 'x', user: { 'token-file': 'token' } }],
      contexts: [{ name: 'x', context: { cluster: 'x', user: 'x' } }],
    });
    const kc = configOf([f], 'x');
    await expect(authorization(kc)).resolves.toBe('Bearer first');
    writeFileSync(tokenPath, 'second\n');
    // Not read on every request…
    await expect(authorization(kc)).resolves.toBe('Bearer first');
    // …but at once when the API server refused it (401), as kube-http does.
    credentialsRefused(kc);
    await expect(authorization(kc)).resolves.toBe('Bearer second');

    const user = kc.getCurrentUser()!;
    writeFileSync(tokenPath, 'third\n');
    const now = Date.now();
    expect(tokenFromFile(user, now + TOKEN_FILE_REREAD_MS + 1)).toBe('third');
    rmSync(tokenPath);
    credentialsRefused(kc);
    expect(tokenFromFile(user, now + 2 * TOKEN_FILE_REREAD_MS + 2)).toBe('third');
  });

  it("an auth-provider's tokenFile is read again too", async () => {
    const tokenPath = write('ap-token', 'one');
    const f = write('kc', {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'x',
      clusters: [{ name: 'x', cluster: { server: 'https://x:6443' } }],
      users: [{ name: 'x', user: { 'auth-provider': { name: 'file', config: { tokenFile: tokenPath } } } }],
      contexts: [{ name: 'x', context: { cluster: 'x', user: 'x' } }],
    });
    const kc = configOf([f], 'x');
    await expect(authorization(kc)).resolves.toBe('Bearer one');
    writeFileSync(tokenPath, 'two');
    credentialsRefused(kc);
    await expect(authorization(kc)).resolves.toBe('Bearer two');
  });
});
