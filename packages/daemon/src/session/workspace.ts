import { layoutTab, bodyRect, contentViewport, findNeighbour, leafIds, type Direction, type InputMode, type SessionLayout, type SplitDirection, type ViewSpec, type Viewport } from '@kubetile/rpc-schema';
import type { Logger } from '../logging/logger.js';
import type { Pane, PaneServices } from '../panes/pane.js';
import type { PaneRegistry } from '../panes/registry.js';
import { notFound, invalidState } from '../util/errors.js';
import { Signal } from '../util/signal.js';
import { orderedSink } from './ordered-sink.js';
import { FrameScheduler } from '../view/frame-scheduler.js';
import { ClientState } from './client-state.js';
import type { ClientSink } from './client-sink.js';
import { cycleFocus, depthOf, removePane, replacePane, resizePane, splitPane } from './pane-tree-ops.js';
import { Session } from './session.js';
import { restorableTabs } from './restorable-tabs.js';
import { Tab } from './tab.js';
import type { Keymap } from '../keys/keymap.js';
import { MAX_PANES, MAX_SESSIONS, MAX_TABS, MAX_TREE_DEPTH, type SavedSession } from '../state/saved-state.js';

/** A client that was typing (insert, filter, search) into a pane, and in which mode. */
interface Typing {
  client: AttachedClient;
  was: InputMode;
}

const isTyping = (mode: InputMode): boolean => mode === 'insert' || mode === 'filter' || mode === 'search';

interface PaneEntry {
  pane: Pane;
  session: string;
  unsubscribe: () => void;
}

export interface AttachedClient {
  state: ClientState;
  sink: ClientSink;
  scheduler: FrameScheduler;
}

export interface WorkspaceOptions {
  registry: PaneRegistry;
  logger: Logger;
  services: PaneServices;
  keymap: () => Keymap;
  defaultView: () => ViewSpec;
  defaultNamespace: () => { context: string | null; namespace: string };
  /** Status-bar context label and cluster state for a tab's context. */
  status: (context: string | null) => { context: string; cluster: string };
  /** Read-only mode: the status bar says so. */
  readonly?: () => boolean;
  /** A context's favorite namespaces (keys 1–9), for the tab bar. */
  favorites?: (context: string | null) => readonly string[];
}

const RESIZE_STEP = 0.05;

const favoritesOf = (list: readonly string[]): { namespaces?: string[] } => (list.length > 0 ? { namespaces: [...list] } : {});

/**
 * Sessions, tabs, pane trees, pane instances and attached clients. Every change to what a
 * client sees goes through here, and here alone decides which clients to refresh.
 */
export class Workspace {
  readonly sessions = new Map<string, Session>();
  private readonly panes = new Map<number, PaneEntry>();
  readonly clients = new Map<string, AttachedClient>();
  private nextPaneId = 1;
  private nextTabId = 1;
  private nextClientId = 1;
  /** Emitted after any pane is created or disposed (plugins count instances). */
  readonly panesChanged = new Signal();
  /** A tab was pointed at (or made in) a context's namespace (all namespaces is not one): k9s's favorites learn it. */
  readonly scopeChosen = new Signal<{ context: string; namespace: string }>();
  /** Warnings from the daemon's start for the first client that attaches. */
  readonly startNotices: string[] = [];
  /** Emitted when anything a saved session holds may have changed (layout, scopes, pane state). */
  readonly persistChanged = new Signal();

  constructor(private readonly opts: WorkspaceOptions) {}

  // ---- sessions and panes ------------------------------------------------------------------

  session(name: string): Session {
    let s = this.sessions.get(name);
    if (!s) {
      // What the daemon holds it can save and bring back: the state file's limits hold here too.
      if (this.sessions.size >= MAX_SESSIONS) {
        throw invalidState(`there are ${MAX_SESSIONS} sessions, the most kubetile keeps: attach to one of them (session/list) or end one (kubetile kill-session NAME)`);
      }
      s = new Session(name);
      this.sessions.set(name, s);
      this.addTab(s);
      this.opts.logger.info({ session: name }, 'session created');
    }
    return s;
  }

  existingSession(name: string): Session {
    const s = this.sessions.get(name);
    if (!s) throw notFound(`no session '${name}'`);
    return s;
  }

  pane(paneId: number): Pane {
    const e = this.panes.get(paneId);
    if (!e) throw notFound(`no pane ${paneId}`);
    return e.pane;
  }

