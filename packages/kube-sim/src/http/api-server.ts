/**
 * The HTTPS server: one port for the API, WebSocket upgrades and the admin interface.
 * Every request goes through journal → route → auth → RBAC fault → latency → injected error →
 * content negotiation → handler.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { ephemeralServed } from '../handlers/ephemeral.js';
import { handleEviction } from '../handlers/eviction.js';
import { handleMetrics, METRICS_GROUP } from '../handlers/metrics.js';
import { ApiError, apiError, detailsFor, failureStatus, forbidden, methodNotAllowed, reasonForCode, unauthorized, type Status } from '../api/status.js';
import type { RequestFacts } from '../admin/faults.js';
import type { JournalEntry } from '../admin/journal.js';
import type { HandlerContext } from '../handlers/context.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, sendHealth, sendVersion } from '../handlers/discovery.js';
import { handleList } from '../handlers/list.js';
import { OPENAPI_V2_PROTOBUF, openApiV2Protobuf, openApiV3Doc, openApiV3Index } from '../handlers/openapi.js';
import { sendObject } from '../handlers/object-output.js';
import { toScale } from '../handlers/scale.js';
import { handleWatch } from '../handlers/watch.js';
import { handleCreate, handleDelete, handlePatch, handleUpdate } from '../handlers/write.js';
import { negotiate, type OutputFormat } from './accept.js';
import { bearerToken, tokenMatches } from './auth.js';
import { sendError, sendJson } from './respond.js';
import { queryBool } from './query.js';
import { notFoundPath, route, type ResourceTarget, type Route } from './router.js';
import { parseStored } from '../store/stored-object.js';
import { preloadBody } from './body.js';

export type SubresourceHandler = (req: IncomingMessage, res: ServerResponse, target: ResourceTarget, q: URLSearchParams) => Promise<void>;
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, target: ResourceTarget, q: URLSearchParams) => void;
export type AdminHandler = (req: IncomingMessage, res: ServerResponse, action: string, q: URLSearchParams) => Promise<void>;

export interface ApiServerOptions {
  key: string;
  cert: string;
  /** The token clients must present; read on every request so it can change. */
  token(): string;
  /** The token the admin interface accepts (unaffected by expireToken/forbid). */
  adminToken(): string;
  /** GET handlers for subresources such as pods/log. */
  subresources: Map<string, SubresourceHandler>;
  /** Upgrade handlers for pods/exec, pods/attach, pods/portforward. */
  upgrades: Map<string, UpgradeHandler>;
  admin: AdminHandler;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function verbOf(method: string, target: ResourceTarget, q: URLSearchParams): string {
  const watch = queryBool(q, 'watch') || target.legacyWatch;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (target.subresource === 'exec' || target.subresource === 'attach' || target.subresource === 'portforward') return 'create';
      if (target.name === undefined) return watch ? 'watch' : 'list';
      return watch ? 'watch' : 'get';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return target.name === undefined ? 'deletecollection' : 'delete';
    default: return method.toLowerCase();
  }
}

