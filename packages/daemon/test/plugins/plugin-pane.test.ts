import { describe, expect, it } from 'vitest';
import type { LinesView, MessageView, PaneView } from '@kubetile/rpc-schema';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { ClusterManager } from '../../src/kube/cluster.js';
import { Keymap } from '../../src/keys/keymap.js';
import { LogRing } from '../../src/logging/log-ring.js';
import type { PaneContext } from '../../src/panes/pane.js';
import { PluginPane } from '../../src/plugins/plugin-pane.js';
import { LocalPluginSession } from '../../src/plugins/local-session.js';
import type { PluginCommand } from '../../src/plugins/plugin-command.js';
import type { PluginSession, PluginSessionSink } from '../../src/plugins/plugin-session.js';
import { RENDER_MAX_LINES } from '../../src/plugins/abi.js';
import { Signal } from '../../src/util/signal.js';
import { silent } from './helpers.js';

function ctx(paneId = 1): PaneContext {
  return {
    paneId,
    args: {},
    logger: silent,
    services: {
      logRing: new LogRing(10),
      bindings: () => Keymap.build().keymap.snapshot(),
      bindingsChanged: new Signal(),
      kube: new ClusterManager(silent),
      config: () => DEFAULT_CONFIG,
    },
    scope: () => ({ context: null, namespace: 'default' }),
    requests: { open: () => undefined, close: () => undefined, toast: () => undefined },
  } as PaneContext;
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const VP = { cols: 40, rows: 10 };

/** A session the test drives by hand. */
class ManualSession implements PluginSession {
  sink!: PluginSessionSink;
  readonly received: PluginCommand[] = [];
  closed = 0;
  start(sink: PluginSessionSink): void {
    this.sink = sink;
  }
  command(cmd: PluginCommand): void {
    this.received.push(cmd);
  }
  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

describe('PluginPane', () => {
  it('shows a spinner while loading, the lines when ready, and the reason in the error style when stopped', () => {
    const s = new ManualSession();
    const pane = new PluginPane(ctx(), 'demo', s);
    expect(pane.view(VP)).toMatchObject({ type: 'message', level: 'loading', title: 'demo' });
    s.sink.state({ kind: 'ready' });
    s.sink.render(['hello', 'world']);
    expect(pane.view(VP)).toMatchObject({ type: 'lines', lines: [{ text: 'hello' }, { text: 'world' }], total: 2, offset: 0 });
    s.sink.state({ kind: 'error', message: "plugin 'demo' stopped: boom" });
    const v = pane.view(VP) as MessageView;
    expect(v).toEqual({ type: 'message', title: 'demo', level: 'error', text: "plugin 'demo' stopped: boom" });
  });

  it('emits changed on every state, render and notice change', () => {
    const s = new ManualSession();
    const pane = new PluginPane(ctx(), 'demo', s);
    let n = 0;
    pane.changed.subscribe(() => n++);
    s.sink.state({ kind: 'ready' });
    s.sink.render(['a']);
    s.sink.notice('plugin_on_command failed: nope');
    s.sink.notice('plugin_on_command failed: nope');
    expect(n).toBe(3);
  });

  it('shows a call error as the last line in the error style, and a restart in the footer', () => {
    const s = new ManualSession();
    const pane = new PluginPane(ctx(), 'demo', s);
    s.sink.state({ kind: 'ready' });
    s.sink.render(['one']);
    s.sink.notice('plugin_on_command failed: no such pod');
    let v = pane.view(VP) as LinesView;
    expect(v.lines.at(-1)).toEqual({ text: 'plugin_on_command failed: no such pod', style: 'error' });
    s.sink.notice(null);
    s.sink.state({ kind: 'restarting', reason: 'plugin_on_command timed out after 1000 ms', crashes: 1 });
    v = pane.view(VP) as LinesView;
    expect(v.lines).toEqual([{ text: 'one' }]);
    expect(v.footer).toBe('restarting after crash 1: plugin_on_command timed out after 1000 ms');
  });

  it('translates PaneCommands (lossy) and forwards focus and size as commands', () => {
    const s = new ManualSession();
    const pane = new PluginPane(ctx(), 'demo', s);
    s.sink.state({ kind: 'ready' });
    pane.handleCommand({ type: 'scroll_down' });
    pane.handleCommand({ type: 'search_input', char: 'x' });
    pane.handleCommand({ type: 'filter', query: 'web' });
    pane.handleCommand({ type: 'toggle_sort_order' });
    pane.onFocus(true);
    pane.view({ cols: 50, rows: 12 });
    pane.view({ cols: 50, rows: 12 });
    expect(s.received).toEqual([
      { type: 'scroll_down' },
      { type: 'filter', query: 'web' },
      { type: 'focus', focused: true },
      { type: 'resize', width: 50, height: 12 },
    ]);
  });

  it('cuts lines to the viewport and scrolls a render taller than the pane', () => {
    const s = new ManualSession();
    const pane = new PluginPane(ctx(), 'demo', s);
    s.sink.state({ kind: 'ready' });
    s.sink.render(Array.from({ length: 30 }, (_, i) => `line ${i} ${'x'.repeat(60)}`));
    let v = pane.view(VP) as LinesView;
    expect(v.lines).toHaveLength(10);
    expect(v.lines[0]!.text).toHaveLength(40);
    expect(v).toMatchObject({ offset: 0, total: 30, badge: '1-10/30' });
    pane.handleCommand({ type: 'page_down' });
    v = pane.view(VP) as LinesView;
    expect(v.offset).toBe(9);
    expect(v.lines[0]!.text.startsWith('line 9 ')).toBe(true);
    pane.handleCommand({ type: 'go_to_bottom' });
    expect((pane.view(VP) as LinesView).offset).toBe(20);
    pane.handleCommand({ type: 'go_to_top' });
    expect((pane.view(VP) as LinesView).offset).toBe(0);
  });

  it('closes its session once when disposed', async () => {
    const s = new ManualSession();
    const pane = new PluginPane(ctx(), 'demo', s);
    pane.dispose();
    pane.dispose();
    await pane.whenClosed();
    expect(s.closed).toBe(1);
  });
});

describe('PluginPane with a LocalPluginSession', () => {
  it('a stub smoke plugin renders smoke-ok and receives the translated commands', async () => {
    const session = new LocalPluginSession({ open: () => ['smoke-ok'], command: () => ['smoke-ok'] });
    const pane = new PluginPane(ctx(), 'smoke-test', session);
    await tick();
    expect(pane.view(VP)).toMatchObject({ type: 'lines', lines: [{ text: 'smoke-ok' }] });
    pane.handleCommand({ type: 'scroll_down' });
    pane.handleCommand({ type: 'sort_by_column', column: 1 });
    pane.handleCommand({ type: 'send_input', text: 'hi' });
    await tick();
    expect(session.received).toEqual([{ type: 'resize', width: 40, height: 10 }, { type: 'scroll_down' }, { type: 'send_input', text: 'hi' }]);
  });

  it('a failing open renders the error without throwing; a failing command shows a notice', async () => {
    const broken = new LocalPluginSession({
      open: () => {
        throw new Error('cannot start');
      },
      command: () => null,
    });
    const pane = new PluginPane(ctx(), 'broken', broken);
    await tick();
    expect(pane.view(VP)).toMatchObject({ type: 'message', level: 'error', text: 'plugin_on_open failed: cannot start' });

    const flaky = new LocalPluginSession({
      command: (c) => {
        if (c.type === 'select') throw new Error('nothing selected');
        return [`got ${c.type}`];
      },
    });
    const p2 = new PluginPane(ctx(2), 'flaky', flaky);
    await tick();
    p2.handleCommand({ type: 'select' });
    await tick();
    const v = p2.view(VP) as PaneView as LinesView;
    expect(v.lines.at(-1)).toEqual({ text: 'plugin_on_command: nothing selected', style: 'error' });
    p2.handleCommand({ type: 'back' });
    await tick();
    expect((p2.view(VP) as LinesView).lines).toEqual([{ text: 'got back' }]);
  });

  it('a render over the line limit is cut with a marker line', async () => {
    const session = new LocalPluginSession({ open: () => Array.from({ length: RENDER_MAX_LINES + 500 }, (_, i) => `l${i}`), command: () => null });
    const pane = new PluginPane(ctx(), 'flood', session);
    await tick();
    const v = pane.view({ cols: 200, rows: 5 }) as LinesView;
    expect(v.total).toBe(RENDER_MAX_LINES + 1);
    pane.handleCommand({ type: 'go_to_bottom' });
    const end = pane.view({ cols: 200, rows: 5 }) as LinesView;
    expect(end.lines.at(-1)!.text).toMatch(/^… render cut: the plugin sent 2500 lines, showing 2000/);
  });
});
