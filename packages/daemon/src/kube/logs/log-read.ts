import type { KubeConfig } from '../kubeconfig.js';
import { KubeApiError, statusError, transportError } from '../api-error.js';
import type { BodySink, BodyStream } from '../body-sink.js';
import { prepareBodyStream } from '../body-stream.js';
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

/**
 * One GET of a container's log with `timestamps=true`, split into bounded lines (timestamps parsed,
 * text sanitised) as it streams. Memory is bounded: one partial line at most, lines handed out per
 * chunk, nothing queued.
 */
export function readLog(o: ReadOptions): LogRead {
  let aborted = false;
  let open = false;
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

  /** What the server answered: 0 until then; a refusal's body is collected for its Status. */
  let status = 0;
  const errorBody: Buffer[] = [];
  let errorSize = 0;
  const maxErrorBody = o.maxErrorBody ?? ERROR_BODY;
  const sink = (what: string, server: string): BodySink => ({
    onStatus(s) {
      status = s;
      if (s >= 200 && s < 300) {
        open = true;
        o.onOpen?.();
      }
    },
    onBody(chunk) {
      if (aborted) return;
      if (!open) {
        if (errorSize < maxErrorBody) {
          errorBody.push(Buffer.from(chunk));
          errorSize += chunk.length;
        }
        return;
      }
      splitter.push(chunk);
      const w = flush();
      if (w) return w;
      if (partialDue()) o.onPartial?.();
    },
    onEnd() {
      if (aborted) return settle({ kind: 'aborted' });
      if (!open) return settle({ kind: 'failed', error: statusError(status, Buffer.concat(errorBody).toString('utf8').slice(0, maxErrorBody), what) });
      // The server finished: a last line without a newline counts (a non-follow read, a terminated
      // container). `done` waits until the last lines are taken (onLines' promise): a resume's
      // lines, held until its pod was checked, were dropped as those of a stream already over (the
      // last lines of a container that terminated meanwhile, the ones that say why, never shown).
      splitter.finish();
      const last = flush();
      const eof = (): void => settle(aborted ? { kind: 'aborted' } : { kind: 'eof' });
      if (!last) return eof();
      void last.then(eof, eof);
    },
    onFail(err, answered) {
      if (aborted) return settle({ kind: 'aborted' });
      if (!answered) return settle({ kind: 'failed', error: err instanceof KubeApiError ? err : transportError(err, server) });
      if (!open) return settle({ kind: 'failed', error: new KubeApiError(`${what}: HTTP ${status}`, status) });
      // Complete lines count; a partial one is read again whole after the resume.
      void flush();
      splitter.reset();
      settle({ kind: 'cut', message: err === null ? 'the API server closed the stream' : transportError(err, server).message });
    },
  });

  let stream: BodyStream | null = null;
  void (async () => {
    try {
      const prepared = await prepareBodyStream(o.kc, { path: logPath(o.target), query: logQuery(o.target, o.start, o.follow), accept: 'text/plain, application/json' });
      if (aborted) return settle({ kind: 'aborted' });
      stream = prepared.start(sink(prepared.what, prepared.server));
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
      stream?.abort();
      settle({ kind: 'aborted' });
    },
    partial,
  };
}
