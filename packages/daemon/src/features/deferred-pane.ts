import type { PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import type { PaneGroup } from '../keys/bindings.js';
import type { ClientPrompts, Pane, PaneContext } from '../panes/pane.js';
import { errorMessage } from '../util/errors.js';
import { Signal } from '../util/signal.js';

/**
 * A module loaded on first use: `get()` starts the import, `now` is its value once loaded. Feature
 * code that an idle daemon never runs (the exec and node-shell panes with their terminal emulator,
 * @xterm/headless) stays out of its memory until a pane of that type is first opened.
 */
export class LazyModule<M> {
  now: M | null = null;
  private loading: Promise<M> | null = null;

  constructor(private readonly load: () => Promise<M>) {}

  get(): Promise<M> {
    return (this.loading ??= this.load().then((m) => (this.now = m)));
  }
}

/** What a deferred pane shows and answers before its module has loaded. */
export interface Placeholder {
  title: string;
  alias: string;
  /** Its pane-scoped bindings group (insert-mode panes answer `exec` at once). */
  group: PaneGroup | null;
}

/**
 * A pane whose module is still loading (a session restored at start-up, or a script that opens an
 * exec pane before any was opened): it shows "starting…", keeps what it is told (commands, keys,
 * size, focus) in order, and hands them to the real pane once it exists, then forwards everything.
 * Panes opened once the module is loaded are made directly, without this.
 */
export class DeferredPane<P extends Pane> implements Pane {
  readonly id: number;
  readonly args: Record<string, unknown>;
  readonly changed = new Signal();
  /** The real pane once made; null if this was disposed first or the module failed to load. */
  readonly ready: Promise<P | null>;
  private real: P | null = null;
  private failed: string | null = null;
  private disposed = false;
  private readonly queued: Array<(p: P) => void> = [];

  constructor(
    ctx: PaneContext,
    readonly key: string,
    private readonly placeholder: Placeholder,
    make: Promise<(ctx: PaneContext) => P>,
  ) {
    this.id = ctx.paneId;
    this.args = ctx.args;
    this.ready = make.then(
      (factory) => {
        if (this.disposed) return null;
        const p = factory(ctx);
        this.real = p;
        p.changed.subscribe(() => this.changed.emit());
        for (const q of this.queued.splice(0)) q(p);
        this.changed.emit();
        return p;
      },
      (err: unknown) => {
        this.failed = `the ${key} pane could not load: ${errorMessage(err)}`;
        this.queued.length = 0;
        this.changed.emit();
        return null;
      },
    );
  }

  /** Runs `fn` on the real pane now, or once it exists (never after dispose). */
  with(fn: (p: P) => void): void {
    if (this.real) fn(this.real);
    else if (!this.disposed && this.failed === null) this.queued.push(fn);
  }

  title(): string {
    return this.real?.title() ?? this.placeholder.title;
  }

  alias(): string {
    return this.real?.alias() ?? this.placeholder.alias;
  }

  handleCommand(command: PaneCommand): void {
    this.with((p) => p.handleCommand(command));
  }

  view(viewport: Viewport): PaneView {
    if (this.real) return this.real.view(viewport);
    const title = this.title();
    if (this.failed !== null) return { type: 'message', title, level: 'error', text: this.failed };
    return { type: 'message', title, level: 'loading', text: 'starting…' };
  }

  onFocus(focused: boolean): void {
    this.with((p) => p.onFocus?.(focused));
  }

  onResize(viewport: Viewport): void {
    this.with((p) => p.onResize?.(viewport));
  }

  onScopeChange(): void {
    this.with((p) => p.onScopeChange?.());
  }

  persistState(): Record<string, unknown> {
    return this.real?.persistState?.() ?? {};
  }

  bindingGroup(): PaneGroup | null {
    return this.real ? (this.real.bindingGroup?.() ?? null) : this.placeholder.group;
  }

  handleAction(name: string, prompts: ClientPrompts): void {
    this.with((p) => p.handleAction?.(name, prompts));
  }

  handleInput(key: string, size: Viewport | null): void {
    this.with((p) => p.handleInput?.(key, size));
  }

  /** A paste is not held for a pane still loading (it may be half a megabyte): it is refused, to be pasted again. */
  handlePaste(text: string, size: Viewport | null): string | null {
    if (this.real) return this.real.handlePaste ? this.real.handlePaste(text, size) : 'this pane takes no text';
    return this.failed ?? 'the pane is still loading: paste again in a moment';
  }

  enterInsert(size: Viewport | null): void {
    this.with((p) => p.enterInsert?.(size));
  }

  dispose(): void {
    this.disposed = true;
    this.queued.length = 0;
    this.real?.dispose();
    this.changed.clear();
  }
}
