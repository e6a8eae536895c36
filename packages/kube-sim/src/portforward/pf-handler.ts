/**
 * pods/portforward over WebSocket (checklist I1–I5): v4 channel framing, the port preamble on
 * both channels of each port, and a real TCP connection per port to the pod's target.
 */
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, type WebSocket } from 'ws';
import { badRequest } from '../api/status.js';
import { CHANNEL, decodeFrame, encodeFrame, offeredProtocols, PORTFORWARD_PROTOCOLS, traitsOf } from '../exec/channel-protocol.js';
import { acceptSpdy, isSpdyUpgrade, negotiateSpdy } from '../spdy/handshake.js';
import { serveSpdyPortForward, SPDY_PORTFORWARD_PROTOCOL, TUNNEL_PORTFORWARD_PROTOCOL } from '../spdy/spdy-portforward.js';
import { acceptWebSocket, podIdentity } from '../exec/exec-handler.js';
import { FrameSender } from '../exec/frame-sender.js';
import type { PodIdentity } from '../exec/fake-fs.js';
import type { ResourceTarget } from '../http/router.js';
import { mainContainers, nodeName, podPhase } from '../runtime/pod-info.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseStored } from '../store/stored-object.js';
import type { KubeObject } from '../types.js';
import type { PodSessions } from '../runtime/pod-sessions.js';
import type { PortTargets } from './targets.js';

export interface PortForwardDeps {
  store(): ObjectStore;
  targets(): PortTargets;
  /** Where a port-forward registers so that deleting its pod cuts it. */
  sessions?(): PodSessions;
}

export function parsePorts(q: URLSearchParams): number[] {
  const raw = [...q.getAll('ports'), ...q.getAll('port')].flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p);
  if (raw.length === 0) throw badRequest('query parameter "port" is required');
  return raw.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) > 65535) throw badRequest(`unable to parse "${p}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`);
    const n = Number(p);
    if (n < 1) throw badRequest(`port "${p}" must be > 0`);
    return n;
  });
}

function check(pod: KubeObject): void {
  const phase = podPhase(pod);
  if (phase !== 'Running' || !nodeName(pod)) throw badRequest(`unable to upgrade connection: pod ${pod.metadata.name ?? ''} is not running (phase ${phase})`);
}

export function makePortForwardUpgrade(deps: PortForwardDeps) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer, target: ResourceTarget, q: URLSearchParams): void => {
    const pod = parseStored(deps.store().require(target.rt, target.namespace ?? '', target.name ?? ''));
    const containers = mainContainers(pod);
    const declared = containers.flatMap((c) => c.ports);
    const uid = pod.metadata.uid ?? '';
    const owner = (port: number): PodIdentity => podIdentity(pod, (containers.find((c) => c.ports.includes(port)) ?? containers[0])?.name ?? '');
    // SPDY (kubectl before 1.31) names ports per stream, not in the query.
    if (isSpdyUpgrade(req)) {
      check(pod);
      const protocol = negotiateSpdy(req, [SPDY_PORTFORWARD_PROTOCOL]);
      acceptSpdy(socket, protocol);
      const session = serveSpdyPortForward(socket, head, declared, owner, deps.targets());
      // The pod deleted: the connection closes (kubectl: "lost connection to pod").
      const unregister = deps.sessions?.().add(uid, () => session.close());
      if (unregister) session.on('close', unregister);
      return;
    }
    if (offeredProtocols(req.headers['sec-websocket-protocol']).includes(TUNNEL_PORTFORWARD_PROTOCOL)) {
      check(pod);
      void acceptWebSocket(req, socket, head, [TUNNEL_PORTFORWARD_PROTOCOL], false).then(({ ws }) => {
        ws.on('error', () => undefined);
        const duplex = createWebSocketStream(ws);
        duplex.on('error', () => duplex.destroy());
        serveSpdyPortForward(duplex, Buffer.alloc(0), declared, owner, deps.targets());
        const unregister = deps.sessions?.().add(uid, () => ws.close(1000));
        if (unregister) ws.on('close', unregister);
      }).catch(() => socket.destroy());
      return;
    }
    const ports = parsePorts(q);
    check(pod);
    void acceptWebSocket(req, socket, head, PORTFORWARD_PROTOCOLS, true).then(({ ws, protocol }) => {
      const cut = forward(ws, traitsOf(protocol).base64, ports, declared, owner, deps.targets());
      const unregister = deps.sessions?.().add(uid, cut);
      if (unregister) ws.on('close', unregister);
    }).catch(() => socket.destroy());
  };
}