  /** Whether a pane of this id is open (a script's or another terminal's close may have taken it). */
  hasPane(paneId: number): boolean {
    return this.panes.has(paneId);
  }

  /** Whether `pane` is still open under its id (not closed, not replaced by another view). */
  holds(pane: Pane): boolean {
    return this.panes.get(pane.id)?.pane === pane;
  }

  paneEntries(): Array<{ pane: Pane; session: string; tabId: number }> {
    const out: Array<{ pane: Pane; session: string; tabId: number }> = [];
    for (const [, e] of this.panes) {
      const tab = this.sessions.get(e.session)?.tabOfPane(e.pane.id);
      if (tab) out.push({ pane: e.pane, session: e.session, tabId: tab.id });
    }
    return out.sort((a, b) => a.pane.id - b.pane.id);
  }

  get paneCount(): number {
    return this.panes.size;
  }

  locate(paneId: number): { session: Session; tab: Tab; pane: Pane } {
    const e = this.panes.get(paneId);
    if (!e) throw notFound(`no pane ${paneId}`);
    const session = this.existingSession(e.session);
    const tab = session.tabOfPane(paneId);
    if (!tab) throw notFound(`pane ${paneId} is in no tab`);
    return { session, tab, pane: e.pane };
  }

  /** The client whose key or request is being handled, so pane-initiated opens focus for it. */
  private actor: ClientState | undefined;

  withActor<T>(client: ClientState | undefined, fn: () => T): T {
    const prev = this.actor;
    this.actor = client;
    try {
      return fn();
    } finally {
      this.actor = prev;
    }
  }

  /** `home`: the tab the pane goes into (its scope while it is being built, before the tree holds it). */
  private createPane(session: string, view: ViewSpec, restoreId?: number, home?: Tab, replacing = false): Pane {
    if (restoreId === undefined && !replacing) this.checkPaneRoom(session);
    const id = restoreId ?? this.nextPaneId++;
    const pane = this.opts.registry.create(view.key, {
      paneId: id,
      args: view.args ?? {},
      logger: this.opts.logger.child({ pane: id, key: view.key }),
      services: this.opts.services,
      scope: () => {
        const tab = this.sessions.get(session)?.tabOfPane(id) ?? home;
        return tab ? { context: tab.context, namespace: tab.namespace } : this.opts.defaultNamespace();
      },
      requests: {
        open: (v, split) => {
          if (!this.panes.has(id)) return;
          this.openPane(session, v, { split: { paneId: id, ...split } }, this.actor);
        },
        openBeside: (v) => {
          if (this.panes.has(id)) this.openCompanion(id, v, this.actor);
        },
        replace: (v) => {
          if (this.panes.has(id)) this.replaceView(id, v);
        },
        setNamespace: (namespace) => {
          const tab = this.sessions.get(session)?.tabOfPane(id);
          if (tab && this.panes.has(id)) this.setTabScope(session, tab.id, { namespace });
        },
        close: (why) => {
          if (!this.panes.has(id)) return;
          if (why === 'back' && this.sessions.get(session)?.tabOfPane(id)?.paneIds().length === 1) {
            const text = 'esc: nothing to go back to, this is the only pane of its tab (alt+x closes it, and the tab)';
            // Told to whoever pressed it (everyone in the session when a script did).
            for (const c of this.clientsOf(session)) if (!this.actor || c.state === this.actor) c.sink.toast('info', text);
            return;
          }
          this.closePane(id);
        },
        toast: (level, text) => {
          for (const c of this.clientsOf(session)) c.sink.toast(level, text);
        },
      },
    });
    const unsubscribe = pane.changed.subscribe(() => this.paneChanged(id));
    this.panes.set(id, { pane, session, unsubscribe });
    this.panesChanged.emit();
    return pane;
  }

  /** A session holds at most MAX_PANES panes (a script's runaway loop of pane/open stops there, with the reason). */
  private checkPaneRoom(session: string): void {
    let n = 0;
    for (const e of this.panes.values()) if (e.session === session) n++;
    if (n >= MAX_PANES) throw invalidState(`session '${session}' has ${MAX_PANES} panes, the most one keeps: close some first`);
  }

