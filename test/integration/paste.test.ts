import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import {
  focusedExecPane, namespaceWith, pod, podsPane, startWorld, type, waitFor, waitScreen, type ExecWorld,
} from '../../packages/daemon/test/exec/harness.js';

/**
 * `client/paste` (what a terminal's bracketed paste becomes): text, never keys. Through a real
 * daemon with kube-sim behind: in normal mode and in a confirmation it is refused and the client
 * told why (no shell opened, nothing deleted); in the filter, an input and a selector's search it
 * is one line (its newline does not press Enter); into a shell it goes as a terminal sends a paste,
 * between the bracketed-paste markers once the program asked for them.
 */

let w: ExecWorld;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

const SIZE = { cols: 120, rows: 40 };

async function rows(c: RawClient, paneId: number): Promise<string[]> {
  const v = (await c.request<{ view: PaneView }>('pane/snapshot', { paneId, rows: 30, cols: 120 })).view;
  return v.type === 'table' ? v.rows.map((r) => String(r.cells.name)).sort() : [];
}

describe('a bracketed paste', () => {
  it('in normal mode is refused with the reason: its letters do not open a shell, and its i does not type into one', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('web-1', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      const paneId = await podsPane(a, ns, ['web-1']);
      const tabs = a.layout!.tabs.length;
      const r = await a.request<{ handled: boolean; command?: string }>('client/paste', { text: 'kubectl exec -it web-1 -- rm -rf /data\n' });
      expect(r).toEqual({ handled: false, command: 'paste:refused' });
      await waitFor('the refusal toast', () => a.toasts().find((t) => t.startsWith('paste not taken: in normal mode')) ?? null);
      // Nothing ran: the same pane focused, no exec pane, normal mode, no overlay.
      await a.request('rpc/echo', { value: 1 });
      const l = a.layout!;
      expect(l.mode).toBe('normal');
      expect(l.overlay).toBeNull();
      expect(l.tabs.length).toBe(tabs);
      expect(l.tabs.find((t) => t.id === l.activeTabId)!.focusedPaneId).toBe(paneId);
      expect(Object.values(l.paneTitles).some((t) => t.startsWith('exec '))).toBe(false);
    } finally {
      a.close();
    }
  });

  it('in a delete confirmation is refused: the confirmation stays open and the pod stays', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('db-1', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      await podsPane(a, ns, ['db-1']);
      await a.request('client/key', { key: 'ctrl+d' });
      await a.waitLayout('the confirmation', (l) => l.overlay?.type === 'confirm');
      const r = await a.request<{ handled: boolean; command?: string }>('client/paste', { text: 'y\n' });
      expect(r.command).toBe('paste:refused');
      await waitFor('the refusal toast', () => a.toasts().find((t) => t.includes('a confirmation is answered with y or n')) ?? null);
      expect(a.layout!.overlay?.type).toBe('confirm');
      await a.request('client/key', { key: 'n' });
      await a.waitLayout('the confirmation closed', (l) => l.overlay === null);
      expect(w.sim.getObject('v1', 'Pod', 'db-1', ns)).toBeDefined();
    } finally {
      a.close();
    }
  });

  it('into the filter is one line: the list narrows and the filter stays open (its newline is not Enter)', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('api-1', n), (n) => pod('api-2', n), (n) => pod('worker-1', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      const paneId = await podsPane(a, ns, ['api-1', 'api-2', 'worker-1']);
      await a.request('client/key', { key: '/' });
      await a.waitLayout('filter mode', (l) => l.mode === 'filter');
      const r = await a.request<{ handled: boolean; command?: string }>('client/paste', { text: 'api-\t2\r\n' });
      expect(r).toEqual({ handled: true, command: 'paste:filter' });
      await waitFor('the list filtered by the pasted line', async () => (JSON.stringify(await rows(a, paneId)) === '[]' ? true : null));
      // The tab became a space, the line break went: "api- 2" matches nothing; backspace twice → "api-".
      await a.request('client/key', { key: 'backspace' });
      await a.request('client/key', { key: 'backspace' });
      await waitFor('api pods listed', async () => (JSON.stringify(await rows(a, paneId)) === '["api-1","api-2"]' ? true : null));
      expect(a.layout!.mode).toBe('filter');
      // Only line breaks: nothing for a line, said so.
      const empty = await a.request<{ handled: boolean; command?: string }>('client/paste', { text: '\r\n\n' });
      expect(empty.command).toBe('paste:refused');
      await waitFor('the empty-paste toast', () => a.toasts().find((t) => t.includes('holds no text for a line')) ?? null);
    } finally {
      a.close();
    }
  });

  it("into a selector's search narrows it", async () => {
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      await a.request('client/key', { key: 'ctrl+n' });
      await a.waitLayout('the namespace selector', (l) => l.overlay?.type === 'selector');
      await a.request('client/paste', { text: 'kube-sys\n' });
      await a.waitLayout('the pasted search', (l) => l.overlay?.type === 'selector' && l.overlay.query === 'kube-sys');
      await a.request('client/key', { key: 'esc' });
    } finally {
      a.close();
    }
  });

  it('into a shell goes as typed lines, and between the bracketed-paste markers once the program asks for them', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('sh-1', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      await podsPane(a, ns, ['sh-1']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await a.waitLayout('insert mode', (l) => l.mode === 'insert');
      await waitScreen(a, paneId, 'the prompt', (r) => r.some((x) => x.startsWith('root@sh-1:/#')));
      // The shell has not asked for bracketed paste: the lines run, as a terminal would send them.
      const r = await a.request<{ handled: boolean; command?: string }>('client/paste', { text: 'echo one-pasted\necho two-pasted\n' });
      expect(r).toEqual({ handled: true, command: 'paste:insert' });
      await waitScreen(a, paneId, 'both pasted lines ran', (s) => s.includes('one-pasted') && s.includes('two-pasted'));
      // The program turns bracketed paste on (mode 2004, as bash's readline does): the paste comes
      // between the markers, so its line breaks do not run anything until Enter; an end marker
      // inside the text loses its ESC and cannot end the paste early.
      await type(a, "echo -ne '\\e[?2004h'\r");
      await waitScreen(a, paneId, 'the prompt after the mode change', (s) => s.at(-1) === 'root@sh-1:/#' || s.filter((x) => x.startsWith('root@sh-1:/#')).length >= 4);
      await a.request('client/paste', { text: 'echo three\necho four\x1b[201~\necho five-pasted\n' });
      // Echoed in order as the tty reads them: had a line break been Enter, `three` would be on the
      // screen before the last line was echoed.
      const echoed = await waitScreen(a, paneId, 'the pasted lines echoed', (s) => s.includes('echo five-pasted'));
      const rowsNow = echoed.rows.map((r) => r.map((x) => x.text).join('').trimEnd()).filter((x) => x !== '');
      expect(rowsNow.slice(-3)).toEqual(['root@sh-1:/# echo three', 'echo four[201~', 'echo five-pasted']);
      expect(rowsNow).not.toContain('three');
      await a.request('client/key', { key: 'enter' });
      await waitScreen(a, paneId, 'the pasted lines ran on Enter', (s) => s.includes('three') && s.includes('four[201~') && s.includes('five-pasted'));
    } finally {
      a.close();
    }
  });

  it('bad params are refused with the field named', async () => {
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE);
      await expect(a.request('client/paste', { text: '' })).rejects.toThrow(/client\/paste: invalid params: text/);
      await expect(a.request('client/paste', { text: 'x'.repeat(512 * 1024 + 1) })).rejects.toThrow(/client\/paste: invalid params: text/);
      await expect(a.request('client/paste', { text: 'x', key: 'j' })).rejects.toThrow(/key/);
      const script = await RawClient.connect(w.env.socket);
      try {
        await expect(script.request('client/paste', { text: 'x' })).rejects.toThrow(/attach/);
      } finally {
        script.close();
      }
    } finally {
      a.close();
    }
  });
});
