import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError, statusError, transportError } from './api-error.js';
import { prepareRequest } from './kube-http.js';

export interface WatchHandlers {
  /** The server accepted the watch: 200, headers in. */
  open(): void;
  event(type: string, object: unknown): void;
  /** The stream is over: null when the server ended it cleanly. Called once, and never after abort(). */
  end(err: KubeApiError | null): void;
}

export interface WatchStream {
  abort(): void;
}

/** One event line bigger than this is not an object the API server would send (etcd's limit is 1.5 MiB). */
const MAX_LINE = 32 * 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;

/**
 * A watch (`?watch=true`) as a stream of JSON lines, with the deadlines client-node's Watch lacks:
 * the answer must start within 10 s, and a stream silent for `idleMs` is ended (a dead connection
 * would otherwise hold the watch forever). A pre-stream error keeps the API server's Status
 * message; a line that is not an event ends the stream with `MalformedEvent` (an event may have
 * been lost, so the caller relists).
 */
export async function openWatch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  on: WatchHandlers,
  idleMs: number,
): Promise<WatchStream> {
  const p = await prepareRequest(kc, { path, query: { ...query, watch: 'true' } });
  let finished = false;
  const finish = (err: KubeApiError | null): void => {
    if (finished) return;
    finished = true;
    r.destroy();
    on.end(err);
  };
  const handle = (line: string): void => {
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      ev = null;
    }
    const e = ev as { type?: unknown; object?: unknown } | null;
    if (!e || typeof e.type !== 'string' || typeof e.object !== 'object' || e.object === null) {
      finish(new KubeApiError(`the API server sent a malformed watch event on ${path}`, 0, 'MalformedEvent'));
      return;
    }
    on.event(e.type, e.object);
  };
  const r = p.start((res) => {
    const status = res.statusCode ?? 0;
    res.setEncoding('utf8');
    if (status !== 200) {
      let body = '';
      res.on('data', (c: string) => {
        if (body.length < MAX_ERROR_BODY) body += c;
      });
      res.on('end', () => finish(statusError(status, body, `watch ${path}`)));
      res.on('error', (err) => finish(transportError(err, p.server)));
      return;
    }
    if (finished) return;
    on.open();
    res.socket?.setKeepAlive(true, 30_000);
    r.setTimeout(idleMs, () => finish(new KubeApiError(`the watch of ${path} was silent for ${Math.round(idleMs / 1000)} s`, 0, 'WatchIdle')));
    let buf = '';
    res.on('data', (chunk: string) => {
      buf += chunk;
      let start = 0;
      for (let i = buf.indexOf('\n'); i >= 0 && !finished; i = buf.indexOf('\n', start)) {
        const line = buf.slice(start, i);
        start = i + 1;
        if (line.trim() !== '') handle(line);
      }
      buf = buf.slice(start);
      if (buf.length > MAX_LINE) finish(new KubeApiError(`the API server sent a watch event over ${MAX_LINE} bytes on ${path}`, 0, 'MalformedEvent'));
    });
    res.on('end', () => {
      if (buf.trim() !== '' && !finished) handle(buf);
      finish(null);
    });
    res.on('error', (err) => finish(transportError(err, p.server)));
    res.on('close', () => {
      if (!res.complete) finish(transportError(Object.assign(new Error('the connection was cut mid-watch'), { code: 'ECONNRESET' }), p.server));
    });
  });
  r.on('error', (err) => finish(err instanceof KubeApiError ? err : transportError(err, p.server)));
  return {
    abort: () => {
      finished = true;
      r.destroy();
    },
  };
}
