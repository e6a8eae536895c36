import type { FileHandle } from 'node:fs/promises';
import type { KubeConfig } from '../../kube/kubeconfig.js';
import type { LogLine } from '../../kube/logs/log-line.js';
import { readLog, type LogRead } from '../../kube/logs/log-read.js';
import type { LogTarget } from '../../kube/logs/log-request.js';
import { errorMessage } from '../../util/errors.js';
import type { ClientPrompts } from '../pane.js';
import { lineText, type OriginLabels, type RenderOptions } from './line-render.js';
import { createLogFile, expandDir, logFileHeader, logFileName, writeAll, type LogFileMeta } from './log-files.js';

export interface ExportsDeps {
  /** The containers the pane shows now. */
  sources(): LogTarget[];
  kc(): KubeConfig;
  config(): { download_dir: string };
  /** Counts an open log request (daemon/status `streams.logs`). */
  streams(): () => void;
  meta(): LogFileMeta;
  render(): RenderOptions;
  labels: OriginLabels;
}

const CHUNK_LINES = 2000;

/**
 * `ctrl+s` writes the pane's (filtered) lines to a file; `ctrl+e` downloads each shown container's
 * whole log through the API into one (a section per container), streaming with backpressure so
 * memory stays bounded whatever the log's size. Both go to `[logs] download_dir`, named as
 * KubeTile names them, with a toast naming the file.
 */
export class LogExports {
  private readonly reads = new Set<LogRead>();
  private cancelled = false;

  constructor(private readonly deps: ExportsDeps) {}

  private async create(full: boolean): Promise<{ path: string; file: FileHandle; size: number }> {
    const when = new Date();
    const meta = this.deps.meta();
    const dir = expandDir(this.deps.config().download_dir);
    const made = await createLogFile(dir, logFileName(meta, when, full));
    try {
      return { ...made, size: await writeAll(made.file, logFileHeader(meta, when)) };
    } catch (err) {
      await made.file.close().catch(() => undefined);
      throw new Error(`writing ${made.path}: ${errorMessage(err)}`);
    }
  }

  async save(lines: readonly LogLine[], _filter: string, prompts: ClientPrompts): Promise<void> {
    let file: FileHandle | null = null;
    let path = '';
    try {
      const made = await this.create(false);
      file = made.file;
      path = made.path;
      const opts = this.deps.render();
      for (let i = 0; i < lines.length; i += CHUNK_LINES) {
        let text = '';
        for (const l of lines.slice(i, i + CHUNK_LINES)) text += `${lineText(l, this.deps.labels, opts)}\n`;
        await writeAll(file, text);
      }
      prompts.toast('success', `saved ${lines.length} line${lines.length === 1 ? '' : 's'} to ${made.path}`);
    } catch (err) {
      prompts.toast('error', `saving the logs${path ? ` to ${path}` : ''} failed: ${errorMessage(err)}`);
    } finally {
      await file?.close().catch(() => undefined);
    }
  }

  async download(prompts: ClientPrompts): Promise<void> {
    const targets = this.deps.sources();
    if (targets.length === 0) {
      prompts.toast('warn', 'nothing to download: this pane follows no container yet');
      return;
    }
    let file: FileHandle | null = null;
    let path = '';
    let count = 0;
    /** Bytes of whole lines (and headers) in the file. */
    let size = 0;
    let writeError: unknown = null;
    const problems: string[] = [];
    try {
      const made = await this.create(true);
      file = made.file;
      path = made.path;
      size = made.size;
      prompts.toast('info', `downloading the full log to ${path}…`);
      const opts = this.deps.render();
      const kc = this.deps.kc();
      for (const t of targets) {
        if (this.cancelled) break;
        if (targets.length > 1) size += await writeAll(file, `# ---- ${t.pod}${t.container ? `/${t.container}` : ''} ----\n`);
        const out = file;
        // Writes one after another (the stream's last lines come without waiting for the one before),
        // and the first that fails (a full disk, a file size limit) stops the download: going on
        // reported a truncated file as "downloaded".
        let written: Promise<void> = Promise.resolve();
        const read: LogRead = readLog({
          kc,
          target: t,
          start: { history: { all: true } },
          follow: false,
          origin: { pod: t.pod, container: t.container },
          onLines: (ls) => {
            if (writeError !== null) return;
            let text = '';
            for (const l of ls) text += `${lineText(l, this.deps.labels, opts)}\n`;
            written = written.then(async () => {
              if (writeError !== null) return;
              try {
                size += await writeAll(out, text);
                count += ls.length;
              } catch (err) {
                writeError = err;
                read.abort();
                // What part of the batch fitted goes: the file ends with the last whole line counted.
                await out.truncate(size).catch(() => undefined);
              }
            });
            return written;
          },
          track: this.deps.streams,
        });
        this.reads.add(read);
        const end = await read.done;
        this.reads.delete(read);
        await written;
        if (writeError !== null) break;
        if (end.kind === 'failed') {
          const msg = errorMessage(end.error);
          problems.push(msg);
          size += await writeAll(file, `# error: ${msg.replace(/[\x00-\x1f]/g, ' ')}\n`);
        } else if (end.kind === 'cut') {
          problems.push(end.message);
          size += await writeAll(file, `# error: the download was cut: ${end.message.replace(/[\x00-\x1f]/g, ' ')}\n`);
        }
      }
      if (this.cancelled) return;
      if (writeError !== null) {
        prompts.toast('error', `downloading the log failed: writing ${path}: ${errorMessage(writeError)} (it has the first ${count} line${count === 1 ? '' : 's'})`);
        return;
      }
      if (problems.length === targets.length) prompts.toast('error', `downloading the log failed: ${problems[0]} (see ${path})`);
      else prompts.toast(problems.length ? 'warn' : 'success', `downloaded ${count} line${count === 1 ? '' : 's'} to ${path}${problems.length ? ` (${problems.length} failed: ${problems[0]})` : ''}`);
    } catch (err) {
      prompts.toast('error', `downloading the logs${path ? ` to ${path}` : ''} failed: ${errorMessage(err)}`);
    } finally {
      await file?.close().catch(() => undefined);
    }
  }

  /** The pane closed: stop downloads in progress. */
  cancel(): void {
    this.cancelled = true;
    for (const r of this.reads) r.abort();
    this.reads.clear();
  }
}
