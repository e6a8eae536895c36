import type { RequestOptions } from 'node:https';
import type { Authenticator, KubeConfig, User } from './kubeconfig.js';
import { CredentialError } from './api-error.js';
import type { ExecConfig, ExecCredentialProvider } from './exec-credential.js';
import { tokenFileRefused } from './token-file.js';

type AuthOptions = RequestOptions;

/**
 * Supplies the credentials of kubeconfig users with an `exec` block from our own provider (with a
 * timeout, one process per user, caching) instead of client-node's ExecAuth, which has none of
 * those. The loader strips `exec` from those users so client-node's own authenticator never
 * matches them; every request made with this KubeConfig (ours, and client-node's logs, exec and
 * port-forward) comes here.
 */
export class ExecAuthenticator implements Authenticator {
  constructor(
    private readonly provider: ExecCredentialProvider,
    /** The exec block per user name, or why it is unusable. */
    private readonly users: ReadonlyMap<string, ExecConfig | Error>,
    private readonly kc: KubeConfig,
  ) {}

  isAuthProvider(user: User): boolean {
    return this.users.has(user.name);
  }

  async applyAuthentication(user: User, opts: AuthOptions): Promise<void> {
    const exec = this.users.get(user.name);
    if (!exec) return;
    if (exec instanceof Error) throw new CredentialError(exec.message);
    const c = this.kc.getCurrentCluster();
    const cred = await this.provider.get(user.name, exec, c ? { server: c.server, ...(c.caData ? { caData: c.caData } : {}), skipTLSVerify: c.skipTLSVerify, ...(c.tlsServerName ? { tlsServerName: c.tlsServerName } : {}) } : null);
    if (cred.clientCertificateData) opts.cert = cred.clientCertificateData;
    if (cred.clientKeyData) opts.key = cred.clientKeyData;
    if (cred.token) opts.headers = { ...(opts.headers ?? {}), Authorization: `Bearer ${cred.token}` };
  }

  invalidate(user: string): void {
    this.provider.invalidate(user);
  }
}

const byConfig = new WeakMap<KubeConfig, ExecAuthenticator>();

export function useExecAuthenticator(kc: KubeConfig, auth: ExecAuthenticator): void {
  kc.clearAuthenticators();
  kc.addAuthenticator(auth);
  byConfig.set(kc, auth);
}

/** The API server answered 401: a cached exec credential (or a token read from a file) is stale, so the next request asks the plugin (or reads the file) again. */
export function credentialsRefused(kc: KubeConfig): void {
  const user = kc.getCurrentUser();
  if (!user) return;
  byConfig.get(kc)?.invalidate(user.name);
  // A token read from a file may have been rotated there since it was read.
  if (user.tokenFile) tokenFileRefused(user);
}
