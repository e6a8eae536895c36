import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../helpers/rpc-client.js';
import {
  execStreams, focusedExecPane, namespaceWith, paneSize, pod, podsPane, rowsText, startWorld, type, waitFor, waitScreen, type ExecWorld,
} from '../../packages/daemon/test/exec/harness.js';

/**
 * `e` on a pod: a shell through the API WebSocket with a TTY, in a pane focused and in insert mode
 * for the client that pressed it. Keys (Esc included) reach the shell; the remote terminal takes
 * the size of the client that typed last; the exit code is shown and a key closes the pane; the
 * stream is closed and counted back. Real daemon, real clients, kube-sim behind.
 */

let w: ExecWorld;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});

const SIZE_A = { cols: 120, rows: 40 };
const SIZE_B = { cols: 90, rows: 30 };

describe('exec into a pod', () => {
  it('e opens a shell focused and in insert mode; it echoes input, gets Esc, and returns the exit code', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('web-1', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      await podsPane(a, ns, ['web-1']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await a.waitLayout('insert mode for the client that pressed e', (l) => l.mode === 'insert');
      await waitScreen(a, paneId, 'the shell prompt', (rows) => rows.some((r) => r.startsWith('root@web-1:/#')));
      expect(a.layout!.paneTitles[String(paneId)]).toBe(`exec ${ns}/web-1 (main)`);

      await type(a, 'echo hello-from-exec\r');
      await waitScreen(a, paneId, 'the command and its output', (rows) => {
        const i = rows.findIndex((r) => r.endsWith('# echo hello-from-exec'));
        return i >= 0 && rows[i + 1] === 'hello-from-exec';
      });

      // Esc reaches the shell (the sim's tty echoes it as ^[, as a real tty's echoctl does).
      await a.request('client/key', { key: 'esc' });
      await type(a, 'x');
      await waitScreen(a, paneId, 'Esc echoed by the remote tty', (rows) => rows.some((r) => r.endsWith('# ^[x')));
      expect(a.layout!.mode).toBe('insert'); // Esc did not leave insert mode
      // The status row shows the one key that does something else there.
      expect(a.layout!.status.hints).toEqual([{ key: 'ctrl+]', label: 'Leave insert mode (every other key goes to the pane)' }]);
      await a.request('client/key', { key: 'backspace' });
      await a.request('client/key', { key: 'backspace' });
      await waitScreen(a, paneId, 'the line erased', (rows) => rows.some((r) => r === 'root@web-1:/#'));

      expect(await execStreams(w.script)).toBe(1);
      await type(a, 'exit 3\r');
      const ended = await waitScreen(a, paneId, 'the exit code', (_rows, v) => (v.footer ?? '').includes('exited with code 3'));
      expect(ended.cursor === null || ended.cursor.row >= 0).toBe(true);
      await waitFor('the exec stream closed', async () => (await execStreams(w.script)) === 0);

      // A key closes the pane, and the client is out of insert mode.
      await a.request('client/key', { key: 'q' });
      await a.waitLayout('the pane closed', (l) => !Object.keys(l.paneTitles).includes(String(paneId)));
      await a.waitLayout('normal mode again', (l) => l.mode === 'normal');
      expect(a.layout!.status.hints.map((h) => h.label)).toContain('Help');
    } finally {
      a.close();
    }
  });

  it('ctrl+] leaves insert mode: keys then scroll instead of typing; i types again', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('web-2', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      await podsPane(a, ns, ['web-2']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@web-2:/#')));
      await a.request('client/key', { key: 'ctrl+]' });
      await a.waitLayout('normal mode', (l) => l.mode === 'normal');
      await type(a, 'x');
      await a.request('client/key', { key: 'i' });
      await a.waitLayout('insert mode', (l) => l.mode === 'insert');
      await type(a, 'echo typed-again\r');
      const v = await waitScreen(a, paneId, 'typed after i', (rows) => rows.includes('typed-again'));
      // `x` pressed in normal mode never reached the shell.
      expect(rowsText(v).some((r) => r.includes('xecho'))).toBe(false);
      await w.script.request('pane/close', { paneId });
      await waitFor('the exec stream closed with the pane', async () => (await execStreams(w.script)) === 0);
    } finally {
      a.close();
    }
  });

  it('the leave chord is configurable ([keybindings.exec] leave_insert); ctrl+] then reaches the shell', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    mkdirSync(dirname(w.env.configFile), { recursive: true });
    writeFileSync(w.env.configFile, '[keybindings.exec]\nleave_insert = "ctrl+g"\n');
    const r = await w.script.request<{ ok: boolean; errors: string[] }>('config/reload');
    expect(r).toEqual({ ok: true, errors: [] });
    const ns = namespaceWith(w.sim, [(n) => pod('chord', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      await podsPane(a, ns, ['chord']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@chord:/#')));
      expect(await a.request('client/key', { key: 'ctrl+]' })).toEqual({ handled: true, command: 'insert:input' });
      await type(a, 'echo still-typing\r');
      await waitScreen(a, paneId, 'still typing into the shell', (rows) => rows.includes('still-typing'));
      expect(a.layout!.mode).toBe('insert');
      await a.request('client/key', { key: 'ctrl+g' });
      await a.waitLayout('ctrl+g left insert mode', (l) => l.mode === 'normal');
      await a.request('pane/close', { paneId });
    } finally {
      a.close();
      writeFileSync(w.env.configFile, '# the defaults\n');
      await w.script.request('config/reload');
    }
  });

  it('the remote terminal takes the size of the client that typed last (on open too)', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('sized', n)]);
    const a = await RawClient.connect(w.env.socket);
    const b = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      await b.attach(SIZE_B);
      await podsPane(a, ns, ['sized']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@sized:/#')));
      const sa = paneSize(a, SIZE_A, paneId);
      // Open: the opener's size, before anything was typed.
      await type(a, 'stty size\r');
      await waitScreen(a, paneId, `stty size says A's ${sa.rows} ${sa.cols}`, (rows) => rows.includes(`${sa.rows} ${sa.cols}`));

      await b.request('pane/focus', { paneId });
      await b.waitLayout('b shows the exec pane', (l) => l.tabs.find((t) => t.id === l.activeTabId)?.focusedPaneId === paneId);
      const sb = paneSize(b, SIZE_B, paneId);
      expect(sb).not.toEqual(sa);
      await b.request('client/key', { key: 'i' });
      await type(b, 'stty size\r');
      const v = await waitScreen(b, paneId, `stty size says B's ${sb.rows} ${sb.cols}`, (rows) => rows.includes(`${sb.rows} ${sb.cols}`));
      expect(v.badge).toContain(`${sb.cols}x${sb.rows}`);
      // A's view of B's smaller terminal: B's rows, the rest of A's pane blank.
      const av = await waitScreen(a, paneId, 'a sees the resized terminal', (rows) => rows.includes(`${sb.rows} ${sb.cols}`));
      expect(av.rows.length).toBeLessThanOrEqual(sb.rows);

      // A types: the terminal is A's again (at once, or once B and A stopped taking turns: RESIZE_SETTLE_MS).
      await type(a, 's');
      await waitScreen(a, paneId, "A's size again", (_rows, v) => v.badge === `${sa.cols}x${sa.rows}`);
      await type(a, 'tty size\r');
      await waitScreen(a, paneId, 'back to A after A types', (rows) => rows.filter((r) => r === `${sa.rows} ${sa.cols}`).length === 2);
      await w.script.request('pane/close', { paneId });
      await waitFor('stream closed', async () => (await execStreams(w.script)) === 0);
    } finally {
      a.close();
      b.close();
    }
  });

  it('a pod with several running containers asks which; a script names one in args', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('duo', n, ['app', 'sidecar'])]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      const listId = await podsPane(a, ns, ['duo']);
      await a.request('client/key', { key: 'e' });
      const l = await a.waitLayout('the container picker', (x) => x.overlay?.type === 'selector');
      expect(l.overlay).toMatchObject({ title: 'Exec into a container of duo', items: ['app', 'sidecar'] });
      await a.request('client/key', { key: 'down' });
      await a.request('client/key', { key: 'enter' });
      const paneId = await focusedExecPane(a);
      expect(a.layout!.paneTitles[String(paneId)]).toBe(`exec ${ns}/duo (sidecar)`);
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@duo:/#')));
      await a.request('pane/close', { paneId });

      // Esc on the picker: nothing opens.
      await a.request('pane/focus', { paneId: listId });
      await a.request('client/key', { key: 'e' });
      await a.waitLayout('picker again', (x) => x.overlay?.type === 'selector');
      await a.request('client/key', { key: 'esc' });
      await a.waitLayout('picker gone', (x) => x.overlay === null);
      expect(Object.values(a.layout!.paneTitles).some((t) => t.startsWith('exec '))).toBe(false);

      const r = await w.script.request<{ paneId: number; message: string }>('resource/action', { paneId: listId, action: 'exec', args: { container: 'app' } });
      expect(r.message).toBe(`exec into ${ns}/duo (app)`);
      const snap = await waitFor('the script-opened shell', async () => {
        const v = (await w.script.request<{ view: { type: string; rows?: Array<Array<{ text: string }>> } }>('pane/snapshot', { paneId: r.paneId, rows: 24, cols: 80 })).view;
        return v.type === 'terminal' && v.rows!.some((row) => row.map((x) => x.text).join('').startsWith('root@duo:/#')) ? v : null;
      });
      expect(snap.type).toBe('terminal');
      await w.script.request('pane/close', { paneId: r.paneId });
      await waitFor('streams closed', async () => (await execStreams(w.script)) === 0);
    } finally {
      a.close();
    }
  });
});