  private disposePane(paneId: number): void {
    const e = this.panes.get(paneId);
    if (!e) return;
    this.panes.delete(paneId);
    this.companions.delete(paneId);
    e.unsubscribe();
    try {
      e.pane.dispose();
    } catch (err) {
      this.opts.logger.error({ pane: paneId, err: String(err) }, 'pane dispose failed');
    }
    this.panesChanged.emit();
  }

  private addTab(session: Session, view?: ViewSpec): { tab: Tab; pane: Pane } {
    if (session.tabs.length >= MAX_TABS) throw invalidState(`session '${session.name}' has ${MAX_TABS} tabs, the most one keeps: close one first`);
    const pane = this.createPane(session.name, view ?? this.opts.defaultView());
    const { context, namespace } = this.opts.defaultNamespace();
    const tab = new Tab(this.nextTabId++, pane.id, context, namespace);
    session.tabs.push(tab);
    session.lastActiveTabId ??= tab.id;
    if (context !== null && namespace !== '*') this.scopeChosen.emit({ context, namespace });
    return { tab, pane };
  }

  // ---- structural operations (all refresh the session's clients) ----------------------------

  newTab(sessionName: string, view?: ViewSpec, client?: ClientState): { tabId: number; paneId: number } {
    const session = this.session(sessionName);
    const { tab, pane } = this.addTab(session, view);
    // A client attached to another session (a script naming this one) has no tabs here to switch.
    if (client && client.sessionName === session.name) this.selectTab(client, tab.id);
    else session.lastActiveTabId = tab.id;
    this.refreshSession(session.name);
    return { tabId: tab.id, paneId: pane.id };
  }

  /** Opens a pane: split a given pane, a new tab, or split the (client's or last) focused pane. */
  openPane(
    sessionName: string,
    view: ViewSpec,
    where: { split?: { paneId: number; direction: SplitDirection; ratio?: number }; newTab?: boolean },
    client?: ClientState,
  ): { paneId: number; tabId: number } {
    if (where.newTab) {
      const r = this.newTab(sessionName, view, client);
      return { paneId: r.paneId, tabId: r.tabId };
    }
    let target: number;
    let direction: SplitDirection = 'vertical';
    let ratio = 0.5;
    if (where.split) {
      target = where.split.paneId;
      direction = where.split.direction;
      ratio = where.split.ratio ?? 0.5;
    } else {
      const session = this.session(sessionName);
      // The client's own tab and focus only in its own session; in another, the session's default.
      const own = client && client.sessionName === session.name ? client : undefined;
      const tab = own ? this.activeTab(own) : session.defaultTab();
      if (!tab) throw invalidState(`session '${sessionName}' has no tab`);
      target = own ? this.focusedPane(own, tab) : tab.lastFocusedPaneId;
    }
    const { session, tab } = this.locate(target);
    if (session.name !== sessionName && !where.split) throw notFound(`pane ${target} is not in session '${sessionName}'`);
    if (depthOf(tab.tree, target) >= MAX_TREE_DEPTH) {
      throw invalidState(`pane ${target} is already ${MAX_TREE_DEPTH} splits deep, the most a tab nests: split a pane higher up, or open a new tab`);
    }
    const pane = this.createPane(session.name, view, undefined, tab);
    tab.tree = splitPane(tab.tree, target, pane.id, direction, ratio);
    if (client && client.sessionName === session.name) {
      client.activeTabId = tab.id;
      this.setFocus(client, tab, pane.id);
    } else {
      this.setDefaultFocus(tab, pane.id);
    }
    this.refreshSession(session.name);
    return { paneId: pane.id, tabId: tab.id };
  }

  /** Viewer panes (detail, YAML, describe) opened from a pane, by source pane and pane type. */
  private readonly companions = new Map<number, Map<string, number>>();

  /**
   * Opens a viewer beside `sourceId` (below it, half its height); when one of the same type opened
   * from that pane is still in the tab, it shows the new view instead of stacking another pane.
   */
  openCompanion(sourceId: number, view: ViewSpec, client?: ClientState): { paneId: number; tabId: number } {
    const { session, tab } = this.locate(sourceId);
    const mine = this.companions.get(sourceId) ?? new Map<string, number>();
    this.companions.set(sourceId, mine);
    const existing = mine.get(view.key);
    let paneId: number;
    if (existing !== undefined && this.panes.has(existing) && tab.has(existing)) {
      paneId = this.replaceView(existing, view);
      if (client && client.sessionName === session.name) {
        client.activeTabId = tab.id;
        this.setFocus(client, tab, paneId);
      }
    } else {
      paneId = this.openPane(session.name, view, { split: { paneId: sourceId, direction: 'horizontal', ratio: 0.5 } }, client).paneId;
    }
    mine.set(view.key, paneId);
    this.refreshSession(session.name);
    return { paneId, tabId: tab.id };
  }

