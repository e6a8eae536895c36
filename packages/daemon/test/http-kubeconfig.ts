import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '../src/kube/kubeconfig.js';

/** A KubeConfig pointing at a plain-HTTP test server listening on 127.0.0.1 (a bearer token, no TLS). */
export function kubeconfigFor(srv: Server): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}
