import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { PaneRegistry } from '../../src/panes/registry.js';
import { registerBuiltins } from '../../src/panes/builtin/register.js';
import { LogRing } from '../../src/logging/log-ring.js';
import { Keymap } from '../../src/keys/keymap.js';
import { Signal } from '../../src/util/signal.js';
import { ClusterManager } from '../../src/kube/cluster.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { Workspace } from '../../src/session/workspace.js';
import { MAX_PANES, MAX_TABS } from '../../src/state/saved-state.js';
import { leafIds } from '@kubetile/rpc-schema';

/**
 * What the workspace holds it can save and bring back: a session stops at the state file's
 * MAX_PANES panes (a script's runaway pane/open loop), with the reason, and a view switch at the
 * limit (the new pane made before the old one goes) still works.
 */
function workspace(): Workspace {
  const logger = pino({ level: 'silent' });
  const registry = new PaneRegistry();
  registerBuiltins(registry);
  return new Workspace({
    registry,
    logger,
    services: {
      logRing: new LogRing(100),
      bindings: () => Keymap.build().keymap.snapshot(),
      bindingsChanged: new Signal(),
      kube: new ClusterManager(logger),
      config: () => DEFAULT_CONFIG,
    },
    keymap: () => Keymap.build().keymap,
    defaultView: () => ({ key: 'empty' }),
    defaultNamespace: () => ({ context: null, namespace: 'default' }),
    status: () => ({ context: 'none', cluster: 'none' }),
  });
}

describe('workspace limits', () => {
  it(`a session holds at most ${MAX_PANES} panes: the next pane/open is refused with the reason; replacing a view at the limit works`, () => {
    const ws = workspace();
    ws.session('work');
    // Tabs of 21 panes each (a split chain 20 deep), up to the limit.
    let made = 1;
    for (let t = 0; made < MAX_PANES; t++) {
      const first = t === 0 ? ws.sessions.get('work')!.tabs[0]!.lastFocusedPaneId : ws.newTab('work').paneId;
      if (t > 0) made++;
      let last = first;
      for (let i = 0; i < 20 && made < MAX_PANES; i++, made++) last = ws.openPane('work', { key: 'empty' }, { split: { paneId: last, direction: 'vertical' } }).paneId;
    }
    const tabs = ws.sessions.get('work')!.tabs;
    expect(tabs.length).toBeLessThan(MAX_TABS);
    expect(tabs.reduce((n, t) => n + leafIds(t.tree).length, 0)).toBe(MAX_PANES);
    const some = leafIds(tabs[0]!.tree)[0]!;
    expect(() => ws.openPane('work', { key: 'help' }, { split: { paneId: some, direction: 'vertical' } })).toThrow(
      `session 'work' has ${MAX_PANES} panes, the most one keeps: close some first`,
    );
    expect(() => ws.newTab('work')).toThrow(`session 'work' has ${MAX_PANES} panes`);
    // The : switcher swaps a pane's view: the new pane exists a moment beside the old one.
    const next = ws.replaceView(some, { key: 'help' });
    expect(ws.pane(next).key).toBe('help');
    // Another session has its own room.
    ws.session('other');
    expect(ws.newTab('other').paneId).toBeGreaterThan(0);
    ws.disposeAll();
  });
});
