import { keyText, normalizeKey, type PaneCommand } from '@kubetile/rpc-schema';
import type { Logger } from '../logging/logger.js';
import type { AppCommand } from '../keys/actions.js';
import { actionName } from '../keys/actions.js';
import type { Group } from '../keys/bindings.js';
import type { Keymap } from '../keys/keymap.js';
import { filterItems, type ClientState } from './client-state.js';
import type { Workspace } from './workspace.js';

export interface KeyResult {
  handled: boolean;
  command?: string;
}

const NORMAL_GROUPS: readonly Group[] = ['global', 'browse', 'navigation', 'tui'];
const GLOBAL_ONLY: readonly Group[] = ['global'];

export interface KeyRouterDeps {
  workspace: Workspace;
  keymap: () => Keymap;
  logger: Logger;
  /** Pane types offered by the `:` switcher. */
  switchableViews: () => string[];
}

/**
 * Maps a client's key to an action using that client's mode: overlays and text inputs first,
 * then the configured bindings (global in every mode; the rest in normal mode).
 */
export class KeyRouter {
  constructor(private readonly deps: KeyRouterDeps) {}

  handle(client: ClientState, rawKey: string): KeyResult {
    let key: string;
    try {
      key = normalizeKey(rawKey);
    } catch {
      return { handled: false };
    }
    const ws = this.deps.workspace;
    if (client.overlay?.type === 'confirm') return this.confirmKey(client, key);
    if (client.overlay?.type === 'selector') return this.selectorKey(client, key);
    if (client.mode === 'filter') {
      const r = this.filterKey(client, key);
      if (r) return r;
    }
    const entry = this.deps.keymap().lookup(key, client.mode === 'normal' ? NORMAL_GROUPS : GLOBAL_ONLY);
    if (!entry) return { handled: false };
    const action = entry.action;
    if (action.kind === 'pane') {
      this.sendToFocused(client, action.command);
    } else {
      this.runApp(client, action.command, action.arg);
    }
    ws.refreshClient(client);
    return { handled: true, command: action.kind === 'app' && action.command === 'detach' ? 'detach' : actionName(action) };
  }

  sendToFocused(client: ClientState, command: PaneCommand): void {
    const ws = this.deps.workspace;
    const paneId = ws.focusedPane(client);
    ws.pane(paneId).handleCommand(command);
  }

  private runApp(client: ClientState, command: AppCommand, arg?: number): void {
    const ws = this.deps.workspace;
    switch (command) {
      case 'detach':
        return; // the connection layer detaches after replying
      case 'split_vertical':
        ws.splitFocused(client, 'vertical');
        return;
      case 'split_horizontal':
        ws.splitFocused(client, 'horizontal');
        return;
      case 'close_pane':
        ws.closePane(ws.focusedPane(client));
        return;
      case 'new_tab':
        ws.newTab(client.sessionName, undefined, client);
        return;
      case 'close_tab':
        ws.closeTab(client.sessionName, ws.activeTab(client).id);
        return;
      case 'next_tab':
        ws.cycleTab(client, 1);
        return;
      case 'prev_tab':
        ws.cycleTab(client, -1);
        return;
      case 'goto_tab':
        ws.selectTabIndex(client, (arg ?? 1) - 1);
        return;
      case 'toggle_fullscreen':
        ws.toggleFullscreen(client);
        return;
      case 'focus_next':
        ws.cycleFocus(client, 1);
        return;
      case 'focus_prev':
        ws.cycleFocus(client, -1);
        return;
      case 'focus_up':
      case 'focus_down':
      case 'focus_left':
      case 'focus_right':
        ws.focusDirection(client, command.slice(6) as 'up' | 'down' | 'left' | 'right');
        return;
      case 'resize_grow':
        ws.resizeFocused(client, true);
        return;
      case 'resize_shrink':
        ws.resizeFocused(client, false);
        return;
      case 'help':
        this.toggleHelp(client);
        return;
      case 'app_logs':
        this.toggleAppLogs(client);
        return;
      case 'filter':
        client.mode = 'filter';
        client.input = '';
        return;
      case 'view_switcher':
        this.openSwitcher(client);
        return;
    }
  }

  /** F1: a help pane split off the focused pane; F1 again (anywhere in the tab) closes it. */
  private toggleHelp(client: ClientState): void {
    const ws = this.deps.workspace;
    const tab = ws.activeTab(client);
    const existing = tab.paneIds().find((id) => ws.pane(id).key === 'help');
    if (existing !== undefined) ws.closePane(existing);
    else ws.splitFocused(client, 'vertical', { key: 'help' });
  }

