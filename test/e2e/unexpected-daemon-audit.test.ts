import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { API_LEVEL } from '@kubetile/rpc-schema';
import { makeTestEnv, waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { PaintedTerminal, ptyMissing } from '../helpers/painted-terminal.js';

/**
 * A daemon of another version (here a JSON-RPC server on the socket that answers the attach path and
 * then sends what this client does not expect) — the peer under test is the real client in a pty.
 * What it cannot read it says on screen, naming the daemon's version and what to do (it was only in
 * the client log: a pane stayed on its last view, or "loading", with nothing said); what it can
 * draw, however large, it draws; it never hangs, and ctrl+q still gives the terminal back.
 */

const ALT_OFF = '\x1b[?1049l';

function layout(): Record<string, unknown> {
  return {
    session: 'main',
    clientId: 'c1',
    tabs: [{ id: 1, title: 'default', tree: { type: 'leaf', paneId: 1 }, fullscreenPaneId: null, focusedPaneId: 1, context: null, namespace: 'default' }],
    activeTabId: 1,
    mode: 'normal',
    overlay: null,
    status: { context: 'other', cluster: 'connected', hints: [] },
    paneTitles: { '1': 'Things' },
  };
}

class OtherDaemon {
  private readonly server: Server;
  conn: MessageConnection | null = null;

  constructor(readonly socket: string) {
    this.server = createServer((sock) => {
      const conn = createMessageConnection(new StreamMessageReader(sock), new StreamMessageWriter(sock));
      conn.onRequest('daemon/hello', () => ({ server: { name: 'kubetiled', version: '9.9.9', pid: process.pid }, apiLevel: API_LEVEL }));
      conn.onRequest('session/attach', () => ({ clientId: 'c1', layout: layout() }));
      conn.onRequest('client/key', (p: { key: string }): { handled: boolean; command?: string } => (p.key === 'ctrl+q' ? { handled: true, command: 'detach' } : { handled: true }));
      conn.onRequest('client/resize', () => ({ ok: true }));
      conn.onRequest('session/detach', () => ({ ok: true }));
      conn.onError(() => undefined);
      sock.on('error', () => undefined);
      conn.listen();
      this.conn = conn;
    });
  }

  listen(): Promise<void> {
    mkdirSync(dirname(this.socket), { recursive: true, mode: 0o700 });
    return new Promise((r) => this.server.listen(this.socket, () => r()));
  }

  send(method: string, params: unknown): Promise<void> {
    return this.conn!.sendNotification(method, params);
  }

  close(): Promise<void> {
    this.conn?.dispose();
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe.skipIf(ptyMissing)('a daemon that sends what this client does not expect', () => {
  let env: TestEnv;
  let daemon: OtherDaemon;
  let term: PaintedTerminal | null = null;
  beforeEach(async () => {
    env = makeTestEnv();
    daemon = new OtherDaemon(env.socket);
    await daemon.listen();
  });
  afterEach(async () => {
    await term?.kill();
    term = null;
    await daemon.close();
    env.cleanup();
  });

  async function attached(): Promise<PaintedTerminal> {
    const t = (term = PaintedTerminal.spawn({ socket: env.socket, env: env.env, cols: 120, rows: 30 }));
    await waitFor('the client attached', () => daemon.conn !== null, 30_000);
    await t.waitScreen('the status bar', (s) => s.text().includes('NORMAL'));
    return t;
  }

  async function leaves(t: PaintedTerminal): Promise<void> {
    t.write('\x11'); // ctrl+q
    await waitFor('the client to leave', () => !t.alive, 30_000);
    expect(t.exitCode).toBe(0);
    expect(t.raw.slice(t.raw.lastIndexOf(ALT_OFF))).toContain('[detached (from session main)]');
  }

  it('a view of a type it does not know: the pane says it cannot read it, the daemon version and what to do', async () => {
    const t = await attached();
    await daemon.send('pane/view', { paneId: 1, seq: 1, view: { type: 'chart', title: 'Chart', series: [1, 2, 3] } });
    await t.waitScreen('the pane says why', (s) => s.text().replace(/\s+/g, ' ').includes('kubetile 9.9.9'));
    const text = t.text().replace(/[\s│┃]+/g, ' ');
    expect(text).toContain('cannot read');
    expect(text).toContain('kubetile daemon restart');
    // A view it can read, sent after, replaces the message.
    await daemon.send('pane/view', { paneId: 1, seq: 2, view: { type: 'message', title: 'Things', level: 'info', text: 'all good now' } });
    await t.waitScreen('the next view', (s) => s.text().includes('all good now'));
    await leaves(t);
  });

  it('a notification with fields missing: a toast says it could not be read', async () => {
    const t = await attached();
    await daemon.send('toast', { level: 'fatal' });
    await t.waitScreen('the toast', (s) => s.text().replace(/\s+/g, ' ').includes('kubetile 9.9.9'));
    expect(t.text().replace(/[\s│┃]+/g, ' ')).toContain('toast this kubetile');
    await leaves(t);
  });

  it('a column as wide as the schema lets it be does not hang the client', async () => {
    const t = await attached();
    await daemon.send('pane/view', {
      paneId: 1,
      seq: 1,
      view: {
        type: 'table',
        title: 'Things',
        columns: [{ id: 'wide', title: 'WIDE', width: Number.MAX_SAFE_INTEGER }, { id: 'name', title: 'NAME' }],
        rows: [{ id: 'r', cells: { wide: 'w', name: 'thing-1' } }],
        offset: 0,
        total: 1,
        unfiltered: 1,
        selected: 0,
      },
    });
    await t.waitScreen('the table', (s) => s.text().includes('WIDE'));
    await leaves(t);
  });

  it('a 50 MB view is drawn, and the client stays usable', async () => {
    const t = await attached();
    const lines = Array.from({ length: 500 }, (_, i) => ({ text: `line ${i} ${'y'.repeat(100_000)}` }));
    await daemon.send('pane/view', { paneId: 1, seq: 1, view: { type: 'lines', title: 'Big', lines, offset: 0, total: 500 } });
    await t.waitScreen('the big view', (s) => s.text().includes('line 0 yyyy'), 60_000);
    await leaves(t);
  });
});