  /** Swaps a pane for a new one of another view in the same place (the `:` switcher). */
  replaceView(paneId: number, view: ViewSpec): number {
    const { session, tab, pane: old } = this.locate(paneId);
    // Who was typing into it (read before the tree changes): a filter or a shell's keys do not go on into the new view.
    const typing = this.typingInto(session.name, tab, paneId);
    const next = this.createPane(session.name, view, undefined, tab, true);
    tab.tree = replacePane(tab.tree, paneId, next.id);
    if (tab.lastFocusedPaneId === paneId) tab.lastFocusedPaneId = next.id;
    this.stopTyping(typing, `'${old.title().slice(0, 80)}' became another view (${next.title().slice(0, 80)})`);
    for (const c of this.clientsOf(session.name)) {
      if (c.state.focusByTab.get(tab.id) === paneId) c.state.focusByTab.set(tab.id, next.id);
      if (c.state.fullscreenByTab.get(tab.id) === paneId) c.state.fullscreenByTab.set(tab.id, next.id);
    }
    this.disposePane(paneId);
    this.refreshSession(session.name);
    return next.id;
  }

  closePane(paneId: number): void {
    const { session, tab, pane } = this.locate(paneId);
    const { tree, heir } = removePane(tab.tree, paneId);
    // Typing into a pane that is gone must not continue into its neighbour; the others type on (read before the tree changes).
    const typing = this.typingInto(session.name, tab, paneId);
    this.disposePane(paneId);
    if (tree === null) {
      this.removeTab(session, tab, typing);
      return;
    }
    tab.tree = tree;
    if (tab.lastFocusedPaneId === paneId && heir !== null) tab.lastFocusedPaneId = heir;
    for (const c of this.clientsOf(session.name)) {
      if (c.state.focusByTab.get(tab.id) === paneId && heir !== null) c.state.focusByTab.set(tab.id, heir);
      if (c.state.fullscreenByTab.get(tab.id) === paneId) c.state.fullscreenByTab.delete(tab.id);
    }
    this.stopTyping(typing, `'${pane.title().slice(0, 80)}' was closed`);
    this.refreshSession(session.name);
  }

  /**
   * The clients of a session typing (insert, filter, search) in `tab`, their active tab — into `paneId`
   * only, when given — with the mode they were in (read before the pane is disposed: an exec pane's
   * disposal already ends insert mode, without a word).
   */
  private typingInto(sessionName: string, tab: Tab, paneId?: number): Typing[] {
    return this.clientsOf(sessionName)
      .filter((c) => c.state.activeTabId === tab.id && isTyping(c.state.mode) && (paneId === undefined || this.focusedPane(c.state, tab) === paneId))
      .map((c) => ({ client: c, was: c.state.mode }));
  }

  /** Those clients stop typing (their next keys are commands again) and are told why. */
  private stopTyping(typing: readonly Typing[], why: string): void {
    for (const { client, was } of typing) {
      if (!this.clients.has(client.state.id)) continue;
      client.state.stopTyping();
      // Its own key did it (a key on an ended shell closes its pane): nothing to tell.
      if (client.state.handlingInput) continue;
      client.sink.toast('warn', `${was === 'insert' ? 'typing into the pane' : was === 'filter' ? 'the filter' : 'the search'} stopped: ${why}; keys are commands again`);
    }
  }

  closeTab(sessionName: string, tabId: number): void {
    const session = this.existingSession(sessionName);
    const tab = session.tab(tabId);
    if (!tab) throw notFound(`no tab ${tabId} in session '${sessionName}'`);
    const typing = this.typingInto(session.name, tab);
    for (const id of tab.paneIds()) this.disposePane(id);
    this.removeTab(session, tab, typing);
  }