  /** The app-logs tab: select it, close it when it is the active one, or open it. */
  private toggleAppLogs(client: ClientState): void {
    const ws = this.deps.workspace;
    const session = ws.session(client.sessionName);
    const tab = session.tabs.find((t) => t.paneIds().some((id) => ws.pane(id).key === 'app-logs'));
    if (!tab) ws.newTab(client.sessionName, { key: 'app-logs' }, client);
    else if (tab.id === client.activeTabId) ws.closeTab(client.sessionName, tab.id);
    else ws.selectTab(client, tab.id);
  }

  private openSwitcher(client: ClientState): void {
    const ws = this.deps.workspace;
    const target = ws.focusedPane(client);
    client.mode = 'selector';
    client.overlay = {
      type: 'selector',
      title: 'Switch view',
      items: this.deps.switchableViews(),
      query: '',
      selected: 0,
      onPick: (item) => {
        ws.replaceView(target, { key: item });
      },
    };
  }

  private closeOverlay(client: ClientState): void {
    client.overlay = null;
    client.mode = 'normal';
  }

  private selectorKey(client: ClientState, key: string): KeyResult {
    const o = client.overlay;
    if (o?.type !== 'selector') return { handled: false };
    const items = filterItems(o.items, o.query);
    const done = (command: string): KeyResult => {
      this.deps.workspace.refreshClient(client);
      return { handled: true, command };
    };
    switch (key) {
      case 'esc':
        this.closeOverlay(client);
        return done('overlay:cancel');
      case 'enter': {
        const item = items[o.selected];
        this.closeOverlay(client);
        if (item !== undefined) {
          try {
            o.onPick(item);
          } catch (err) {
            this.deps.logger.warn({ err: String(err) }, 'selector action failed');
          }
        }
        return done('overlay:pick');
      }
      case 'up':
      case 'ctrl+p':
        o.selected = items.length ? (o.selected - 1 + items.length) % items.length : 0;
        return done('overlay:prev');
      case 'down':
      case 'ctrl+n':
      case 'tab':
        o.selected = items.length ? (o.selected + 1) % items.length : 0;
        return done('overlay:next');
      case 'backspace':
        o.query = [...o.query].slice(0, -1).join('');
        o.selected = 0;
        return done('overlay:input');
    }
    const text = keyText(key);
    if (text !== null) {
      o.query += text;
      o.selected = 0;
      return done('overlay:input');
    }
    const global = this.deps.keymap().lookup(key, GLOBAL_ONLY);
    if (global?.action.kind === 'app' && global.action.command === 'detach') return { handled: true, command: 'detach' };
    return { handled: false };
  }

  private confirmKey(client: ClientState, key: string): KeyResult {
    const o = client.overlay;
    if (o?.type !== 'confirm') return { handled: false };
    if (key === 'y' || key === 'shift+y' || key === 'enter') {
      this.closeOverlay(client);
      try {
        o.onConfirm();
      } catch (err) {
        this.deps.logger.warn({ err: String(err) }, 'confirmed action failed');
      }
    } else if (key === 'n' || key === 'shift+n' || key === 'esc') {
      this.closeOverlay(client);
    } else {
      return { handled: false };
    }
    this.deps.workspace.refreshClient(client);
    return { handled: true, command: 'confirm' };
  }

  /** Filter mode: typing filters the focused pane live; Enter keeps the filter, Esc clears it. */
  private filterKey(client: ClientState, key: string): KeyResult | null {
    const done = (command: string): KeyResult => {
      this.deps.workspace.refreshClient(client);
      return { handled: true, command };
    };
    switch (key) {
      case 'enter':
        client.mode = 'normal';
        return done('filter:keep');
      case 'esc':
        client.mode = 'normal';
        client.input = '';
        this.sendToFocused(client, { type: 'clear_filter' });
        return done('filter:clear');
      case 'backspace':
        client.input = [...client.input].slice(0, -1).join('');
        this.sendToFocused(client, client.input ? { type: 'filter', query: client.input } : { type: 'clear_filter' });
        return done('filter:input');
    }
    const text = keyText(key);
    if (text !== null) {
      client.input += text;
      this.sendToFocused(client, { type: 'filter', query: client.input });
      return done('filter:input');
    }
    return null;
  }
}
