import net from 'node:net';
import type pg from 'pg';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';

/**
 * PostgreSQL through real port-forward streams, as `kubectl port-forward` does (one stream per TCP
 * connection): local ports forwarding to a pod's 5432, and the `pg` clients a test opened through
 * them, so that the test can end the clients and close the ports when it is done.
 */
export class PgPortForwards {
  private readonly servers: net.Server[] = [];
  private readonly clients: pg.Client[] = [];

  /** A local port whose every connection is a port-forward stream to namespace/pod:5432. */
  async forward(kc: KubeConfig, namespace: string, pod: string): Promise<number> {
    const pf = new PortForward(kc);
    const server = net.createServer((sock) => {
      sock.on('error', () => undefined);
      pf.portForward(namespace, pod, [5432], sock, null, sock).then(
        (ws) => {
          const w = ws as unknown as { on(e: string, f: () => void): void; close(): void };
          w.on('close', () => sock.destroy());
          sock.on('close', () => w.close());
        },
        () => sock.destroy(),
      );
    });
    this.servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as net.AddressInfo).port;
  }

  /** Connects a client (its late errors ignored), kept to be ended by `endClients`. */
  async connect(c: pg.Client): Promise<pg.Client> {
    c.on('error', () => undefined);
    this.clients.push(c);
    await c.connect();
    return c;
  }

  async endClients(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.end().catch(() => undefined)));
  }

  async closeServers(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  }
}