describe('exec panes opened by scripts', () => {
  it('pane/open with args runs a shell; bad args are said in the pane; a restored pane waits for a key', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('scripted', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      const opened = await a.request<{ paneId: number }>('pane/open', { view: { key: 'exec', args: { namespace: ns, pod: 'scripted' } }, newTab: true });
      await waitScreen(a, opened.paneId, 'a shell from pane/open', (rows) => rows.some((r) => r.startsWith('root@scripted:/#')));
      await a.request('pane/close', { paneId: opened.paneId });

      const bad = await a.request<{ paneId: number }>('pane/open', { view: { key: 'exec', args: { namespace: ns, pod: 'a/b' } }, newTab: true });
      const v = await a.waitView('bad args said', bad.paneId, (x) => x.type === 'message' && x.level === 'error');
      expect(v.type === 'message' && v.text).toBe('exec: pod "a/b" is not an object name');
      await a.request('pane/close', { paneId: bad.paneId });

      // As a session restored after a daemon restart brings it back: no shell until a key.
      const restored = await a.request<{ paneId: number }>('pane/open', { view: { key: 'exec', args: { namespace: ns, pod: 'scripted', restored: true } }, newTab: true });
      const waiting = await a.waitView('the restored pane waits', restored.paneId, (x) => x.type === 'message' && x.level === 'info');
      expect(waiting.type === 'message' && waiting.text).toContain('ended when the daemon stopped');
      expect(await execStreams(w.script)).toBe(0);
      await a.request('client/key', { key: 'i' });
      await a.waitLayout('insert mode', (l) => l.mode === 'insert');
      await a.request('client/key', { key: 'space' });
      await waitScreen(a, restored.paneId, 'a new shell after the key', (rows) => rows.some((r) => r.startsWith('root@scripted:/#')));
      expect(await execStreams(w.script)).toBe(1);
      await a.request('pane/close', { paneId: restored.paneId });
      await waitFor('streams closed', async () => (await execStreams(w.script)) === 0);
    } finally {
      a.close();
    }
  });
});

