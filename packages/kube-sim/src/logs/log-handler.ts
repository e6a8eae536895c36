/** GET …/pods/{name}/log (checklist G1, G3). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, invalid } from '../api/status.js';
import type { ResourceTarget } from '../http/router.js';
import { queryBool } from '../http/query.js';
import { writeAsync } from '../http/respond.js';
import { allContainers, containerState, mainContainers, nodeName } from '../runtime/pod-info.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseStored } from '../store/stored-object.js';
import type { KubeObject } from '../types.js';
import type { LogLine } from './container-log.js';
import type { LogStore } from './log-store.js';

export interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines: number | undefined;
  limitBytes: number | undefined;
  sinceMs: number | undefined;
}

function intOf(q: URLSearchParams, k: string, min: number, pod: string): number | undefined {
  const v = q.get(k);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || n < min) {
    throw invalid('PodLogOptions', pod, [{ reason: 'FieldValueInvalid', field: k, message: `Invalid value: ${v}: must be greater than or equal to ${min}` }]);
  }
  return n;
}

export function parseLogOptions(q: URLSearchParams, pod: string, now: number): LogOptions {
  const sinceSeconds = intOf(q, 'sinceSeconds', 1, pod);
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
    sinceMs = t;
  }
  return {
    container: q.get('container') ?? '',
    follow: queryBool(q, 'follow'),
    previous: queryBool(q, 'previous'),
    timestamps: queryBool(q, 'timestamps'),
    tailLines: intOf(q, 'tailLines', 0, pod),
    limitBytes: intOf(q, 'limitBytes', 1, pod),
    sinceMs,
  };
}

/** Picks the container a log/exec/attach request means, with the apiserver's errors. */
export function resolveContainer(pod: KubeObject, requested: string): string {
  const name = pod.metadata.name ?? '';
  if (requested) {
    if (!allContainers(pod).some((c) => c.name === requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const main = mainContainers(pod);
  if (main.length === 1) return main[0]?.name ?? '';
  const inits = allContainers(pod).filter((c) => c.kind === 'init').map((c) => c.name);
  const initPart = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${main.map((c) => c.name).join(' ')}]${initPart}`);
}

function render(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${line.ts} ${line.text}\n` : `${line.text}\n`;
}

export function makeLogHandler(getStore: () => ObjectStore, getLogs: () => LogStore) {
  return async (_req: IncomingMessage, res: ServerResponse, target: ResourceTarget, q: URLSearchParams): Promise<void> => {
    const store = getStore();
    const logs = getLogs();
    const rec = store.require(target.rt, target.namespace ?? '', target.name ?? '');
    const pod = parseStored(rec);
    const podName = pod.metadata.name ?? '';
    const opts = parseLogOptions(q, podName, Date.now());
    const container = resolveContainer(pod, opts.container);
    if (!nodeName(pod)) {
      // The real apiserver answers an unscheduled pod's log with an empty 204.
      res.writeHead(204);
      res.end();
      return;
    }
    const uid = pod.metadata.uid ?? '';
    let log = opts.previous ? logs.previous(uid, container) : logs.current(uid, container);
    if (!log) {
      if (opts.previous) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
      const state = containerState(pod, container);
      if (state.startsWith('waiting') || state === 'unknown') {
        const reason = state.startsWith('waiting:') ? state.slice('waiting:'.length) : 'ContainerCreating';
        throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
      }
      log = logs.ensure(uid, container);
    }
    // Follow from the moment of the snapshot: lines appended while the backlog drains to a slow
    // client are queued, never lost between the two.
    const following = opts.follow && !log.ended;
    const queued: Array<LogLine | null> = [];
    let live: ((line: LogLine | null) => void) | null = null;
    const unfollow = following ? log.follow((line) => (live ? live(line) : queued.push(line))) : () => undefined;
    let closed = false;
    let onClosed: (() => void) | null = null;
    res.on('close', () => {
      closed = true;
      unfollow();
      onClosed?.();
    });
    let lines = log.snapshot().slice();
    if (opts.sinceMs !== undefined) {
      const since = opts.sinceMs;
      lines = lines.filter((l) => l.t >= since);
    }
    if (opts.tailLines !== undefined) lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);
    let budget = opts.limitBytes ?? Infinity;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', ...(opts.follow ? { 'Transfer-Encoding': 'chunked' } : {}) });
    res.flushHeaders();
    const emit = (text: string): boolean => {
      if (budget <= 0) return false;
      const bytes = Buffer.byteLength(text);
      if (bytes > budget) {
        res.write(Buffer.from(text).subarray(0, budget));
        budget = 0;
        return false;
      }
      budget -= bytes;
      res.write(text);
      return true;
    };
    const finish = (): void => {
      unfollow();
      res.end();
    };
    let chunk = '';
    for (const l of lines) {
      chunk += render(l, opts.timestamps);
      if (chunk.length > 32 * 1024) {
        if (!emit(chunk)) return finish();
        chunk = '';
        if (res.writableNeedDrain) await writeAsync(res, '');
        if (closed) return;
      }
    }
    if (chunk && !emit(chunk)) return finish();
    if (!following || closed) return finish();
    await new Promise<void>((resolve) => {
      let done = false;
      const end = (): void => {
        if (done) return;
        done = true;
        finish();
        resolve();
      };
      onClosed = () => {
        done = true;
        resolve();
      };
      live = (line) => {
        if (!done && (line === null || !emit(render(line, opts.timestamps)))) end();
      };
      for (const q of queued.splice(0)) live(q);
    });
  };
}