/** Writes an HTTP error on a raw socket (upgrade requests have no ServerResponse). */
export function rejectUpgrade(socket: Duplex, status: Status, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(status);
  const text = `${status.code} ${status.reason ?? 'Error'}`;
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`);
}

export class ApiServer {
  readonly server: https.Server;
  private readonly sockets = new Set<Socket>();
  /** Raw TCP connections, including ones still in the TLS handshake. */
  private readonly rawSockets = new Set<Socket>();
  private closing = false;
  private boundPort = 0;

  constructor(private readonly ctx: HandlerContext, private readonly opts: ApiServerOptions) {
    this.server = https.createServer({ key: opts.key, cert: opts.cert });
    this.server.keepAliveTimeout = 30_000;
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.on('connection', (s: Socket) => {
      if (this.closing) {
        s.destroy();
        return;
      }
      this.rawSockets.add(s);
      s.on('close', () => this.rawSockets.delete(s));
    });
    this.server.on('secureConnection', (s: Socket) => {
      if (this.closing) {
        s.destroy();
        return;
      }
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('tlsClientError', () => {
      /* clients that disconnect mid-handshake are not an error of the sim */
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((err: unknown) => sendError(res, err));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handleUpgrade(req, socket, head).catch((err: unknown) => {
        if (err instanceof ApiError) rejectUpgrade(socket, err.status, err.headers);
        else socket.destroy();
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        this.boundPort = typeof addr === 'object' && addr ? addr.port : port;
        resolve(this.boundPort);
      });
    });
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      if (!this.server.listening) {
        this.destroySockets(false);
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      this.destroySockets(false);
    });
  }

  /**
   * Destroys all client connections but `spare`; `reset` sends a TCP RST. A TLS socket cannot be
   * reset itself (its handle is not a TCP handle: Node throws "This handle type cannot be sent"),
   * so the reset goes to the raw TCP connection under it. Returns the number dropped.
   */
  destroySockets(reset: boolean, spare?: Duplex): number {
    const spared = spare ? this.rawSocketUnder(spare) : undefined;
    // The RST first: destroying the TLS socket first would close the connection with a FIN.
    // Connections still in the TLS handshake go too.
    for (const raw of this.rawSockets) {
      if (raw === spared || !(reset || this.closing)) continue;
      if (reset && !raw.destroyed) raw.resetAndDestroy();
      else raw.destroy();
      this.rawSockets.delete(raw);
    }
    let n = 0;
    for (const s of this.sockets) {
      if (s === spare) continue;
      n++;
      s.destroy();
      this.sockets.delete(s);
    }
    return n;
  }

  /** The raw TCP connection a TLS socket runs over (same remote address and port). */
  private rawSocketUnder(tlsSocket: Duplex): Socket | undefined {
    const s = tlsSocket as Partial<Socket>;
    for (const raw of this.rawSockets) {
      if (raw.remotePort === s.remotePort && raw.remoteAddress === s.remoteAddress) return raw;
    }
    return undefined;
  }

  private authenticate(req: IncomingMessage): void {
    const given = bearerToken(req.headers);
    if (this.ctx.faults.tokenExpired || !tokenMatches(given, this.opts.token())) throw unauthorized();
  }

  /** Auth, RBAC, latency and injected errors for a resource request. */
  private async gate(req: IncomingMessage, url: URL, target: ResourceTarget, verb: string, hasBody = false): Promise<void> {
    this.authenticate(req);
    const facts: RequestFacts = { verb, resource: target.rt.plural, path: url.pathname };
    if (target.subresource) facts.subresource = target.subresource;
    if (this.ctx.faults.isForbidden(facts)) {
      const res = target.subresource ? `${target.rt.plural}/${target.subresource}` : target.rt.plural;
      throw forbidden(this.ctx.config.userName, verb, res, target.rt.group, target.namespace, target.name);
    }
    // Held while a matching rule is in force, up to its delay: clearing the rule lets held requests go.
    // A held write has its body read first (kube-apiserver reads it before admission): it lands even if its client goes.
    if (hasBody && this.ctx.faults.latencyFor(facts) > 0) await preloadBody(req);
    const until = Date.now() + this.ctx.faults.latencyFor(facts);
    for (let left = until - Date.now(); left > 0 && this.ctx.faults.latencyFor(facts) > 0; left = until - Date.now()) await sleep(Math.min(left, 50));
    const inj = this.ctx.faults.takeError(facts);
    if (inj) {
      const reason = reasonForCode(inj.status);
      // Shaped as errors.NewGenericServerResponse: what was asked for, and the retry delay.
      const details = detailsFor(target.rt.plural, target.rt.group, target.name);
      if (inj.retryAfterSeconds !== undefined) details.retryAfterSeconds = inj.retryAfterSeconds;
      const headers: Record<string, string> = inj.retryAfterSeconds !== undefined ? { 'Retry-After': String(inj.retryAfterSeconds) } : {};
      throw new ApiError(failureStatus(reason, inj.message ?? `injected ${inj.status} (${reason})`, details, inj.status), headers);
    }
  }

  private journal(req: IncomingMessage, url: URL, res?: ServerResponse): JournalEntry {
    const entry = this.ctx.journal.record(req.method ?? 'GET', url, req.headers);
    res?.on('finish', () => {
      entry.status = res.statusCode;
    });
    return entry;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kube-sim');
    if (!url.pathname.startsWith('/_sim/')) this.journal(req, url, res);
    const r: Route = route(url.pathname, this.ctx.registry);
    if (r.kind === 'admin') {
      if (!tokenMatches(bearerToken(req.headers), this.opts.adminToken())) throw unauthorized();
      await this.opts.admin(req, res, r.action, url.searchParams);
      return;
    }
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    switch (r.kind) {
      case 'version': sendVersion(res); return;
      case 'health': sendHealth(res, r.check, q.has('verbose')); return;
      default: break;
    }
    if (r.kind === 'openapiV2') {
      this.authenticate(req);
      const accept = req.headers['accept'] ?? '';
      if (!accept.includes('protobuf')) throw apiError('NotAcceptable', `only the following media types are accepted: ${OPENAPI_V2_PROTOBUF}`);
      const body = openApiV2Protobuf();
      res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF, 'Content-Length': body.length });
      res.end(body);
      return;
    }
    if (r.kind !== 'resource') {
      this.authenticate(req);
      if (method !== 'GET') throw methodNotAllowed();
      const slow = this.ctx.faults.discoveryLatency();
      if (slow > 0) await sleep(slow);
      if (negotiate(req.headers['accept'], false) === undefined) throw apiError('NotAcceptable', 'only the following media types are accepted: application/json');
      switch (r.kind) {
        case 'apiVersions': sendJson(res, 200, apiVersions(this.ctx.serverAddress())); return;
        case 'apiGroupList': sendJson(res, 200, apiGroupList(this.ctx.registry, (g) => g !== METRICS_GROUP || this.ctx.config.metricsServer)); return;
        case 'apiGroup': sendJson(res, 200, r.group === METRICS_GROUP && !this.ctx.config.metricsServer ? notFoundPath() : apiGroup(this.ctx.registry, r.group)); return;
        case 'resourceList': sendJson(res, 200, r.group === METRICS_GROUP && !this.ctx.config.metricsServer ? notFoundPath() : apiResourceList(this.ctx.registry, r.group, r.version, (sub) => sub !== 'ephemeralcontainers' || this.ctx.config.ephemeralContainers)); return;
        case 'openapiV3': sendJson(res, 200, r.path === undefined ? openApiV3Index(this.ctx.registry) : openApiV3Doc(this.ctx.registry, r.path)); return;
      }
    }
    const target = r.target;
    const verb = verbOf(method, target, q);
    await this.gate(req, url, target, verb, method === 'POST' || method === 'PUT' || method === 'PATCH');
    if (target.rt.group === METRICS_GROUP) {
      // Without metrics-server the group is not there at all.
      if (!this.ctx.config.metricsServer) throw apiError('NotFound', 'the server could not find the requested resource');
      handleMetrics(this.ctx, method, res, target, q);
      return;
    }
    const sub = target.subresource;
    // pods/ephemeralcontainers is read and written like the pod itself (GET answers the pod; PATCH/PUT may only add
    // ephemeral containers); not served at all when the sim plays an API server before 1.23.
    if (sub === 'ephemeralcontainers') ephemeralServed(this.ctx);
    if (sub === 'eviction') {
      await handleEviction(this.ctx, req, res, target, q);
      return;
    }
    if (sub && sub !== 'status' && sub !== 'scale' && sub !== 'finalize' && sub !== 'ephemeralcontainers') {
      const h = this.opts.subresources.get(`${target.rt.plural}/${sub}`);
      if (!h || method !== 'GET') throw methodNotAllowed();
      await h(req, res, target, q);
      return;
    }
    const format: OutputFormat | undefined = negotiate(req.headers['accept'], sub !== 'scale');
    if (!format) throw apiError('NotAcceptable', 'only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io');
    switch (method) {
      case 'GET':
      case 'HEAD':
        if (target.name === undefined) {
          if (verb === 'watch') await handleWatch(this.ctx, res, target, q, format);
          else await handleList(this.ctx, res, target, q, format);
          return;
        }
        if (verb === 'watch') {
          // A watch on a single object: a field selector on its name.
          q.set('fieldSelector', [q.get('fieldSelector'), `metadata.name=${target.name}`].filter((s) => s).join(','));
          await handleWatch(this.ctx, res, { ...target, name: undefined }, q, format);
          return;
        }
        {
          const rec = this.ctx.store.require(target.rt, target.namespace ?? '', target.name);
          if (sub === 'scale') sendJson(res, 200, toScale(parseStored(rec)));
          else sendObject(res, 200, target.rt, rec, format, q, this.ctx.store.now());
        }
        return;
      case 'POST': await handleCreate(this.ctx, req, res, target, q, format); return;
      case 'PUT':
        if (target.name === undefined) break;
        await handleUpdate(this.ctx, req, res, target, q, format);
        return;
      case 'PATCH':
        if (target.name === undefined) break;
        await handlePatch(this.ctx, req, res, target, q, format);
        return;
      case 'DELETE': await handleDelete(this.ctx, req, res, target, q, format); return;
      default: break;
    }
    sendError(res, methodNotAllowed());
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kube-sim');
    this.journal(req, url);
    const r = route(url.pathname, this.ctx.registry);
    if (r.kind !== 'resource' || !r.target.subresource) throw apiError('BadRequest', 'upgrade is only supported for exec, attach and portforward');
    const target = r.target;
    const h = this.opts.upgrades.get(`${target.rt.plural}/${target.subresource}`);
    if (!h) throw apiError('BadRequest', `upgrade is not supported for ${target.rt.plural}/${target.subresource}`);
    await this.gate(req, url, target, 'create');
    h(req, socket, head, target, url.searchParams);
  }
}
