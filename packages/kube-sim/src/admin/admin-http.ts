/**
 * The admin interface over HTTP, for driving an out-of-process sim: `/_sim/<action>` on the API
 * port, authenticated with the sim's bearer token (still accepted after expireToken()).
 * GET for reads, POST with a JSON body for actions. Answers `{"ok":true,"result":...}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiError, badRequest } from '../api/status.js';
import { readJson } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { KubeSim } from '../sim.js';
import type { SimConfig } from '../sim-config.js';
import type { PatchType } from '../store/patch.js';
import { isRecord, type KubeObject } from '../types.js';
import type { InjectedErrorSpec, LatencySpec } from './faults.js';

type Body = Record<string, unknown>;

function num(b: Body, key: string, dflt?: number): number {
  const v = b[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`admin: "${key}" must be a number`);
  return v;
}

function optNum(b: Body, key: string): number | undefined {
  return b[key] === undefined ? undefined : num(b, key);
}

function str(b: Body, key: string, dflt?: string): string {
  const v = b[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || v === '') throw badRequest(`admin: "${key}" must be a non-empty string`);
  return v;
}

function optStr(b: Body, key: string): string | undefined {
  return b[key] === undefined ? undefined : str(b, key);
}

function optBool(b: Body, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw badRequest(`admin: "${key}" must be a boolean`);
  return v;
}

function strList(b: Body, key: string): string[] | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badRequest(`admin: "${key}" must be a list of strings`);
  return v as string[];
}

function kubeObject(v: unknown): KubeObject {
  if (!isRecord(v) || typeof v['apiVersion'] !== 'string' || typeof v['kind'] !== 'string') throw badRequest('admin: body must be an object with apiVersion and kind');
  if (v['metadata'] !== undefined && !isRecord(v['metadata'])) throw badRequest('admin: metadata must be an object');
  return { ...v, metadata: isRecord(v['metadata']) ? v['metadata'] : {} } as KubeObject;
}

const CONFIG_KEYS: Record<keyof SimConfig, 'number' | 'boolean' | 'string'> = {
  continueTtlMs: 'number',
  bookmarkIntervalMs: 'number',
  alwaysBookmarks: 'boolean',
  watchTimeoutSeconds: 'number',
  tooLargeRvWaitMs: 'number',
  slowConsumerBytes: 'number',
  execProtocols: 'string',
  podTerminationMs: 'number',
  execSendCloseFrames: 'boolean',
  userName: 'string',
  logLinesPerSecond: 'number',
  crashBackoffCapSeconds: 'number',
  ephemeralContainers: 'boolean',
      metricsServer: 'boolean',
};

function configPatch(b: Body): Partial<SimConfig> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(b)) {
    const t = CONFIG_KEYS[k as keyof SimConfig];
    if (!t) throw badRequest(`admin: unknown config key "${k}"`);
    if (typeof v !== t) throw badRequest(`admin: config "${k}" must be a ${t}`);
    if (k === 'execProtocols' && v !== 'all' && v !== 'apiserver' && v !== 'kubelet') throw badRequest('admin: execProtocols must be all, apiserver or kubelet');
    out[k] = v;
  }
  return out as Partial<SimConfig>;
}

function errorSpec(b: Body): InjectedErrorSpec {
  const spec: InjectedErrorSpec = { status: num(b, 'status') };
  const verb = optStr(b, 'verb');
  const resource = optStr(b, 'resource');
  const path = optStr(b, 'path');
  const count = optNum(b, 'count');
  const probability = optNum(b, 'probability');
  const message = optStr(b, 'message');
  const retry = optNum(b, 'retryAfterSeconds');
  if (verb) spec.verb = verb;
  if (resource) spec.resource = resource;
  if (path) spec.path = path;
  if (count !== undefined) spec.count = count;
  if (probability !== undefined) spec.probability = probability;
  if (message) spec.message = message;
  if (retry !== undefined) spec.retryAfterSeconds = retry;
  return spec;
}

type Action = (sim: KubeSim, body: Body, q: URLSearchParams) => unknown;

/** Extra actions contributed by the pod runtime (logs, containers, port targets). */
export const extraAdminActions = new Map<string, Action>();