  /**
   * Removes a tab (its panes already disposed); the last tab is replaced by a fresh one. `typing`: the
   * clients that were typing there, whose keys must not go on into the tab shown next.
   */
  private removeTab(session: Session, tab: Tab, typing: readonly Typing[]): void {
    const index = session.tabs.indexOf(tab);
    session.tabs.splice(index, 1);
    if (session.tabs.length === 0) this.addTab(session);
    const fallback = session.tabs[Math.min(index, session.tabs.length - 1)]!;
    if (session.lastActiveTabId === tab.id) session.lastActiveTabId = fallback.id;
    for (const c of this.clientsOf(session.name)) {
      c.state.focusByTab.delete(tab.id);
      c.state.fullscreenByTab.delete(tab.id);
      if (c.state.activeTabId === tab.id) c.state.activeTabId = fallback.id;
    }
    this.stopTyping(typing, `its tab (${tab.namespace.slice(0, 25)}) was closed`);
    this.refreshSession(session.name);
  }

  /** Tabs made while there was no cluster (no context) take `scope`, now that there is one; their panes follow. */
  adoptScope(scope: { context: string | null; namespace: string }): void {
    if (scope.context === null) return;
    for (const session of this.sessions.values()) {
      for (const tab of session.tabs) if (tab.context === null) this.setTabScope(session.name, tab.id, { context: scope.context, namespace: scope.namespace });
    }
  }

  /** Points a tab at another context and/or namespace; its panes follow. */
  setTabScope(sessionName: string, tabId: number, scope: { context?: string; namespace?: string }): void {
    const tab = this.existingSession(sessionName).tab(tabId);
    if (!tab) throw notFound(`no tab ${tabId} in session '${sessionName}'`);
    if (scope.context !== undefined) tab.context = scope.context;
    if (scope.namespace !== undefined) tab.namespace = scope.namespace;
    if (tab.context !== null && tab.namespace !== '*') this.scopeChosen.emit({ context: tab.context, namespace: tab.namespace });
    this.persistChanged.emit();
    for (const id of tab.paneIds()) this.panes.get(id)?.pane.onScopeChange?.();
    this.refreshSession(sessionName);
  }

  // ---- per-client navigation ----------------------------------------------------------------

  focusedPane(client: ClientState, tab?: Tab): number {
    const t = tab ?? this.activeTab(client);
    const f = client.focusByTab.get(t.id);
    return f !== undefined && t.has(f) ? f : t.has(t.lastFocusedPaneId) ? t.lastFocusedPaneId : t.paneIds()[0]!;
  }

  activeTab(client: ClientState): Tab {
    const session = this.session(client.sessionName);
    let tab = session.tab(client.activeTabId);
    if (!tab) {
      tab = session.defaultTab()!;
      client.activeTabId = tab.id;
    }
    return tab;
  }

  /**
   * Clients that never chose a pane in this tab follow the tab's default focus; pin it for them
   * before the default moves, so one client's focus change never moves another's.
   */
  private setDefaultFocus(tab: Tab, paneId: number): void {
    const session = this.sessionOfTab(tab);
    if (session) {
      for (const c of this.clientsOf(session.name)) {
        if (!c.state.focusByTab.has(tab.id)) c.state.focusByTab.set(tab.id, this.focusedPane(c.state, tab));
      }
    }
    tab.lastFocusedPaneId = paneId;
  }

  private sessionOfTab(tab: Tab): Session | undefined {
    for (const s of this.sessions.values()) if (s.tabs.includes(tab)) return s;
    return undefined;
  }

  private setFocus(client: ClientState, tab: Tab, paneId: number): void {
    const prev = this.focusedPane(client, tab);
    client.focusByTab.set(tab.id, paneId);
    // Keys go to the focused pane, so a fullscreen pane that is no longer focused is unzoomed.
    if (client.fullscreenByTab.has(tab.id) && client.fullscreenByTab.get(tab.id) !== paneId) client.fullscreenByTab.delete(tab.id);
    // Typing into one pane's program never continues into another.
    if (client.mode === 'insert' && prev !== paneId) client.mode = 'normal';
    this.setDefaultFocus(tab, paneId);
    if (prev !== paneId) {
      this.panes.get(prev)?.pane.onFocus?.(false);
      this.panes.get(paneId)?.pane.onFocus?.(true);
    }
  }

  selectTab(client: ClientState, tabId: number): void {
    const session = this.session(client.sessionName);
    if (!session.tab(tabId)) throw notFound(`no tab ${tabId} in session '${client.sessionName}'`);
    client.activeTabId = tabId;
    session.lastActiveTabId = tabId;
    this.refreshClient(client);
  }

