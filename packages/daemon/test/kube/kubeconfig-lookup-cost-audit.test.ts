// Every request looks up the current context's cluster and user (connectionOptions,
// applyToHTTPSOptions). They were searched for in the whole kubeconfig each time: with 10,000
// contexts (one KubeConfig per context, each holding them all) ~170 µs a request, with 2,000 ~25 µs
// — more than the NO_PROXY parse that b29d781 moved to load time. Now worked out at load (measured,
// not timed here: tests do not time). What is kept must follow the context set and a withdrawal.
import { describe, expect, it } from 'vitest';
import { KubeConfig, type Cluster, type Context, type User } from '../../src/kube/kubeconfig.js';
import { connectionOptions } from '../../src/kube/kube-http.js';

function kubeconfig(n: number): KubeConfig {
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  for (let i = 0; i < n; i++) {
    clusters.push({ name: `cluster-${i}`, server: `https://api-${i}.example.com:6443`, skipTLSVerify: true });
    users.push({ name: `user-${i}`, token: `t${i}` });
    contexts.push({ name: `context-${i}`, cluster: `cluster-${i}`, user: `user-${i}` });
  }
  const kc = new KubeConfig();
  // The last context: a search goes through every entry.
  kc.loadFromOptions({ clusters, users, contexts, currentContext: `context-${n - 1}` });
  return kc;
}

describe("a request's kubeconfig look-ups", () => {
  it("are the current context's, found when the kubeconfig is loaded (the last of 10,000 contexts)", async () => {
    const big = kubeconfig(10_000);
    const opts = await connectionOptions(big, { path: '/api/v1/pods' });
    expect(opts.url.host).toBe('api-9999.example.com:6443');
    expect((opts.opts.headers as Record<string, string>).Authorization).toBe('Bearer t9999');
  });

  it('follow the context set, and a withdrawn configuration has no user', async () => {
    const kc = kubeconfig(3);
    kc.setCurrentContext('context-1');
    const opts = await connectionOptions(kc, { path: '/api' });
    expect(opts.url.host).toBe('api-1.example.com:6443');
    expect((opts.opts.headers as Record<string, string>).Authorization).toBe('Bearer t1');
    expect(kc.getCurrentCluster()?.name).toBe('cluster-1');
    kc.withdraw("context 'context-1' is no longer in the kubeconfig");
    expect(kc.getCurrentUser()).toBeNull();
    await expect(connectionOptions(kc, { path: '/api' })).rejects.toThrow("context 'context-1' is no longer in the kubeconfig");
  });
});