const ACTIONS: Record<string, Action> = {
  'metrics': (sim, _b, q) => sim.metrics({ gc: q.get('gc') === '1' }),
  'journal': (sim, _b, q) => {
    const f: { path?: string; method?: string; sinceSeq?: number } = {};
    const p = q.get('path');
    const m = q.get('method');
    const s = q.get('sinceSeq');
    if (p) f.path = p;
    if (m) f.method = m;
    if (s) f.sinceSeq = Number(s);
    return sim.journalEntries(f);
  },
  'clear-journal': (sim) => sim.journal.clear(),
  'config': (sim, b) => sim.configure(configPatch(b)),
  'objects': (sim, b) => sim.createObject(kubeObject(b)),
  'objects/update': (sim, b) => sim.updateObject(kubeObject(b)),
  'objects/load': (sim, b) => {
    const items = b['items'];
    if (!Array.isArray(items)) throw badRequest('admin: body must be a List with "items"');
    return sim.loadObjects(items.map(kubeObject));
  },
  'objects/patch': (sim, b) => {
    const type = b['type'] === undefined ? 'merge' : str(b, 'type');
    if (!['merge', 'json', 'strategic'].includes(type)) throw badRequest('admin: type must be merge, json or strategic');
    return sim.patchObject(str(b, 'apiVersion'), str(b, 'kind'), str(b, 'name'), optStr(b, 'namespace'), b['patch'], type as PatchType);
  },
  'objects/delete': (sim, b) => sim.deleteObject(str(b, 'apiVersion'), str(b, 'kind'), str(b, 'name'), optStr(b, 'namespace') ?? 'default'),
  'add-pods': (sim, b) => sim.addPods(num(b, 'n'), optStr(b, 'namespace') ?? 'default', optStr(b, 'prefix') ? { prefix: str(b, 'prefix') } : {}),
  'compact': (sim) => sim.compact(),
  'expire-continue': (sim) => sim.expireContinueTokens(),
  'kill-watches': (sim, b) => sim.killWatches({ graceful: optBool(b, 'graceful') ?? true }),
  'stall-watches': (sim, b) => sim.stallWatches(num(b, 'ms')),
  'unstall-watches': (sim) => sim.unstallWatches(),
  'bookmark': (sim) => sim.bookmarkNow(),
  'watch-error': (sim, b) => {
    const o: { code?: number; message?: string; end?: boolean } = {};
    const code = optNum(b, 'code');
    const message = optStr(b, 'message');
    const end = optBool(b, 'end');
    if (code !== undefined) o.code = code;
    if (message) o.message = message;
    if (end !== undefined) o.end = end;
    return sim.injectWatchError(o);
  },
  'watch-garbage': (sim, b) => sim.injectWatchGarbage({ multiline: optBool(b, 'multiline') ?? false }),
  'inject-error': (sim, b) => sim.injectError(errorSpec(b)),
  'clear-errors': (sim) => sim.clearErrors(),
  'latency': (sim, b) => {
    const spec: LatencySpec = { ms: num(b, 'ms') };
    const verb = optStr(b, 'verb');
    const resource = optStr(b, 'resource');
    if (verb) spec.verb = verb;
    if (resource) spec.resource = resource;
    sim.setLatency(verb || resource ? spec : spec.ms);
  },
  'event-rate': (sim, b) => sim.setEventRate(num(b, 'perSec'), optStr(b, 'namespace')),
  'forbid': (sim, b) => sim.forbid(str(b, 'resource'), strList(b, 'verbs')),
  'allow': (sim, b) => sim.allow(optStr(b, 'resource')),
  'expire-token': (sim) => sim.expireToken(),
  'restore-token': (sim) => sim.restoreToken(),
  'reset-faults': (sim) => sim.resetFaults(),
  'logs/append': (sim, b) => {
    const lines = b['lines'];
    const list = typeof lines === 'string' ? [lines] : Array.isArray(lines) && lines.every((l) => typeof l === 'string') ? (lines as string[]) : undefined;
    if (!list) throw badRequest('admin: "lines" must be a string or a list of strings');
    sim.appendLog(str(b, 'namespace'), str(b, 'pod'), list, optStr(b, 'container'));
  },
  'logs/rate': (sim, b) => {
    const spec: { perSec: number; namespace?: string; pod?: string; container?: string; lineLength?: number } = { perSec: num(b, 'perSec') };
    const ns = optStr(b, 'namespace');
    const pod = optStr(b, 'pod');
    const container = optStr(b, 'container');
    const len = optNum(b, 'lineLength');
    if (ns) spec.namespace = ns;
    if (pod) spec.pod = pod;
    if (container) spec.container = container;
    if (len !== undefined) spec.lineLength = len;
    return sim.setLogRate(spec);
  },
  'containers/terminate': (sim, b) => {
    const o: { container?: string; exitCode?: number } = {};
    const c = optStr(b, 'container');
    const code = optNum(b, 'exitCode');
    if (c) o.container = c;
    if (code !== undefined) o.exitCode = code;
    sim.terminateContainer(str(b, 'namespace'), str(b, 'pod'), o);
  },
  'port-target': (sim, b) => {
    const host = optStr(b, 'targetHost') ?? '127.0.0.1';
    const tp = optNum(b, 'targetPort');
    sim.setPortTarget(str(b, 'namespace'), str(b, 'pod'), num(b, 'port'), tp === undefined ? null : { host, port: tp });
  },
  'containers/restart': (sim, b) => sim.restartContainer(str(b, 'namespace'), str(b, 'pod'), optStr(b, 'container')),
};