  selectTabIndex(client: ClientState, index: number): boolean {
    const tab = this.session(client.sessionName).tabs[index];
    if (!tab) return false;
    this.selectTab(client, tab.id);
    return true;
  }

  cycleTab(client: ClientState, step: 1 | -1): void {
    const tabs = this.session(client.sessionName).tabs;
    const i = tabs.findIndex((t) => t.id === client.activeTabId);
    this.selectTab(client, tabs[(i + step + tabs.length) % tabs.length]!.id);
  }

  focusPane(client: ClientState, paneId: number): void {
    const { session, tab } = this.locate(paneId);
    if (session.name !== client.sessionName) throw notFound(`pane ${paneId} is not in session '${client.sessionName}'`);
    client.activeTabId = tab.id;
    session.lastActiveTabId = tab.id;
    this.setFocus(client, tab, paneId);
    this.refreshClient(client);
  }

  cycleFocus(client: ClientState, step: 1 | -1): void {
    const tab = this.activeTab(client);
    if (this.fullscreenOf(client, tab) !== null) return;
    this.setFocus(client, tab, cycleFocus(tab.tree, this.focusedPane(client, tab), step));
    this.refreshClient(client);
  }

  focusDirection(client: ClientState, direction: Direction): number | null {
    const tab = this.activeTab(client);
    if (this.fullscreenOf(client, tab) !== null) return null;
    const rects = layoutTab(tab.tree, null, bodyRect(client.size));
    const next = findNeighbour(rects, this.focusedPane(client, tab), direction);
    if (next === null) return null;
    this.setFocus(client, tab, next);
    this.refreshClient(client);
    return next;
  }

  splitFocused(client: ClientState, direction: SplitDirection, view: ViewSpec = { key: 'empty' }): number {
    const target = this.focusedPane(client);
    return this.openPane(client.sessionName, view, { split: { paneId: target, direction } }, client).paneId;
  }

  resizeFocused(client: ClientState, grow: boolean): void {
    const tab = this.activeTab(client);
    tab.tree = resizePane(tab.tree, this.focusedPane(client, tab), grow ? RESIZE_STEP : -RESIZE_STEP);
    this.refreshSession(client.sessionName);
  }

  /** The size of a pane's content on `client`'s screen (its active tab), or null when not shown there. */
  paneViewport(client: ClientState, paneId: number): Viewport | null {
    const tab = this.activeTab(client);
    const rect = layoutTab(tab.tree, this.fullscreenOf(client, tab), bodyRect(client.size)).get(paneId);
    return rect ? contentViewport(rect) : null;
  }

  /** The pane `client` shows fullscreen in `tab`, or null: each client zooms on its own. */
  fullscreenOf(client: ClientState, tab: Tab): number | null {
    const id = client.fullscreenByTab.get(tab.id);
    return id !== undefined && tab.has(id) && id === this.focusedPane(client, tab) ? id : null;
  }

  toggleFullscreen(client: ClientState): void {
    const tab = this.activeTab(client);
    if (this.fullscreenOf(client, tab) !== null) client.fullscreenByTab.delete(tab.id);
    else client.fullscreenByTab.set(tab.id, this.focusedPane(client, tab));
    this.refreshClient(client);
  }

  // ---- clients ------------------------------------------------------------------------------

  attach(sessionName: string, size: Viewport, sink: ClientSink): AttachedClient {
    const session = this.session(sessionName);
    const tab = session.defaultTab()!;
    const state = new ClientState(`c${this.nextClientId++}`, sessionName, tab.id, size);
    const scheduler = new FrameScheduler(sink, {
      layout: () => (this.clients.has(state.id) ? this.buildLayout(state) : null),
      activeTab: () => {
        if (!this.clients.has(state.id)) return null;
        const t = this.activeTab(state);
        return { tree: t.tree, fullscreenPaneId: this.fullscreenOf(state, t) };
      },
      size: () => state.size,
      render: (paneId, viewport) => this.renderPane(paneId, viewport),
      layoutSent: () => ++state.layoutSeq,
    });
    // Toasts and clipboard writes leave after the frame pending for this client, never ahead of it.
    const client: AttachedClient = { state, sink: orderedSink(sink, () => scheduler.flushPending()), scheduler };
    this.clients.set(state.id, client);
    this.opts.logger.info({ client: state.id, session: sessionName }, 'client attached');
    // What the user must hear about the daemon's start (sessions that could not be restored) goes to the first client.
    const notices = this.startNotices.splice(0);
    if (notices.length) setImmediate(() => notices.forEach((n) => client.sink.toast('warn', n)));
    return client;
  }

