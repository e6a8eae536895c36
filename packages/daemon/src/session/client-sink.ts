import type { PaneView, SessionLayout } from '@kubetile/rpc-schema';
import type { SharedView } from '../view/shared-views.js';

/** How the daemon reaches one attached terminal. Implemented by the RPC connection. */
export interface ClientSink {
  layout(layout: SessionLayout): void;
  /**
   * The client keeps each pane's last view: a table view whose columns and rows are those of the last
   * one sent for the pane goes as `rowsOf` (session/attach's `sameRows`). Read by the frame scheduler.
   */
  readonly sameRows?: boolean;
  /** `shared`: the same view already serialised (shared by the clients that show it at this size). */
  view(paneId: number, seq: number, view: PaneView, shared?: SharedView): void;
  toast(level: 'info' | 'success' | 'warn' | 'error', text: string): void;
  clipboard(text: string): void;
  /** Open `text` in this terminal's editor as a file named like `file` (editor/open); it answers with editor/done. */
  openEditor(editId: string, file: string, text: string): void;
  /** The client's session was ended (session/kill): it is told, and is no longer attached. */
  sessionEnded(session: string, reason: string): void;
  /** True while the socket has more queued than we want to add to (a slow client). */
  backlogged(): boolean;
  /** Calls back once the backlog has drained. */
  onDrain(cb: () => void): void;
  /** Everything `send` sends reaches the client in one write (a frame's layout and views). */
  batch?(send: () => void): void;
}