const MAX_QUEUED_BYTES = 1024 * 1024;

/** Forwards each port over `ws`; returns what cuts every connection (the pod deleted). */
function forward(ws: WebSocket, base64: boolean, ports: number[], declared: number[], owner: (port: number) => PodIdentity, targets: PortTargets): () => void {
  // One frame per socket write (one TLS record each), as for exec: see FrameSender.
  const sender = new FrameSender(ws);
  const send = (ch: number, data: Buffer | string): void => sender.send(encodeFrame(base64, ch, data));
  const closeAfterQueued = (): void => sender.afterQueued(() => {
    if (ws.readyState === ws.OPEN) ws.close(1000);
  });
  const conns: Array<net.Socket | undefined> = [];
  let cut = false;
  let readPaused = false;
  const queues: Buffer[][] = ports.map(() => []);
  let open = ports.length;
  const closeOne = (): void => {
    open--;
    if (open <= 0) closeAfterQueued();
  };
  ports.forEach((port, i) => {
    const pre = Buffer.from([port & 0xff, port >> 8]);
    send(2 * i, pre);
    send(2 * i + 1, pre);
    const pod = owner(port);
    const fail = (err: string): void => {
      send(2 * i + 1, `error forwarding port ${port} to pod ${pod.name}, uid ${pod.uid}: ${err}`);
      closeAfterQueued();
    };
    targets.resolve(pod, declared, port).then((t) => {
      if (ws.readyState !== ws.OPEN || cut) return;
      if (!t) {
        fail(`failed to connect to localhost:${port} inside namespace "${pod.uid}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused`);
        return;
      }
      const sock = net.connect(t.port, t.host);
      sock.setNoDelay(true);
      conns[i] = sock;
      sock.on('connect', () => {
        for (const b of queues[i] ?? []) sock.write(b);
        queues[i] = [];
      });
      sock.on('data', (d: Buffer) => {
        send(2 * i, d);
        // A client that reads slowly holds the target back instead of growing our queue.
        if (sender.queuedBytes > MAX_QUEUED_BYTES && !sock.isPaused()) {
          sock.pause();
          sender.afterQueued(() => sock.resume());
        }
      });
      sock.on('error', (err: NodeJS.ErrnoException) => {
        fail(`dial tcp4 ${t.host}:${t.port}: connect: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`);
      });
      sock.on('close', () => {
        if (readPaused) {
          readPaused = false;
          ws.resume();
        }
        closeOne();
      });
    }, (err: unknown) => fail(String(err)));
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const f = decodeFrame(base64, data, isBinary);
    if (!f || f.channel === CHANNEL.close || f.channel % 2 === 1) return;
    const i = f.channel / 2;
    const c = conns[i];
    const payload = Buffer.from(f.data);
    if (c && !c.connecting) {
      // A target that does not read holds the client back (as the kubelet's io.Copy does) instead
      // of growing the sim's memory: reading from the client waits until the target took it.
      if (!c.write(payload) && !readPaused) {
        readPaused = true;
        ws.pause();
        c.once('drain', () => {
          readPaused = false;
          ws.resume();
        });
      }
    } else queues[i]?.push(payload);
  });
  ws.on('close', () => {
    for (const c of conns) c?.destroy();
  });
  ws.on('error', () => {
    for (const c of conns) c?.destroy();
  });
  return () => {
    cut = true;
    for (const c of conns) c?.destroy();
    closeAfterQueued();
  };
}