  /**
   * Ends a session (tmux's kill-session): its attached clients are told and detached, its panes
   * disposed, and it is no longer saved. The next attach with its name makes a new one.
   */
  killSession(name: string, reason: string): void {
    const session = this.existingSession(name);
    for (const c of this.clientsOf(name)) {
      c.sink.sessionEnded(name, reason);
      this.detach(c.state.id);
    }
    for (const tab of session.tabs) for (const id of tab.paneIds()) this.disposePane(id);
    this.sessions.delete(name);
    this.opts.logger.info({ session: name }, 'session ended');
    this.persistChanged.emit();
  }

  detach(clientId: string): void {
    const c = this.clients.get(clientId);
    if (!c) return;
    c.scheduler.close();
    this.clients.delete(clientId);
    c.state.closeOverlay(true); // whoever waits on its dialog hears that no answer is coming
    this.opts.logger.info({ client: clientId }, 'client detached');
  }

  resizeClient(client: ClientState, size: Viewport): void {
    client.size = size;
    this.refreshClient(client);
  }

  clientsOf(sessionName: string): AttachedClient[] {
    return [...this.clients.values()].filter((c) => c.state.sessionName === sessionName);
  }

  buildLayout(state: ClientState): SessionLayout {
    const session = this.session(state.sessionName);
    const active = this.activeTab(state);
    const paneTitles: Record<string, string> = {};
    for (const id of active.paneIds()) {
      const p = this.panes.get(id)?.pane;
      if (p) paneTitles[String(id)] = p.title();
    }
    const st = this.opts.status(active.context);
    return {
      session: session.name,
      clientId: state.id,
      tabs: session.tabs.map((t) => ({
        id: t.id,
        title: this.tabTitle(state, t),
        tree: t.tree,
        fullscreenPaneId: this.fullscreenOf(state, t),
        focusedPaneId: this.focusedPane(state, t),
        context: t.context,
        namespace: t.namespace,
      })),
      activeTabId: active.id,
      mode: state.mode,
      ...(state.mode === 'filter' || state.mode === 'search' ? { input: state.input } : {}),
      overlay: state.overlayView(),
      status: {
        context: st.context,
        cluster: st.cluster,
        hints: this.opts.keymap().hints(state.overlay?.type === 'input' ? 'input' : state.mode),
        ...(this.opts.readonly?.() ? { readonly: true } : {}),
        ...favoritesOf(this.opts.favorites?.(active.context) ?? []),
      },
      paneTitles,
    };
  }

  /** A tab's label for one client: its namespace and the kind of the pane this client has focused there (each has its own focus). */
  private tabTitle(state: ClientState, tab: Tab): string {
    const p = this.panes.get(this.focusedPane(state, tab))?.pane ?? this.panes.get(tab.paneIds()[0]!)?.pane;
    return `${tab.namespace.slice(0, 25)}|${p?.alias() ?? '?'}`;
  }

  renderPane(paneId: number, viewport: Viewport) {
    const e = this.panes.get(paneId);
    if (!e) return null;
    try {
      return e.pane.view(viewport);
    } catch (err) {
      this.opts.logger.error({ pane: paneId, err: String(err) }, 'pane view failed');
      return { type: 'message' as const, title: e.pane.title(), level: 'error' as const, text: `view failed: ${String(err)}` };
    }
  }

  /** Re-sends layout + views to every client of a session. */
  refreshSession(sessionName: string): void {
    for (const c of this.clientsOf(sessionName)) c.scheduler.markLayout();
    this.persistChanged.emit();
  }

  // ---- saving and restoring sessions ----------------------------------------------------------

