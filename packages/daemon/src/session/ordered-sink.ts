import type { ClientSink } from './client-sink.js';

/**
 * A client's sink whose notifications (toasts, clipboard) leave after the frame pending for that
 * client: `flushPending` sends it (see FrameScheduler.flushPending). Frames themselves go to the
 * sink as they are.
 */
export function orderedSink(sink: ClientSink, flushPending: () => void): ClientSink {
  return {
    layout: (layout) => sink.layout(layout),
    view: (paneId, seq, view, shared) => sink.view(paneId, seq, view, shared),
    toast: (level, text) => {
      flushPending();
      sink.toast(level, text);
    },
    clipboard: (text) => {
      flushPending();
      sink.clipboard(text);
    },
    openEditor: (editId, file, text) => {
      flushPending();
      sink.openEditor(editId, file, text);
    },
    sessionEnded: (session, reason) => {
      flushPending();
      sink.sessionEnded(session, reason);
    },
    backlogged: () => sink.backlogged(),
    onDrain: (cb) => sink.onDrain(cb),
    ...(sink.batch ? { batch: (send: () => void) => sink.batch!(send) } : {}),
  };
}
