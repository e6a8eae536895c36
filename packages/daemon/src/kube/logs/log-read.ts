import type { ClientRequest, IncomingMessage } from 'node:http';
import type { KubeConfig } from '../kubeconfig.js';
import { KubeApiError, statusError, transportError } from '../api-error.js';
import { prepareRequest } from '../kube-http.js';
import { LineSplitter, MAX_LINE_BYTES } from './line-splitter.js';
import { arrivalSeq, parseTimestamp, StreamLine, type LogLine, type LogOrigin } from './log-line.js';
import { logPath, logQuery, type LogTarget, type ReadStart } from './log-request.js';
import { provisionalLine } from './partial-line.js';

/** How a read ended: the server finished the body, the connection broke, the request was refused, or we stopped it. */
export type ReadEnd = { kind: 'eof' } | { kind: 'cut'; message: string } | { kind: 'failed'; error: unknown } | { kind: 'aborted' };

export interface LogRead {
  /** Resolves once the request is over (never rejects); after a body's end, once the last lines are taken (see onLines). */
  readonly done: Promise<ReadEnd>;
  /** True once the server answered 200 and the body is streaming. */
  readonly open: boolean;
  abort(): void;
  /**
   * The line still waiting for its newline, to show for now (see PARTIAL_MS), or null. Made once
   * per change of the line, however many panes ask.
   */
  partial(): LogLine | null;
}

/**
 * A line waits this long for its newline before it is shown as it is: a progress bar redrawn with
 * `\r` (no newline for minutes) shows as it is drawn, as `kubectl logs -f` shows it, while the
 * halves of lines that a busy stream's chunks end with (their rest a moment later) are not shown
 * at the bottom of a pane of many pods, a jumble of fragments each frame.
 */
export const PARTIAL_MS = 100;

export interface ReadOptions {
  kc: KubeConfig;
  target: LogTarget;
  start: ReadStart;
  follow: boolean;
  origin: LogOrigin;
  /**
   * Lines of one chunk, in order; called synchronously as data arrives (TCP pushes back while it
   * runs). A returned promise pauses the body until it settles (a file being written, a resume's
   * pod being checked); the end of the body waits for it too: no call and no `done` meanwhile.
   */
  onLines(lines: LogLine[]): void | Promise<void>;
  /** The server answered 200: the stream is open. */
  onOpen?(): void;
  /** The line waiting for its newline changed, or has waited PARTIAL_MS (read it with `partial()`). */
  onPartial?(): void;
  /** Counts the open request (daemon/status `streams.logs`); returns its closer. */
  track?(): () => void;
  /** Longest Status body read from a refused request. */
  maxErrorBody?: number;
  maxLine?: number;
}

const ERROR_BODY = 64 * 1024;

/**
 * Decodes a chunk (all the body one read() returned) once: a line is then a range of that string.
 * Only when every byte of the chunk is one character (plain ASCII) are byte offsets string offsets;
 * otherwise a line is decoded on its own. Small chunks are decoded per line (a kept line never
 * holds a big string for a few bytes).
 */
class ChunkText {
  private buf: Buffer | null = null;
  private str = '';
  private aligned = false;
  /** The last line: a string and the range of it that is the line. */
  src = '';
  from = 0;
  to = 0;

  line(buf: Buffer, from: number, to: number): void {
    if (buf !== this.buf) {
      this.buf = buf;
      this.str = buf.length >= 4096 ? buf.toString('utf8') : '';
      this.aligned = this.str.length === buf.length;
    }
    if (this.aligned) {
      this.src = this.str;
      this.from = from;
      this.to = to;
    } else {
      this.src = buf.toString('utf8', from, to);
      this.from = 0;
      this.to = this.src.length;
    }
  }
}

/** A follow stream can be quiet for hours; the kernel's keepalive notices a dead peer. */
const KEEPALIVE_MS = 30_000;

/**
 * One GET of a container's log with `timestamps=true`, split into bounded lines (timestamps parsed,
 * text sanitised) as it streams. Memory is bounded: one partial line at most, lines handed out per
 * chunk, nothing queued.
 */
