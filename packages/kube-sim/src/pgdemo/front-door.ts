/**
 * The demo database's front door: a loopback TCP server per pod that speaks the PostgreSQL wire
 * protocol's start (SSL refused, password authentication against the pod's own env — the Secret
 * the seed wires into POSTGRES_PASSWORD —, the database name checked) and then passes every
 * message to the embedded engine. It also answers CancelRequests as a server does: the statement
 * ends with 57014 "canceling statement due to user request" and the connection stays usable.
 */
import net from 'node:net';
import { createHash, randomInt } from 'node:crypto';
import type { DemoEngine } from './engine.js';
import {
  authRequest, backendKey, CANCEL_REQUEST, errorResponse, GSSENC_REQUEST, message, MessageReader, PROTOCOL_3, readyForQuery, SSL_REQUEST, startupPacket, startupParams,
} from './wire.js';

/** The engine's own password (it is on loopback, behind the front door's check). */
const ENGINE_PASSWORD = 'kube-sim';

/** A PasswordMessage answering the engine's AuthenticationMD5Password (5) or cleartext (3) request. */
function passwordMessage(code: number, user: string, salt: Buffer): Buffer {
  const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');
  const text = code === 5 ? `md5${md5(Buffer.concat([Buffer.from(md5(ENGINE_PASSWORD + user)), salt]))}` : ENGINE_PASSWORD;
  return message('p', Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]));
}

export interface DbCredentials {
  user: string;
  password: string;
  database: string;
}

/** What an engine's connections share: the engine and the cancel keys handed out. */
export interface EngineSlot {
  engine: DemoEngine;
  byKey: Map<string, Connection>;
}

/** Client bytes kept while the engine restarts (a client that floods meanwhile is cut off). */
const MAX_PENDING = 8 * 1024 * 1024;

export class Connection {
  private readonly fromClient = new MessageReader();
  private upstream: net.Socket | null = null;
  private upReader = new MessageReader();
  private phase: 'startup' | 'password' | 'handshake' | 'open' | 'closed' = 'startup';
  private params: Record<string, string> = {};
  private readonly pid = randomInt(1000, 2 ** 31 - 1);
  private readonly secret = randomInt(1, 2 ** 31 - 1);
  /** What the client waits for: nothing, a simple query's Z, or an extended exchange's Z (after its Sync). */
  private inFlight: 'none' | 'simple' | 'extended' = 'none';
  private cancelled = false;
  private awaitSync = false;
  /** The upstream is being (re)connected; client messages wait here. */
  private pending: Buffer[] | null = null;
  private pendingBytes = 0;
  private firstHandshake = true;

  constructor(
    private readonly client: net.Socket,
    private readonly slot: EngineSlot,
    private readonly creds: () => DbCredentials | null,
  ) {
    client.setNoDelay(true);
    client.on('data', (d: Buffer) => this.onClient(d));
    client.on('error', () => this.close());
    client.on('close', () => this.close());
  }

  private get key(): string {
    return `${this.pid}:${this.secret}`;
  }

  private send(b: Buffer): void {
    if (this.phase !== 'closed' && this.client.writable) this.client.write(b);
  }

