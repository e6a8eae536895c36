import type { FileHandle } from 'node:fs/promises';
import type { KubeConfig } from '../../kube/kubeconfig.js';
import type { LogLine } from '../../kube/logs/log-line.js';
import { readLog, type LogRead } from '../../kube/logs/log-read.js';
import type { LogTarget } from '../../kube/logs/log-request.js';
import { errorMessage } from '../../util/errors.js';
import type { ClientPrompts } from '../pane.js';
import { lineText, type OriginLabels, type RenderOptions } from './line-render.js';
import { createLogFile, expandDir, logFileHeader, logFileName, type LogFileMeta } from './log-files.js';

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

  private async create(full: boolean): Promise<{ path: string; file: FileHandle }> {
    const when = new Date();
    const meta = this.deps.meta();
    const dir = expandDir(this.deps.config().download_dir);
    const made = await createLogFile(dir, logFileName(meta, when, full));
    await made.file.write(logFileHeader(meta, when));
    return made;
  }

  async save(lines: readonly LogLine[], _filter: string, prompts: ClientPrompts): Promise<void> {
    let file: FileHandle | null = null;
    try {
      const made = await this.create(false);
      file = made.file;
      const opts = this.deps.render();
      for (let i = 0; i < lines.length; i += CHUNK_LINES) {
        let text = '';
        for (const l of lines.slice(i, i + CHUNK_LINES)) text += `${lineText(l, this.deps.labels, opts)}\n`;
        await file.write(text);
      }
      prompts.toast('success', `saved ${lines.length} line${lines.length === 1 ? '' : 's'} to ${made.path}`);
    } catch (err) {
      prompts.toast('error', `saving the logs failed: ${errorMessage(err)}`);
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
    const problems: string[] = [];
    try {
      const made = await this.create(true);
      file = made.file;
      path = made.path;
      prompts.toast('info', `downloading the full log to ${path}…`);
      const opts = this.deps.render();
      const kc = this.deps.kc();
      for (const t of targets) {
        if (this.cancelled) break;
        if (targets.length > 1) await file.write(`# ---- ${t.pod}${t.container ? `/${t.container}` : ''} ----\n`);
        const out = file;
        const read = readLog({
          kc,
          target: t,
          start: { history: { all: true } },
          follow: false,
          origin: { pod: t.pod, container: t.container },
          onLines: (ls) => {
            count += ls.length;
            let text = '';
            for (const l of ls) text += `${lineText(l, this.deps.labels, opts)}\n`;
            return out.write(text).then(() => undefined);
          },
          track: this.deps.streams,
        });
        this.reads.add(read);
        const end = await read.done;
        this.reads.delete(read);
        if (end.kind === 'failed') {
          const msg = errorMessage(end.error);
          problems.push(msg);
          await file.write(`# error: ${msg.replace(/[\x00-\x1f]/g, ' ')}\n`);
        } else if (end.kind === 'cut') {
          problems.push(end.message);
          await file.write(`# error: the download was cut: ${end.message.replace(/[\x00-\x1f]/g, ' ')}\n`);
        }
      }
      if (this.cancelled) return;
      if (problems.length === targets.length) prompts.toast('error', `downloading the log failed: ${problems[0]} (see ${path})`);
      else prompts.toast(problems.length ? 'warn' : 'success', `downloaded ${count} line${count === 1 ? '' : 's'} to ${path}${problems.length ? ` (${problems.length} failed: ${problems[0]})` : ''}`);
    } catch (err) {
      prompts.toast('error', `downloading the logs failed: ${errorMessage(err)}`);
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
