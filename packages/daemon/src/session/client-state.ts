import type { InputMode, Overlay, Viewport } from '@kubetile/rpc-schema';

/** A selector overlay's live state (the layout sends only what fits). */
export interface SelectorState {
  type: 'selector';
  title: string;
  items: string[];
  query: string;
  selected: number;
  /** An item the typed text names exactly though it does not contain it (`:deployments.apps`): listed first. */
  exact?: string | null;
  /** Its items are still coming (from the API): `Loading...` stands in for them. */
  loading?: boolean;
  /** Enter was pressed while loading: the pick happens when the items arrive (typing ahead is not lost). */
  pickWhenLoaded?: boolean;
  /** The item in use now (the tab's namespace or context): selected when the list opens, unless something was typed. */
  current?: string;
  /**
   * The pick. `then` runs once it has taken effect: at once, or after a question it asked was
   * answered yes (the `:` switcher asks before a view replaces a running shell); never when it did nothing.
   */
  onPick(item: string, then?: () => void): void;
  /** Called when the overlay goes without a pick (esc, replaced, client gone). */
  onCancel?(): void;
}

export interface ConfirmState {
  type: 'confirm';
  title: string;
  text: string;
  onConfirm(): void;
  onCancel?(): void;
}

export interface InputState {
  type: 'input';
  title: string;
  value: string;
  /** Why `value` cannot be submitted (enter then leaves the input open, saying so), or null. */
  validate?(value: string): string | null;
  onSubmit(value: string): void;
  onCancel?(): void;
}

export type OverlayState = SelectorState | ConfirmState | InputState;

/** The toast for an overlay that opened on its own and was not shown (see ClientState.setOverlay). */
export function notAskedMessage(question: string): string {
  const first = question.split('\n')[0]!;
  return `not asked while you were typing or answering another dialog, so cancelled: ${first.length > 160 ? `${first.slice(0, 159)}…` : first}`;
}

/** What the daemon keeps for each attached terminal: own tab, focus per tab, mode, overlay, size. */
export class ClientState {
  activeTabId: number;
  readonly focusByTab = new Map<number, number>();
  /** The pane this client shows fullscreen, per tab; always its focused pane there (tmux's zoom). */
  readonly fullscreenByTab = new Map<number, number>();
  mode: InputMode = 'normal';
  /** The client pressed its detach key: keys it sent after that are ignored. */
  detaching = false;
  input = '';
  overlay: OverlayState | null = null;
  size: Viewport;
  /** Layouts sent to this client so far; each carries its number (SessionLayout.seq). */
  layoutSeq = 0;
  /** The number of the first layout that shows the open overlay. */
  overlaySeq = 0;
  /** The open overlay was opened by the key or paste then being handled (not by an API answer or a plugin). */
  overlayFromInput = false;
  /** True while one of this client's keys or pastes is being handled. */
  handlingInput = false;

  constructor(
    readonly id: string,
    readonly sessionName: string,
    activeTabId: number,
    size: Viewport,
  ) {
    this.activeTabId = activeTabId;
    this.size = size;
  }

  /**
   * Shows an overlay (selector and input overlays use mode `selector`, confirm dialogs `confirm`).
   * One that was open is cancelled: whoever waits on it hears so. An overlay that opens on its own
   * (after an API answer, for a plugin) while this client answers another one or types a filter is
   * not shown — the keys meant for those would answer it (a `y` typed into the filter confirming a
   * debug mode): it is cancelled instead and false returned, for the caller to say so.
   */
  setOverlay(o: OverlayState): boolean {
    const prev = this.overlay;
    if (!this.handlingInput && ((prev && prev !== o) || this.mode === 'filter' || this.mode === 'search')) {
      o.onCancel?.();
      return false;
    }
    this.overlay = o;
    this.overlaySeq = this.layoutSeq + 1;
    this.overlayFromInput = this.handlingInput;
    this.mode = o.type === 'confirm' ? 'confirm' : 'selector';
    if (prev && prev !== o) prev.onCancel?.();
    return true;
  }

  /**
   * Whether a key typed when the terminal had layout `seen` may answer the open overlay: a
   * confirmation, or any overlay that opened on its own, takes y/enter only once it was on the
   * terminal (a key typed ahead of it was meant for something else). Overlays opened by a key keep
   * typing ahead (`:deploy` + enter). Keys without `seen` (scripts) answer.
   */
  answers(seen: number | undefined): boolean {
    if (seen === undefined || !this.overlay) return true;
    if (this.overlay.type !== 'confirm' && this.overlayFromInput) return true;
    return seen >= this.overlaySeq;
  }

  /**
   * Leaves insert, filter or search mode (the pane typed into is gone or became another view): keys
   * are commands again and the typed line is dropped. True when the client was typing.
   */
  stopTyping(): boolean {
    if (this.mode !== 'insert' && this.mode !== 'filter' && this.mode !== 'search') return false;
    this.mode = 'normal';
    this.input = '';
    return true;
  }

  /** Closes the overlay; `cancelled` tells whoever waits on it that no answer is coming. */
  closeOverlay(cancelled: boolean): void {
    const prev = this.overlay;
    this.overlay = null;
    if (this.mode === 'selector' || this.mode === 'confirm') this.mode = 'normal';
    if (cancelled) prev?.onCancel?.();
  }

  /** Only the matching items, a screenful at most, for `session/layout`. */
  overlayView(): Overlay | null {
    const o = this.overlay;
    if (!o) return null;
    if (o.type === 'confirm') return { type: 'confirm', title: o.title, text: o.text };
    if (o.type === 'input') return { type: 'input', title: o.title, value: o.value };
    const items = selectorItems(o);
    const max = Math.max(3, this.size.rows - 8);
    const start = Math.max(0, Math.min(o.selected - max + 1, items.length - max));
    return {
      type: 'selector',
      title: o.title,
      query: o.query,
      items: items.slice(Math.max(0, start), Math.max(0, start) + max),
      selected: o.selected - Math.max(0, start),
      total: items.length,
      offset: Math.max(0, start),
    };
  }
}

/** A selector's matching items: its exact item (when set and not matched otherwise) first. */
export function selectorItems(o: SelectorState): string[] {
  const items = filterItems(o.items, o.query);
  return o.exact && !items.includes(o.exact) && o.items.includes(o.exact) ? [o.exact, ...items] : items;
}

/** Case-insensitive substring match, as KubeTile's selectors do. */
export function filterItems(items: readonly string[], query: string): string[] {
  const q = query.toLowerCase();
  return q ? items.filter((i) => i.toLowerCase().includes(q)) : [...items];
}
