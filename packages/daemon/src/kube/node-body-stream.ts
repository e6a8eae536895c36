import type { ClientRequest, IncomingMessage } from 'node:http';
import type { KubeConfig } from './kubeconfig.js';
import { prepareWith, type ConnectionOptions, type KubeRequest } from './kube-http.js';
import { STREAM_KEEPALIVE_MS, type BodySink, type PreparedBodyStream } from './body-sink.js';

/**
 * A streamed GET through Node's HTTP client (a cluster behind a proxy: its agent opens the tunnel).
 * The body is read with read() on 'readable', not with a 'data' listener: read() hands over all
 * that arrived since the last call as one buffer, with no event and call per chunk. Not reading is
 * the backpressure: unread data stays in the stream, and past its highWaterMark the parser stops
 * reading the socket.
 */
export function nodeBodyStream(kc: KubeConfig, req: KubeRequest, conn: ConnectionOptions): PreparedBodyStream {
  const prepared = prepareWith(kc, req, conn);
  return {
    server: prepared.server,
    what: prepared.what,
    start(sink: BodySink) {
      let stopped = false;
      let answered = false;
      let r: ClientRequest | null = null;
      const fail = (err: unknown): void => {
        if (stopped) return;
        stopped = true;
        sink.onFail(err, answered);
      };
      const onResponse = (res: IncomingMessage): void => {
        answered = true;
        sink.onStatus(res.statusCode ?? 0);
        let ended = false;
        let wait: Promise<void> | null = null;
        const drain = (): void => {
          if (stopped || wait) return;
          let c: Buffer | null;
          while ((c = res.read() as Buffer | null) !== null) {
            const w = sink.onBody(c);
            if (w) {
              wait = w;
              const resume = (): void => {
                wait = null;
                drain();
                if (ended) finish();
              };
              void w.then(resume, resume);
              return;
            }
          }
        };
        const finish = (): void => {
          if (stopped || wait) return;
          stopped = true;
          sink.onEnd();
        };
        res.on('readable', drain);
        res.on('end', () => {
          ended = true;
          finish();
        });
        // Node's word for a body cut short (the connection closed mid-chunk) is an error "aborted": the server closed it.
        res.on('error', (err) => fail(err.message === 'aborted' ? null : err));
        res.on('close', () => {
          if (!ended) fail(null);
        });
      };
      try {
        r = prepared.start(onResponse);
      } catch (err) {
        // The TLS material refused (prepareWith names it): said once the caller has its handle.
        queueMicrotask(() => fail(err));
        return { abort: () => void (stopped = true) };
      }
      r.on('socket', (s) => s.setKeepAlive(true, STREAM_KEEPALIVE_MS));
      r.on('error', fail);
      return {
        abort() {
          stopped = true;
          r?.destroy();
        },
      };
    },
  };
}
