import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { PaneRegistry } from '../src/panes/registry.js';
import { registerBuiltins } from '../src/panes/builtin/register.js';
import { LogRing } from '../src/logging/log-ring.js';
import { Keymap } from '../src/keys/keymap.js';
import { Signal } from '../src/util/signal.js';
import type { PaneContext } from '../src/panes/pane.js';
import { ClusterManager } from '../src/kube/cluster.js';
import { DEFAULT_CONFIG } from '../src/config/schema.js';

function ctx(paneId: number, ring = new LogRing(100)): PaneContext {
  return {
    paneId,
    args: {},
    logger: pino({ level: 'silent' }),
    services: {
      logRing: ring,
      bindings: () => Keymap.build().keymap.snapshot(),
      bindingsChanged: new Signal(),
      kube: new ClusterManager(pino({ level: 'silent' })),
      config: () => DEFAULT_CONFIG,
    },
    scope: () => ({ context: null, namespace: 'default' }),
    requests: { open: () => undefined, close: () => undefined, toast: () => undefined },
  };
}

describe('PaneRegistry', () => {
  it('creates registered panes by key', () => {
    const r = new PaneRegistry();
    registerBuiltins(r);
    expect(r.keys()).toEqual(['app-logs', 'empty', 'help', 'resource-decoded', 'resource-describe', 'resource-detail', 'resource-list', 'resource-yaml']);
    const p = r.create('help', ctx(7));
    expect(p.id).toBe(7);
    expect(p.key).toBe('help');
  });
  it("gives an error pane saying no pane type 'x' for an unknown key", () => {
    const r = new PaneRegistry();
    const p = r.create('x', ctx(1));
    expect(p.view({ cols: 40, rows: 10 })).toMatchObject({ type: 'message', level: 'error', text: "no pane type 'x'" });
  });
  it('turns a throwing factory into an error pane', () => {
    const r = new PaneRegistry();
    r.register('boom', () => {
      throw new Error('kaput');
    });
    expect(r.create('boom', ctx(1)).view({ cols: 40, rows: 10 })).toMatchObject({ level: 'error', text: "pane type 'boom' failed to start: kaput" });
  });
  it('refuses duplicate and non-kebab keys', () => {
    const r = new PaneRegistry();
    registerBuiltins(r);
    expect(() => r.register('help', () => r.create('empty', ctx(1)))).toThrow(/already registered/);
    expect(() => r.register('BadKey', () => r.create('empty', ctx(1)))).toThrow(/kebab-case/);
  });
});

describe('built-in panes', () => {
  it('help lists live bindings by group', () => {
    const r = new PaneRegistry();
    registerBuiltins(r);
    const v = r.create('help', ctx(1)).view({ cols: 80, rows: 100 });
    expect(v.type).toBe('lines');
    const text = v.type === 'lines' ? v.lines.map((l) => l.text).join('\n') : '';
    expect(text).toMatch(/^Global/m);
    expect(text).toMatch(/Alt\+V\s+Split/);
    expect(text).toMatch(/Alt\+1\.\.9\s+Go to tab N/);
  });
  it('app-logs shows ring lines, follows, scrolls and filters, cut to the viewport', () => {
    const ring = new LogRing(1000);
    for (let i = 0; i < 50; i++) ring.push({ time: 0, level: i === 7 ? 50 : 30, msg: `line ${i}`, extra: '' });
    const r = new PaneRegistry();
    registerBuiltins(r);
    const p = r.create('app-logs', ctx(1, ring));
    const v = p.view({ cols: 60, rows: 11 });
    if (v.type !== 'lines') throw new Error('not lines');
    expect(v.lines).toHaveLength(10); // one row for the footer
    expect(v.lines.at(-1)!.text).toMatch(/line 49$/);
    expect(v.follow).toBe(true);
    p.handleCommand({ type: 'go_to_top' });
    const top = p.view({ cols: 60, rows: 11 });
    expect(top.type === 'lines' && top.lines[0]!.text).toMatch(/line 0$/);
    expect(top.type === 'lines' && top.follow).toBe(false);
    p.handleCommand({ type: 'filter', query: 'line 7' });
    const f = p.view({ cols: 60, rows: 11 });
    expect(f.type === 'lines' && f.lines.map((l) => l.text.replace(/^.* (INFO |ERROR) /, ''))).toEqual(['line 7']);
    expect(f.badge).toBe('1/50');
    // new lines arrive while following: the view moves along
    p.handleCommand({ type: 'clear_filter' });
    p.handleCommand({ type: 'go_to_bottom' });
    ring.push({ time: 0, level: 30, msg: 'fresh', extra: '' });
    const after = p.view({ cols: 60, rows: 11 });
    expect(after.type === 'lines' && after.lines.at(-1)!.text).toMatch(/fresh$/);
  });
});
