import type { KubeConfig } from './kubeconfig.js';
import { connectionOptions, type KubeRequest } from './kube-http.js';
import { nodeBodyStream } from './node-body-stream.js';
import { undiciBodyStream, undiciCanCarry } from './undici-body-stream.js';
import type { PreparedBodyStream } from './body-sink.js';

/**
 * A streamed GET of the API server with the kubeconfig's TLS, credentials and proxy applied. It goes
 * through undici when it can: Node's HTTP client calls into JavaScript with a fresh Buffer for every
 * chunk of a chunked body, and an API server (kube-sim, or a busy container's log through the
 * kubelet) may send every line as its own chunk: at 50,000 lines a second that cost Node ~1.8 µs of
 * CPU a line before a line was looked at, undici ~0.9 (measured on this machine, interleaved). A
 * cluster reached through a proxy (hpagent, socks-proxy-agent) keeps Node's client and its agent.
 */
export async function prepareBodyStream(kc: KubeConfig, req: KubeRequest): Promise<PreparedBodyStream> {
  const conn = await connectionOptions(kc, req);
  return undiciCanCarry(conn) ? await undiciBodyStream(kc, req, conn) : nodeBodyStream(kc, req, conn);
}
