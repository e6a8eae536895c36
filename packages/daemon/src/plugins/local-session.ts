import { errorMessage } from '../util/errors.js';
import type { PluginCommand } from './plugin-command.js';
import type { PluginSession, PluginSessionSink } from './plugin-session.js';
import { boundLines } from './render-payload.js';

export interface LocalPluginHandlers {
  /** plugin_on_open: an optional first render. Throwing puts the pane in its error state. */
  open?(): string[] | null;
  /** plugin_on_command: an optional render. Throwing shows the error in the pane. */
  command(cmd: PluginCommand): string[] | null;
  close?(): void;
}

/**
 * An in-process plugin session: the handlers run on a later microtask, as a worker's answer would
 * arrive later. Used by unit tests and for stub plugins; records every command it receives.
 */
export class LocalPluginSession implements PluginSession {
  readonly received: PluginCommand[] = [];
  closed = false;
  private sink: PluginSessionSink | null = null;

  constructor(private readonly handlers: LocalPluginHandlers) {}

  start(sink: PluginSessionSink): void {
    this.sink = sink;
    queueMicrotask(() => {
      if (this.closed) return;
      try {
        const lines = this.handlers.open?.() ?? null;
        sink.state({ kind: 'ready' });
        if (lines) sink.render(boundLines(lines));
      } catch (err) {
        sink.state({ kind: 'error', message: `plugin_on_open failed: ${errorMessage(err)}` });
      }
    });
  }

  command(cmd: PluginCommand): void {
    if (this.closed) return;
    this.received.push(cmd);
    queueMicrotask(() => {
      const sink = this.sink;
      if (this.closed || !sink) return;
      try {
        const lines = this.handlers.command(cmd);
        sink.notice(null);
        if (lines) sink.render(boundLines(lines));
      } catch (err) {
        sink.notice(`plugin_on_command: ${errorMessage(err)}`);
      }
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.handlers.close?.();
    }
    return Promise.resolve();
  }
}