  private fatal(code: string, text: string): void {
    this.send(errorResponse('FATAL', code, text));
    this.client.end();
    this.close();
  }

  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.slot.byKey.delete(this.key);
    this.upstream?.destroy();
    this.upstream = null;
    this.client.destroy();
  }

  private onClient(d: Buffer): void {
    try {
      this.fromClient.push(d);
      while (this.phase !== 'closed') {
        if (this.phase === 'startup') {
          const p = this.fromClient.nextStartup();
          if (!p) return;
          this.onStartup(p);
          continue;
        }
        const m = this.fromClient.next();
        if (!m) return;
        if (this.phase === 'password') this.onPassword(m.type, m.body);
        else if (this.phase === 'open' || this.phase === 'handshake') this.onMessage(m.type, m.raw);
      }
    } catch (err) {
      this.fatal('08P01', `invalid frontend message: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private onStartup(p: Buffer): void {
    const code = p.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.client.write('N');
      return;
    }
    if (code === CANCEL_REQUEST && p.length >= 16) {
      const target = this.slot.byKey.get(`${p.readInt32BE(8)}:${p.readInt32BE(12)}`);
      target?.cancel();
      this.close();
      return;
    }
    if (code !== PROTOCOL_3) {
      this.fatal('0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}: server supports 3.0 to 3.0`);
      return;
    }
    this.params = startupParams(p);
    this.phase = 'password';
    this.send(authRequest(3));
  }

  private onPassword(type: string, body: Buffer): void {
    if (type !== 'p') {
      this.fatal('08P01', `expected password response, got message type ${JSON.stringify(type)}`);
      return;
    }
    const password = body.subarray(0, Math.max(0, body.indexOf(0))).toString('utf8');
    const c = this.creds();
    const user = this.params['user'] ?? '';
    const database = this.params['database'] || user;
    if (!c || user !== c.user || password !== c.password) {
      this.fatal('28P01', `password authentication failed for user "${user}"`);
      return;
    }
    if (database !== c.database) {
      this.fatal('3D000', `database "${database}" does not exist`);
      return;
    }
    this.send(authRequest(0));
    this.slot.byKey.set(this.key, this);
    this.phase = 'handshake';
    this.connectUpstream();
  }

  private onMessage(type: string, raw: Buffer): void {
    if (type === 'X') {
      this.close();
      return;
    }
    if (this.awaitSync) {
      // After an error in an extended exchange the server skips to the client's Sync, as here.
      if (type === 'S') {
        this.awaitSync = false;
        this.send(readyForQuery());
      }
      return;
    }
    if (type === 'Q') this.inFlight = 'simple';
    else if (type !== 'S' && type !== 'H' && this.inFlight === 'none') this.inFlight = 'extended';
    if (this.upstream && this.pending === null) {
      this.upstream.write(raw);
      return;
    }
    this.pending ??= [];
    this.pendingBytes += raw.length;
    if (this.pendingBytes > MAX_PENDING) {
      this.fatal('53200', 'too much input while the database restarts');
      return;
    }
    this.pending.push(Buffer.from(raw));
    if (!this.upstream) this.connectUpstream();
  }

  private connectUpstream(): void {
    this.pending ??= [];
    const engine = this.slot.engine;
    engine.port().then(
      (port) => {
        if (this.phase === 'closed') return;
        const up = net.connect(port, '127.0.0.1');
        up.setNoDelay(true);
        this.upstream = up;
        this.upReader = new MessageReader();
        up.on('connect', () => up.write(startupPacket({ user: engine.user, database: engine.database })));
        let handshaking = true;
        up.on('data', (d: Buffer) => {
          if (this.upstream !== up) return;
          try {
            this.upReader.push(d);
            for (let m = this.upReader.next(); m; m = this.upReader.next()) {
              if (handshaking) {
                if (m.type === 'E') {
                  this.fatal('57P03', `the database system is starting up (${m.body.toString('utf8').replace(/\0/g, ' ').slice(0, 200)})`);
                  return;
                }
                if (m.type === 'R' && m.body.length >= 4 && m.body.readInt32BE(0) !== 0) {
                  // PGlite asks for a password (MD5) and accepts any; the client was checked above.
                  up.write(passwordMessage(m.body.readInt32BE(0), engine.user, m.body.subarray(4, 8)));
                  continue;
                }
                if (m.type === 'S' && this.firstHandshake) this.send(m.raw);
                if (m.type === 'Z') {
                  handshaking = false;
                  if (this.firstHandshake) {
                    this.firstHandshake = false;
                    this.send(backendKey(this.pid, this.secret));
                    this.send(readyForQuery());
                  }
                  this.phase = 'open';
                  const waiting = this.pending ?? [];
                  this.pending = null;
                  this.pendingBytes = 0;
                  for (const b of waiting) up.write(b);
                }
                continue;
              }
              if (m.type === 'Z') this.inFlight = 'none';
              this.send(m.raw);
            }
          } catch {
            up.destroy();
          }
        });
        up.on('error', () => undefined);
        up.on('close', () => this.upstreamGone(up));
      },
      (err: unknown) => this.fatal('57P03', `the database system is not available: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private upstreamGone(up: net.Socket): void {
    if (this.upstream !== up || this.phase === 'closed') return;
    this.upstream = null;
    if (this.cancelled && this.inFlight !== 'none') {
      this.cancelled = false;
      this.send(errorResponse('ERROR', '57014', 'canceling statement due to user request'));
      if (this.inFlight === 'simple') this.send(readyForQuery());
      else this.awaitSync = true;
      this.inFlight = 'none';
      this.pending = null;
      this.pendingBytes = 0;
      return;
    }
    if (this.inFlight !== 'none' || this.phase === 'handshake') {
      this.fatal('57P01', 'terminating connection due to administrator command');
      return;
    }
    // Idle: the next message reconnects (the engine restarted after another connection's cancel).
  }

  /** A CancelRequest with this connection's key: end what runs now. */
  cancel(): void {
    if (this.inFlight === 'none') return;
    this.cancelled = true;
    this.slot.engine.interrupt();
  }
}

/** A loopback server for one pod's port: each connection is a Connection to its database's engine (looked up per connection). */
export async function openFrontDoor(slot: () => EngineSlot, creds: () => DbCredentials | null): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    new Connection(sock, slot(), creds);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const a = server.address();
  return {
    port: typeof a === 'object' && a ? a.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