export async function handleAdmin(sim: KubeSim, req: IncomingMessage, res: ServerResponse, action: string, q: URLSearchParams): Promise<void> {
  const method = req.method ?? 'GET';
  if (action === 'restart') {
    if (method !== 'POST') throw apiError('MethodNotAllowed', 'admin: use POST');
    const raw = await readJson(req);
    const b: Body = isRecord(raw) ? raw : {};
    const keepState = optBool(b, 'keepState');
    const downMs = optNum(b, 'downMs');
    // Answer first: the restart drops this very connection.
    sendJson(res, 200, { ok: true, result: { port: sim.port } }, { Connection: 'close' });
    res.on('finish', () => {
      const o: { keepState?: boolean; downMs?: number } = {};
      if (keepState !== undefined) o.keepState = keepState;
      if (downMs !== undefined) o.downMs = downMs;
      setImmediate(() => { sim.restart(o).catch((err: unknown) => process.emitWarning(`kube-sim restart failed: ${String(err)}`)); });
    });
    return;
  }
  if (action === 'kill-sockets') {
    if (method !== 'POST') throw apiError('MethodNotAllowed', 'admin: use POST');
    const raw = await readJson(req);
    if (raw !== undefined && !isRecord(raw)) throw badRequest('admin: body must be a JSON object');
    const reset = optBool(raw ?? {}, 'reset') ?? false;
    // Every connection but this request's own, which closes after the answer.
    const n = sim.killSockets({ reset, spare: req.socket });
    sendJson(res, 200, { ok: true, result: n }, { Connection: 'close' });
    return;
  }
  const fn = ACTIONS[action] ?? extraAdminActions.get(action);
  if (!fn) throw apiError('NotFound', `admin: unknown action "${action}"; see packages/kube-sim/README.md`);
  let body: Body = {};
  if (method === 'POST') {
    const raw = await readJson(req);
    if (raw !== undefined && !isRecord(raw)) throw badRequest('admin: body must be a JSON object');
    body = raw ?? {};
  } else if (method !== 'GET') throw apiError('MethodNotAllowed', 'admin: use GET or POST');
  const result = await fn(sim, body, q);
  sendJson(res, 200, { ok: true, result: result ?? null });
}