export function readLog(o: ReadOptions): LogRead {
  let aborted = false;
  let req: ClientRequest | null = null;
  let open = false;
  /** The body ended while onLines' promise was pending: `done` waits for it (abort() does not). */
  let held = false;
  let settle!: (e: ReadEnd) => void;
  const done = new Promise<ReadEnd>((resolve) => {
    let settled = false;
    settle = (e) => {
      if (settled) return;
      settled = true;
      resolve(e);
    };
  });
  const untrack = o.track?.() ?? (() => undefined);
  let partialTimer: NodeJS.Timeout | null = null;
  void done.then(() => {
    if (partialTimer) clearTimeout(partialTimer);
    untrack();
  });

  let prevSec = 0;
  let prevNano = 0;
  let batch: LogLine[] = [];
  const text = new ChunkText();
  const splitter = new LineSplitter((buf, start, end, cut) => {
    const ts = parseTimestamp(buf, start, end);
    let from = start;
    if (ts) {
      prevSec = ts.sec;
      prevNano = ts.nano;
      from = ts.textStart;
    }
    // A line without a timestamp (a broken server, a proxy) sorts with the line before it.
    text.line(buf, from, end);
    batch.push(new StreamLine(prevSec, prevNano, arrivalSeq(), text.src, text.from, text.to, o.origin, cut));
  }, o.maxLine ?? MAX_LINE_BYTES);
  /** The partial line's number (splitter.lines when it began) and when it began. */
  let partialLine = -1;
  let partialSince = 0;
  let shown: { version: number; line: LogLine | null } | null = null;
  /** Notes a partial line's start; says whether it has waited long enough to be shown (else asks again when it has). */
  const partialDue = (): boolean => {
    if (!splitter.hasPartial) return false;
    if (partialLine !== splitter.lines) {
      partialLine = splitter.lines;
      partialSince = Date.now();
    }
    if (Date.now() - partialSince >= PARTIAL_MS) return true;
    if (!partialTimer && o.onPartial) {
      partialTimer = setTimeout(() => {
        partialTimer = null;
        if (!aborted && partialDue()) o.onPartial?.();
      }, PARTIAL_MS + 1 - (Date.now() - partialSince));
      partialTimer.unref();
    }
    return false;
  };
  const partial = (): LogLine | null => {
    if (aborted || !partialDue()) return null;
    if (shown?.version !== splitter.version) {
      const p = splitter.partial();
      shown = { version: splitter.version, line: p ? provisionalLine(p.bytes, p.cut, prevSec, prevNano, o.origin) : null };
    }
    return shown.line;
  };

  /** Hands the lines so far out; returns what onLines returned (a promise: read no more until it settles). */
  const flush = (): void | Promise<void> => {
    if (batch.length === 0) return;
    const out = batch;
    batch = [];
    return o.onLines(out);
  };

  const onResponse = (res: IncomingMessage, what: string, server: string): void => {
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size >= (o.maxErrorBody ?? ERROR_BODY)) return;
        chunks.push(c);
        size += c.length;
      });
      res.on('error', () => settle({ kind: 'failed', error: new KubeApiError(`${what}: HTTP ${status}`, status) }));
      res.on('end', () => settle({ kind: 'failed', error: statusError(status, Buffer.concat(chunks).toString('utf8').slice(0, o.maxErrorBody ?? ERROR_BODY), what) }));
      res.on('close', () => settle({ kind: 'failed', error: new KubeApiError(`${what}: HTTP ${status}`, status) }));
      return;
    }
    open = true;
    o.onOpen?.();
    let ended = false;
    /** What onLines returned that has not settled: the body is not read meanwhile. */
    let wait: Promise<void> | null = null;
    const resume = (): void => {
      wait = null;
      drain();
    };
    // The body is read with read() on 'readable', not with a 'data' listener: a server may send
    // each line as its own chunk, and read() hands over all that arrived since the last call as
    // one buffer (decoded once, its lines ranges of one string: no string of their own to keep),
    // with no event and call into us per chunk. It is called once the socket's read is handled,
    // so the lines of all its chunks go out together. Not reading is the backpressure: unread data
    // stays in the stream, and past its highWaterMark the parser stops reading the socket (TCP
    // pushes back), as pause() did.
    const drain = (): void => {
      if (aborted || wait) return;
      let c: Buffer | null;
      while ((c = res.read() as Buffer | null) !== null) {
        splitter.push(c);
        const w = flush();
        if (w) {
          wait = w;
          void w.then(resume, resume);
          return;
        }
      }
      if (partialDue()) o.onPartial?.();
    };
    res.on('readable', drain);
    res.on('end', () => {
      ended = true;
      if (aborted) return settle({ kind: 'aborted' });
      // Lines handed out are still being taken (onLines' promise): the end waits for them. Not
      // reading does not hold back an end already read, and `done` came first: a resume's lines,
      // held until its pod was checked, were dropped as those of a stream already over (the last
      // lines of a container that terminated meanwhile, the ones that say why, never shown).
      const eof = (): void => {
        held = false;
        settle(aborted ? { kind: 'aborted' } : { kind: 'eof' });
      };
      const finish = (): void => {
        if (aborted) return eof();
        // The server finished: a last line without a newline counts (a non-follow read, a terminated container).
        splitter.finish();
        const last = flush();
        if (!last) return eof();
        held = true;
        void last.then(eof, eof);
      };
      if (!wait) return finish();
      held = true;
      void wait.then(finish, finish);
    });
    res.on('error', (err) => {
      if (aborted) return settle({ kind: 'aborted' });
      // Complete lines count; a partial one is read again whole after the resume.
      void flush();
      splitter.reset();
      settle({ kind: 'cut', message: transportError(err, server).message });
    });
    res.on('close', () => {
      if (ended) return;
      if (aborted) return settle({ kind: 'aborted' });
      void flush();
      splitter.reset();
      settle({ kind: 'cut', message: 'the API server closed the stream' });
    });
  };

  void (async () => {
    try {
      const prepared = await prepareRequest(o.kc, { path: logPath(o.target), query: logQuery(o.target, o.start, o.follow), accept: 'text/plain, application/json' });
      if (aborted) return settle({ kind: 'aborted' });
      req = prepared.start((res) => onResponse(res, prepared.what, prepared.server));
      req.on('socket', (s) => s.setKeepAlive(true, KEEPALIVE_MS));
      req.on('error', (err) => {
        if (aborted) return settle({ kind: 'aborted' });
        settle(open ? { kind: 'cut', message: transportError(err, prepared.server).message } : { kind: 'failed', error: err instanceof KubeApiError ? err : transportError(err, prepared.server) });
      });
      req.on('close', () => {
        if (aborted) settle({ kind: 'aborted' });
      });
    } catch (err) {
      settle(aborted ? { kind: 'aborted' } : { kind: 'failed', error: err });
    }
  })();

  return {
    done,
    get open() {
      return open;
    },
    abort() {
      if (aborted) return;
      aborted = true;
      req?.destroy();
      // A body that ended (waiting for its last lines to be taken) has no request left to close.
      if (!req || held) settle({ kind: 'aborted' });
    },
    partial,
  };
}
