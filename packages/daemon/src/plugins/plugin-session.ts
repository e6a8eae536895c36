import type { PluginCommand } from './plugin-command.js';
import type { RichRender } from './render-v2.js';

/** Where a plugin pane is: starting, running, restarting after a crash, or stopped with a reason. */
export type PluginState =
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'restarting'; reason: string; crashes: number }
  | { kind: 'error'; message: string };

/** How a session reports to its pane. */
export interface PluginSessionSink {
  state(state: PluginState): void;
  /** The plugin's latest render, already validated and bounded. */
  render(lines: string[]): void;
  /**
   * An ABI v2 render (styled lines, a table), already validated. A sink without it gets the
   * render's plain text through `render`.
   */
  rich?(render: RichRender): void;
  /** A non-fatal problem with the last call (the plugin's own error); null clears it. */
  notice(text: string | null): void;
}

/**
 * The plugin behind one pane (seed phase 1). The pane translates PaneCommands and forwards them
 * here; the session runs the plugin without ever blocking the caller and reports renders and state
 * through the sink. `LocalPluginSession` runs a TypeScript handler in-process (tests, stubs);
 * `WasmSession` runs a WASM plugin in an Extism worker.
 */
export interface PluginSession {
  start(sink: PluginSessionSink): void;
  /** `origin`: the attached client that sent it (null: a script, or not known). */
  command(cmd: PluginCommand, origin?: string | null): void;
  /** The pane is gone: plugin_on_close, then the instance is released. Resolves when done. */
  close(): Promise<void>;
}

/** A render of either ABI: v1 plain lines, or a v2 rich render. */
export type PluginRender = { kind: 'plain'; lines: string[] } | { kind: 'rich'; render: RichRender };
