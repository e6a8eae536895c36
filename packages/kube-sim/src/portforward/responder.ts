/**
 * The TCP server "inside" a pod for one container port: HTTP requests get an HTTP answer
 * (nginx-like for nginx images, JSON otherwise); any other bytes are echoed back.
 */
import http from 'node:http';
import net from 'node:net';
import type { PodIdentity } from '../exec/fake-fs.js';

const HTTP_START = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+ HTTP\/1\.[01]\r?\n/;

export class PodPortResponder {
  private readonly server: net.Server;
  private readonly http: http.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly pod: PodIdentity, private readonly containerPort: number) {
    this.http = http.createServer((req, res) => this.answer(req, res));
    this.server = net.createServer((sock) => this.accept(sock));
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server.address();
        this.port = typeof a === 'object' && a ? a.port : 0;
        resolve(this.port);
      });
    });
  }

  private accept(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.once('data', (first: Buffer) => {
      if (HTTP_START.test(first.subarray(0, 64).toString('latin1'))) {
        sock.pause();
        sock.unshift(first);
        this.http.emit('connection', sock);
        sock.resume();
        return;
      }
      sock.write(first);
      sock.pipe(sock);
    });
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const p = this.pod;
    req.resume();
    if (req.url === '/healthz' || req.url === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok\n');
      return;
    }
    if (p.image.includes('nginx')) {
      const body = `<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1><p>${p.namespace}/${p.name} port ${this.containerPort} answered ${req.method ?? 'GET'} ${req.url ?? '/'}.</p></body></html>\n`;
      res.writeHead(200, { 'Content-Type': 'text/html', Server: 'nginx/1.27.2', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const body = `${JSON.stringify({ pod: p.name, namespace: p.namespace, container: p.container, port: this.containerPort, method: req.method, path: req.url, served_by: 'kube-sim' })}\n`;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
