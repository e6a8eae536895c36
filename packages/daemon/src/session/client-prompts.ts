import type { Logger } from '../logging/logger.js';
import type { ClientPrompts } from '../panes/pane.js';
import { notAskedMessage, type ClientState } from './client-state.js';
import type { Workspace } from './workspace.js';

/**
 * Prompts on one attached client, as overlays: each resolves with the answer, or null/false when
 * the user cancels, another overlay replaces it or the client detaches.
 */
export function clientPrompts(ws: Workspace, client: ClientState): ClientPrompts {
  const show = <T>(make: (resolve: (v: T) => void) => Parameters<ClientState['setOverlay']>[0], cancelled: T): Promise<T> =>
    new Promise<T>((resolve) => {
      if (!ws.clients.has(client.id)) return resolve(cancelled);
      let done = false;
      const once = (v: T): void => {
        if (done) return;
        done = true;
        resolve(v);
      };
      const overlay = make(once);
      overlay.onCancel = () => once(cancelled);
      if (!client.setOverlay(overlay)) {
        ws.clients.get(client.id)?.sink.toast('warn', notAskedMessage(overlay.type === 'confirm' ? overlay.text : overlay.title));
        return;
      }
      ws.refreshClient(client);
    });
  return {
    interactive: true,
    pick: (title, items, opts) =>
      show<string | null>((resolve) => ({ type: 'selector', title, items: [...items], query: '', selected: opts?.selected ?? 0, onPick: (item) => resolve(item) }), null),
    ask: (title, value = '', validate) => show<string | null>((resolve) => ({ type: 'input', title, value, ...(validate ? { validate } : {}), onSubmit: (v) => resolve(v) }), null),
    confirm: (text) => show<boolean>((resolve) => ({ type: 'confirm', title: 'Confirm', text, onConfirm: () => resolve(true) }), false),
    toast: (level, text) => ws.clients.get(client.id)?.sink.toast(level, text),
  };
}

/** Prompts for a script (no attached client): nothing can be asked; toasts go to the log. */
export function scriptPrompts(logger: Logger): ClientPrompts {
  return {
    interactive: false,
    pick: async () => null,
    ask: async () => null,
    confirm: async () => false,
    toast: (level, text) => logger[level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'info']({ toast: true }, text),
  };
}
