import { notAskedMessage, type ConfirmState } from '../session/client-state.js';
import type { Workspace } from '../session/workspace.js';

/** Where a plugin write is confirmed: a dialog on one attached client. */
export interface WriteConfirmUi {
  /**
   * Asks client `clientId` (y/n). `gone`: that client is not attached (or detached meanwhile);
   * `no`: it answered no, dismissed the dialog, or `signal` withdrew the question (the dialog closes).
   */
  ask(clientId: string, text: string, signal: AbortSignal): Promise<'yes' | 'no' | 'gone'>;
  /** Whether the client is attached now. */
  attached(clientId: string): boolean;
}

export function workspaceWriteConfirm(ws: Workspace): WriteConfirmUi {
  return {
    attached: (clientId) => ws.clients.has(clientId),
    ask(clientId, text, signal) {
      const client = ws.clients.get(clientId)?.state;
      if (!client) return Promise.resolve('gone');
      return new Promise((resolve) => {
        let done = false;
        const finish = (v: 'yes' | 'no' | 'gone'): void => {
          if (done) return;
          done = true;
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        };
        const overlay: ConfirmState = {
          type: 'confirm',
          title: 'Plugin write',
          text,
          onConfirm: () => finish('yes'),
          onCancel: () => finish(ws.clients.has(clientId) ? 'no' : 'gone'),
        };
        const onAbort = (): void => {
          if (client.overlay === overlay) {
            client.closeOverlay(false);
            ws.refreshClient(client);
          }
          finish('no');
        };
        if (signal.aborted) return finish('no');
        signal.addEventListener('abort', onAbort, { once: true });
        if (!client.setOverlay(overlay)) {
          ws.clients.get(clientId)?.sink.toast('warn', notAskedMessage(text));
          return;
        }
        ws.refreshClient(client);
      });
    },
  };
}
