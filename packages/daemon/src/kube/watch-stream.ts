import type { KubeConfig } from './kubeconfig.js';
import { KubeApiError, statusError, transportError } from './api-error.js';
import { STREAM_KEEPALIVE_MS } from './body-sink.js';
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
      res.on('end', () => finish(statusError(status, body, `watch ${path}`, res.headers['retry-after'])));
      res.on('error', (err) => finish(transportError(err, p.server)));
      return;
    }
    if (finished) return;
    on.open();
    res.socket?.setKeepAlive(true, STREAM_KEEPALIVE_MS);
    r.setTimeout(idleMs, () => finish(new KubeApiError(`the watch of ${path} was silent for ${Math.round(idleMs / 1000)} s`, 0, 'WatchIdle')));
    // The start of the current line, in the pieces it came in: only each new chunk is searched for
    // the newline, and the line is joined once. (Appending each chunk to one string and searching it
    // from its start again copied and scanned the whole line per chunk: a line of 32 MB cost the
    // daemon half a minute of CPU, in turns of up to 100 ms, and again after every relist.)
    let parts: string[] = [];
    let partsLength = 0;
    res.on('data', (chunk: string) => {
      let start = 0;
      for (let i = chunk.indexOf('\n'); i >= 0 && !finished; i = chunk.indexOf('\n', start)) {
        let line = chunk.slice(start, i);
        start = i + 1;
        if (parts.length > 0) {
          parts.push(line);
          line = parts.join('');
          parts = [];
          partsLength = 0;
        }
        if (line.trim() !== '') handle(line);
      }
      if (finished || start >= chunk.length) return;
      parts.push(start === 0 ? chunk : chunk.slice(start));
      partsLength += chunk.length - start;
      if (partsLength > MAX_LINE) {
        parts = [];
        finish(new KubeApiError(`the API server sent a watch event over ${MAX_LINE} bytes on ${path}`, 0, 'MalformedEvent'));
      }
    });
    res.on('end', () => {
      const rest = parts.join('');
      parts = [];
      if (rest.trim() !== '' && !finished) handle(rest);
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