describe('exec that cannot run or stops: a clear message in the pane, nothing leaked', () => {
  async function execMessage(a: RawClient, listId: number, target?: { name: string }): Promise<{ paneId: number; text: string }> {
    const r = await a.request<{ paneId: number }>('resource/action', { paneId: listId, action: 'exec', ...(target ? { target } : {}) });
    const v = await a.waitView('an error in the exec pane', r.paneId, (x) => x.type === 'message' && x.level === 'error');
    return { paneId: r.paneId, text: v.type === 'message' ? v.text : '' };
  }

  it('forbidden (403), a container not running, a pod that is gone, a script naming no container it has', async () => {
    const ns = namespaceWith(w.sim, [
      (n) => pod('locked', n),
      (n) => pod('crashing', n, [{ name: 'main', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } } }]),
    ]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      const listId = await podsPane(a, ns, ['crashing', 'locked']);

      w.sim.forbid('pods/exec');
      try {
        const m = await execMessage(a, listId, { name: 'locked' });
        expect(m.text).toMatch(/forbidden/);
        expect(m.text).toContain('pods/exec');
        await a.request('pane/close', { paneId: m.paneId });
      } finally {
        w.sim.allow('pods/exec');
      }

      const crash = await execMessage(a, listId, { name: 'crashing' });
      expect(crash.text).toBe(`no container of pod ${ns}/crashing is running (main: waiting: CrashLoopBackOff)`);
      await a.request('pane/close', { paneId: crash.paneId });

      const gone = await execMessage(a, listId, { name: 'ghost' });
      expect(gone.text).toBe(`pod ${ns}/ghost is gone (the API server does not know it any more)`);
      await a.request('pane/close', { paneId: gone.paneId });

      const r = await a.request<{ paneId: number }>('resource/action', { paneId: listId, action: 'exec', target: { name: 'locked' }, args: { container: 'nope' } });
      const v = await a.waitView('no such container', r.paneId, (x) => x.type === 'message' && x.level === 'error');
      expect(v.type === 'message' && v.text).toBe(`pod ${ns}/locked has no container 'nope' (it has main)`);
      await a.request('pane/close', { paneId: r.paneId });

      await expect(a.request('resource/action', { paneId: listId, action: 'exec', args: { container: '../x' } })).rejects.toThrow(/args.container/);
      // Not a pod: refused with a reason, nothing opened.
      const deployments = await a.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'deployments', namespace: ns } }, split: { paneId: listId, direction: 'vertical' } });
      await expect(a.request('resource/action', { paneId: deployments.paneId, action: 'exec', target: { name: 'web' } })).rejects.toThrow(`exec runs a shell in a pod; Deployment ${ns}/web is not one`);
      await a.request('pane/close', { paneId: deployments.paneId });
      expect(await execStreams(w.script)).toBe(0);
      // The daemon carries on: the list still answers.
      expect((await a.request<{ view: { type: string } }>('pane/snapshot', { paneId: listId })).view.type).toBe('table');
    } finally {
      a.close();
    }
  });

  it('a dropped connection is said in the pane; the stream is released; a key closes it', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('dropped', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      await podsPane(a, ns, ['dropped']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@dropped:/#')));
      await type(a, 'echo before-the-drop\r');
      await waitScreen(a, paneId, 'output', (rows) => rows.includes('before-the-drop'));
      w.sim.killSockets({ reset: true });
      const v = await waitScreen(a, paneId, 'the loss said in the footer', (_r, x) => /connection to the API server was lost/.test(x.footer ?? ''));
      expect(rowsText(v)).toContain('before-the-drop'); // the screen stays readable
      await waitFor('stream released', async () => (await execStreams(w.script)) === 0);
      await a.request('client/key', { key: 'enter' });
      await a.waitLayout('closed by a key', (l) => !Object.keys(l.paneTitles).includes(String(paneId)));
    } finally {
      a.close();
    }
  });

  it('closing the pane mid-session closes the WebSocket (daemon/status counts it back to 0)', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('closer', n)]);
    const a = await RawClient.connect(w.env.socket);
    try {
      await a.attach(SIZE_A);
      await podsPane(a, ns, ['closer']);
      await a.request('client/key', { key: 'e' });
      const paneId = await focusedExecPane(a);
      await waitScreen(a, paneId, 'prompt', (rows) => rows.some((r) => r.startsWith('root@closer:/#')));
      expect(await execStreams(w.script)).toBe(1);
      await type(a, 'sleep 600\r');
      await a.request('pane/close', { paneId });
      await waitFor('stream closed', async () => (await execStreams(w.script)) === 0);
      // Typing does not continue into whatever pane takes the closed one's place.
      await a.waitLayout('normal mode after the close', (l) => l.mode === 'normal' && !Object.keys(l.paneTitles).includes(String(paneId)));
    } finally {
      a.close();
    }
  });
});
