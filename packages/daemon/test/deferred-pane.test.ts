import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import { DeferredPane } from '../src/features/deferred-pane.js';
import { BasePane } from '../src/panes/base-pane.js';
import type { PaneContext } from '../src/panes/pane.js';

class Shell extends BasePane {
  readonly seen: string[] = [];
  title(): string {
    return 'shell';
  }
  alias(): string {
    return 'SH';
  }
  handleCommand(c: PaneCommand): void {
    this.seen.push(c.type);
    this.changed.emit();
  }
  handleInput(key: string): void {
    this.seen.push(`key ${key}`);
  }
  view(vp: Viewport): PaneView {
    return { type: 'message', title: 'shell', level: 'info', text: `${vp.cols} ${this.seen.join(',')}` };
  }
}

const ctx = (): PaneContext => ({ paneId: 5, args: { pod: 'p' }, logger: pino({ level: 'silent' }), services: {} as PaneContext['services'], scope: () => ({ context: null, namespace: 'default' }), requests: {} as PaneContext['requests'] });

describe('DeferredPane', () => {
  it('shows starting… until its module loads, then hands over what it was told in order and forwards changes', async () => {
    let load!: (f: (c: PaneContext) => Shell) => void;
    const pane = new DeferredPane<Shell>(ctx(), 'shell', { title: 'shell', alias: 'SH', group: 'exec' }, new Promise((r) => (load = r)));
    expect(pane.view({ cols: 40, rows: 5 })).toMatchObject({ level: 'loading', text: 'starting…' });
    expect(pane.bindingGroup()).toBe('exec');
    pane.handleCommand({ type: 'select_next' } as PaneCommand);
    pane.handleInput('a', null);
    let changes = 0;
    pane.changed.subscribe(() => changes++);
    load((c) => new Shell('shell', c));
    const real = await pane.ready;
    expect(real?.seen).toEqual(['select_next', 'key a']);
    expect(pane.view({ cols: 40, rows: 5 })).toMatchObject({ text: '40 select_next,key a' });
    const before = changes;
    pane.handleCommand({ type: 'select_prev' } as PaneCommand);
    expect(changes).toBe(before + 1);
  });

  it('never makes the pane when disposed before its module loaded; says why when the module fails', async () => {
    let made = 0;
    let load!: (f: (c: PaneContext) => Shell) => void;
    const gone = new DeferredPane<Shell>(ctx(), 'shell', { title: 'shell', alias: 'SH', group: null }, new Promise((r) => (load = r)));
    gone.dispose();
    load((c) => (made++, new Shell('shell', c)));
    expect(await gone.ready).toBeNull();
    expect(made).toBe(0);
    const broken = new DeferredPane<Shell>(ctx(), 'shell', { title: 'shell', alias: 'SH', group: null }, Promise.reject(new Error('no such module')));
    await broken.ready;
    expect(broken.view({ cols: 40, rows: 5 })).toMatchObject({ level: 'error', text: expect.stringContaining('no such module') });
  });
});