  /** Every session as it would be restored: tabs, trees and ratios, each pane's view with its state. */
  snapshotSessions(): SavedSession[] {
    const out: SavedSession[] = [];
    for (const s of this.sessions.values()) {
      const panes: SavedSession['panes'] = [];
      for (const t of s.tabs) {
        for (const id of t.paneIds()) {
          const e = this.panes.get(id);
          if (!e) continue;
          let state: Record<string, unknown> = {};
          try {
            state = e.pane.persistState?.() ?? {};
          } catch (err) {
            this.opts.logger.warn({ pane: id, err: String(err) }, 'pane state not saved');
          }
          panes.push({ id, view: { key: e.pane.key, args: { ...e.pane.args, ...state } } });
        }
      }
      out.push({
        name: s.name,
        tabs: s.tabs.map((t) => ({ id: t.id, context: t.context, namespace: t.namespace, tree: t.tree, lastFocusedPaneId: t.lastFocusedPaneId })),
        panes,
        lastActiveTabId: s.lastActiveTabId,
      });
    }
    return out;
  }

  /** The ids the next pane and tab will get (saved with the sessions). */
  nextIds(): { pane: number; tab: number } {
    return { pane: this.nextPaneId, tab: this.nextTabId };
  }

  /**
   * Goes on from a previous daemon's next ids (never lower): a pane or tab closed before a restart
   * does not hand its id to a new one, which a script still holding it would act on.
   */
  continueIdsFrom(next: { pane: number; tab: number }): void {
    this.nextPaneId = Math.max(this.nextPaneId, next.pane);
    this.nextTabId = Math.max(this.nextTabId, next.tab);
  }

  /**
   * Brings saved sessions back with their tab and pane ids (scripts keep working), before any client
   * attaches. A session whose tree names a pane it did not save is skipped with a problem.
   */
  restoreSessions(saved: readonly SavedSession[]): string[] {
    const problems: string[] = [];
    for (const ss of saved) {
      if (this.sessions.has(ss.name)) continue;
      const views = new Map(ss.panes.map((p) => [p.id, p.view] as const));
      const { tabs, problems: left } = restorableTabs(ss, (id) => this.panes.has(id), (id) => [...this.sessions.values()].some((s) => s.tab(id) !== undefined));
      problems.push(...left);
      if (tabs.length === 0) {
        problems.push(`session '${ss.name}' was not restored: none of its tabs could be`);
        continue;
      }
      const session = new Session(ss.name);
      this.sessions.set(ss.name, session);
      for (const st of tabs) {
        const tab = new Tab(st.id, leafIds(st.tree)[0]!, st.context, st.namespace);
        tab.tree = st.tree;
        // The tab first: each pane starts on the tab's saved context and namespace.
        for (const id of leafIds(st.tree)) this.createPane(session.name, views.get(id)!, id, tab);
        tab.lastFocusedPaneId = tab.has(st.lastFocusedPaneId) ? st.lastFocusedPaneId : leafIds(st.tree)[0]!;
        session.tabs.push(tab);
        if (tab.context !== null && tab.namespace !== '*') this.scopeChosen.emit({ context: tab.context, namespace: tab.namespace });
        this.nextTabId = Math.max(this.nextTabId, st.id + 1);
      }
      session.lastActiveTabId = ss.lastActiveTabId !== null && session.tab(ss.lastActiveTabId) ? ss.lastActiveTabId : session.tabs[0]!.id;
      for (const id of views.keys()) this.nextPaneId = Math.max(this.nextPaneId, id + 1);
      this.opts.logger.info({ session: ss.name, tabs: tabs.length, panes: session.tabs.reduce((n, t) => n + leafIds(t.tree).length, 0) }, 'session restored');
    }
    return problems;
  }

  refreshClient(client: ClientState): void {
    this.clients.get(client.id)?.scheduler.markLayout();
  }

  /** Sends now the frames that were only waiting for the end of this turn (see FrameScheduler.flushDue): one client's, or all. */
  flushDueFrames(clientId?: string): void {
    if (clientId !== undefined) this.clients.get(clientId)?.scheduler.flushDue();
    else for (const c of this.clients.values()) c.scheduler.flushDue();
  }

  refreshAll(): void {
    for (const c of this.clients.values()) c.scheduler.markLayout();
  }

  private paneChanged(paneId: number): void {
    const e = this.panes.get(paneId);
    if (!e) return;
    this.persistChanged.emit();
    for (const c of this.clientsOf(e.session)) {
      const tab = this.activeTab(c.state);
      if (tab.has(paneId)) c.scheduler.markPane(paneId);
    }
  }

  disposeAll(): void {
    for (const c of this.clients.values()) c.scheduler.close();
    this.clients.clear();
    for (const id of [...this.panes.keys()]) this.disposePane(id);
  }
}
