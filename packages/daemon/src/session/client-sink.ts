import type { PaneView, SessionLayout } from '@kubetile/rpc-schema';

/** How the daemon reaches one attached terminal. Implemented by the RPC connection. */
export interface ClientSink {
  layout(layout: SessionLayout): void;
  view(paneId: number, seq: number, view: PaneView): void;
  toast(level: 'info' | 'success' | 'warn' | 'error', text: string): void;
  clipboard(text: string): void;
  /** True while the socket has more queued than we want to add to (a slow client). */
  backlogged(): boolean;
  /** Calls back once the backlog has drained. */
  onDrain(cb: () => void): void;
}
