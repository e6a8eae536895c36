import { keyText, normalizeKey, type PaneCommand } from '@kubetile/rpc-schema';
import { appendTyped, typedLimitMessage } from './typed-line.js';
import { pastedLine } from '../util/pasted-line.js';
import type { Logger } from '../logging/logger.js';
import type { AppCommand } from '../keys/actions.js';
import { actionName } from '../keys/actions.js';
import type { Group } from '../keys/bindings.js';
import { clientPrompts } from './client-prompts.js';
import type { Keymap } from '../keys/keymap.js';
import { isRecord } from '../util/is-record.js';
import { notAskedMessage, selectorItems, type ClientState, type OverlayState, type SelectorState } from './client-state.js';
import type { ViewSpec } from '@kubetile/rpc-schema';
import type { ClusterManager } from '../kube/cluster.js';
import type { KubeObject } from '../kube/types.js';
import { describeTarget, MAX_REPLICAS, refusal, SCALE_CONFIRM_ABOVE, type MutationName, type ResourceActions, type ResourceActionName } from './resource-actions.js';
import { deleteNeedsTypedName, MutationRefused } from '../kube/mutations.js';
import { DrainIncomplete } from '../kube/node-drain.js';
import { getObject } from '../kube/resource-ops.js';
import { errorMessage, invalidState } from '../util/errors.js';
import type { ClientPrompts, ResourceTarget } from '../panes/pane.js';
import { SwitchHistory } from './switch-history.js';
import type { Workspace } from './workspace.js';
import type { Tab } from './tab.js';
import type { ResourceEdits } from '../edit/resource-edits.js';
import { editLine } from './line-edit.js';
import { readOnlyRefusal, WRITE_COMMANDS } from './read-only.js';
import { containerImages, type ContainerImage } from '../kube/set-image.js';
import { badImage } from '../kube/ephemeral-debug.js';
import { copyNames, jumpToOwner, openXray, pickFavorite, sortBy, type BrowseKey } from './browse-keys.js';

export interface KeyResult {
  handled: boolean;
  command?: string;
}

const NORMAL_GROUPS: readonly Group[] = ['global', 'mutate', 'interact', 'browse', 'navigation', 'tui'];
const ALL_NAMESPACES_LABEL = 'All Namespaces';
const GLOBAL_ONLY: readonly Group[] = ['global'];

export interface KeyRouterDeps {
  workspace: Workspace;
  keymap: () => Keymap;
  logger: Logger;
  /** Items offered by the `:` switcher (resource kinds, then pane types), and the view for one. */
  switchableViews: (client: ClientState) => string[] | Promise<string[]>;
  /** The view a `:` item opens, for `client` (its tab's context: each context has its own labels). */
  viewFor: (item: string, client: ClientState) => ViewSpec;
  actions: ResourceActions;
  /** `kubectl edit` in the client's editor. */
  edits: ResourceEdits;
  /** Read-only mode: the keys that change the cluster are refused (read-only.ts). */
  readonly?: () => boolean;
  kube: ClusterManager;
  /** Whether a pane type is registered (built-ins, plugins). */
  hasPaneType: (key: string) => boolean;
  /** The `:` item a typed name means exactly (a short name, singular, plural or config alias), if any. */
  resolveView?: (query: string, client: ClientState) => string | null;
  /** A context's favorite namespaces, k9s's (keys 1–9). */
  favorites?: (context: string) => readonly string[];
  /** Where the `:` history is kept across restarts (`$XDG_STATE_HOME/kubetile/command-history.json`); memory only without. */
  historyFile?: string;
}

/** The one question each mutation but delete and scale asks, for the object named. */
const QUESTIONS: Record<'kill' | 'restart' | 'cordon' | 'uncordon' | 'drain' | 'trigger' | 'suspend' | 'resume', (name: string) => string> = {
  restart: (name) => `Restart the rollout of ${name}?`,
  kill: (name) =>
    `Force-delete ${name}? It is removed from the API at once, without waiting for its containers to stop (kubectl delete --force --grace-period=0); they may still run on the node for a while.`,
  cordon: (name) => `Cordon ${name}? New pods are not scheduled on it; those running stay.`,
  uncordon: (name) => `Uncordon ${name}? Pods may be scheduled on it again.`,
  drain: (name) =>
    `Drain ${name}? It is cordoned and its pods are evicted, each as its disruption budget allows; DaemonSet and static pods stay, and so do pods no controller would re-create or with emptyDir data (named after).`,
  trigger: (name) => `Run ${name} now? A Job is created from its template.`,
  suspend: (name) => `Suspend ${name}? No Jobs are scheduled until it is resumed; Jobs running now go on.`,
  resume: (name) => `Resume ${name}? Its Jobs are scheduled again.`,
};

/** The `:` item that opens the context selector (the daemon offers it among the kinds). */
const CONTEXT_ITEM_PREFIX = 'ctx';
/** `:ctx NAME`, `:ns NAME`: switch the tab's context or namespace at once. */
const SCOPE_COMMAND = /^(ctx|context|ns|namespace)\s+(\S+)\s*$/i;
/** `:KIND NAMESPACE` (k9s's `:po kube-system`). */
const KIND_IN_NAMESPACE = /^(\S+)\s+(\S+)$/;
/** A selector opens on the item in use (k9s's namespace list starts on the namespace shown), unless text was typed while it loaded. */
function selectCurrent(o: SelectorState): void {
  if (o.current === undefined || o.query !== '') return;
  const at = selectorItems(o).indexOf(o.current);
  if (at >= 0) o.selected = at;
}

/** What a namespace or context picked for a tab closed meanwhile says. */
function tabGoneMessage(tab: Tab, what: 'namespace' | 'context'): string {
  return `the tab this ${what} was picked for (${tab.namespace.slice(0, 25)}) was closed meanwhile (another terminal or a script): nothing was changed`;
}

/** The browse keys a pane of text lines (LinesPane) takes, for its F2. */
const LINES_BROWSE_KEYS = ['browse.view_switcher', 'browse.filter', 'browse.toggle_follow', 'browse.toggle_wrap', 'browse.help'];
/** `:q`, `:q!`, `:quit`, `:qa`: k9s's and vim's quit, here a detach (the session lives on in the daemon). */
const QUIT_COMMAND = /^(?:q|q!|qa|qa!|quit)$/;
/** The keys that answer each kind of overlay (see ClientState.answers). */
const ANSWER_KEYS: Readonly<Record<OverlayState['type'], ReadonlySet<string>>> = {
  confirm: new Set(['y', 'shift+y']),
  selector: new Set(['enter']),
  input: new Set(['enter']),
};
/** Runs `fn` as the handling of one of `client`'s keys or pastes (an overlay it opens answers what was typed). */
function asInput<T>(client: ClientState, fn: () => T): T {
  client.handlingInput = true;
  try {
    return fn();
  } finally {
    client.handlingInput = false;
  }
}

/** Panes whose keys F2 shows, by what they are. */
const LIST_GROUPS: readonly Group[] = ['interact', 'mutate', 'browse', 'navigation'];

/**
 * Maps a client's key to an action using that client's mode: overlays and text inputs first,
 * then the configured bindings (global in every mode; the rest in normal mode).
 */
export class KeyRouter {
  /** The `:` selectors open now (their typed text resolves names exactly). */
  private readonly switchers = new WeakSet<SelectorState>();
  /** F1's help panes open now, and the client that opened each (its F1 closes it anywhere in the tab). */
  private readonly helpOpeners = new Map<number, string>();
  /** Recent `:` picks, newest first (the switcher lists them first), kept across restarts. */
  private readonly switchHistory: SwitchHistory;

  constructor(private readonly deps: KeyRouterDeps) {
    this.switchHistory = new SwitchHistory(deps.historyFile ?? null, (msg) => deps.logger.warn({}, msg));
  }

  /** Resolves once the `:` history is on disk. */
  flush(): Promise<void> {
    return this.switchHistory.flush();
  }

  /**
   * One key of this client. `seen`: the number of the last layout its terminal had when the key was
   * typed (undefined from scripts): y/enter typed before a dialog reached the terminal do not answer it.
   */
  handle(client: ClientState, rawKey: string, seen?: number): KeyResult {
    let key: string;
    try {
      key = normalizeKey(rawKey);
    } catch {
      return { handled: false };
    }
    const o = client.overlay;
    if (o && ANSWER_KEYS[o.type].has(key) && !client.answers(seen)) return { handled: false, command: 'ignored:unseen' };
    return asInput(client, () => this.route(client, key));
  }

  private route(client: ClientState, key: string): KeyResult {
    const ws = this.deps.workspace;
    if (client.overlay?.type === 'confirm') return this.confirmKey(client, key);
    if (client.overlay?.type === 'selector') return this.selectorKey(client, key);
    if (client.overlay?.type === 'input') return this.inputKey(client, key);
    if (client.mode === 'insert') {
      const r = this.insertKey(client, key);
      if (r) return r;
    }
    if (client.mode === 'filter') {
      const r = this.filterKey(client, key);
      if (r) return r;
    }
    const entry = this.deps.keymap().lookup(key, client.mode === 'normal' ? this.normalGroups(client) : GLOBAL_ONLY);
    if (!entry) return { handled: false };
    const action = entry.action;
    if (action.kind === 'pane') {
      this.sendToFocused(client, action.command);
    } else if (action.kind === 'local') {
      this.runLocal(client, action.name);
    } else if (action.command === 'open_plugin' && action.plugin) {
      this.openPlugin(client, action.plugin);
    } else if (action.command === 'run_command' && action.name) {
      this.act(client, 'command', { name: action.name });
    } else if (action.command === 'sort_by' && action.name) {
      sortBy(this.browse(client), action.name);
    } else {
      this.runApp(client, action.command, action.arg);
    }
    ws.refreshClient(client);
    return { handled: true, command: action.kind === 'app' && action.command === 'detach' ? 'detach' : actionName(action) };
  }

  /**
   * A bracketed paste: text, never keys. It goes where typing goes in this client's mode (one line
   * into the filter, an input or a selector's search; as it is into an exec pane's shell or the
   * query editor in insert mode); in a confirmation and in normal mode it is refused and the client
   * told why, since its letters would otherwise be commands (`e` opens a shell, `i` types into it,
   * a newline presses Enter).
   */
  paste(client: ClientState, text: string): KeyResult {
    return asInput(client, () => this.pasteText(client, text));
  }

  private pasteText(client: ClientState, text: string): KeyResult {
    const ws = this.deps.workspace;
    const o = client.overlay;
    if (o?.type === 'confirm') return this.refusePaste(client, 'a confirmation is answered with y or n, not by a paste');
    // The overlays and the filter take one line of it.
    const line1 = o || client.mode === 'filter' ? pastedLine(text) : '';
    if ((o || client.mode === 'filter') && line1 === '') return this.refusePaste(client, 'it holds no text for a line (only line breaks or control characters)');
    // One line typed onto `current` (within that field's limit), then `apply`.
    const intoLine = (current: string, what: string, command: string, apply: (line: string) => void): KeyResult => {
      const line = this.typeInto(client, current, line1, what);
      if (line === null) return this.refusePaste(client, typedLimitMessage(what));
      apply(line);
      ws.refreshClient(client);
      return { handled: true, command };
    };
    if (o?.type === 'selector') {
      return intoLine(o.query, 'the search', 'paste:overlay', (line) => {
        o.query = line;
        o.selected = 0;
        this.autoSelect(client, o);
      });
    }
    if (o?.type === 'input') return intoLine(o.value, 'the input', 'paste:overlay', (line) => (o.value = line));
    if (client.mode === 'insert') {
      const pane = ws.pane(ws.focusedPane(client));
      const refused = pane.handlePaste ? pane.handlePaste(text, ws.paneViewport(client, pane.id)) : 'this pane takes no text';
      if (refused !== null) return this.refusePaste(client, refused);
      ws.refreshClient(client);
      return { handled: true, command: 'paste:insert' };
    }
    if (client.mode === 'filter') {
      return intoLine(client.input, 'the filter', 'paste:filter', (line) => {
        client.input = line;
        this.sendToFocused(client, { type: 'filter', query: client.input });
        this.shareFilterLine(client);
      });
    }
    return this.refusePaste(client, 'in normal mode a paste is not run as keys: press / to filter, or i in a shell or query pane to type into it');
  }

  private refusePaste(client: ClientState, why: string): KeyResult {
    this.toast(client, 'warn', `paste not taken: ${why}`);
    return { handled: false, command: 'paste:refused' };
  }

  /** Normal-mode groups: global, then the focused pane's own group (logs, exec…), then the rest. */
  private normalGroups(client: ClientState): readonly Group[] {
    const ws = this.deps.workspace;
    const group = ws.pane(ws.focusedPane(client)).bindingGroup?.() ?? null;
    return group ? ['global', group, ...NORMAL_GROUPS.slice(1)] : NORMAL_GROUPS;
  }

  /** Questions for this client (overlays that resolve with the answer). */
  prompts(client: ClientState): ClientPrompts {
    return clientPrompts(this.deps.workspace, client);
  }

  /** A binding of the focused pane's own group: the pane handles it by name. */
  private runLocal(client: ClientState, name: string): void {
    const ws = this.deps.workspace;
    const pane = ws.pane(ws.focusedPane(client));
    if (!pane.handleAction) return;
    try {
      pane.handleAction(name, this.prompts(client));
    } catch (err) {
      this.toast(client, 'error', `${name}: ${errorMessage(err)}`);
    }
  }

  /**
   * Insert mode (exec panes): every key goes to the pane's program except the leave_insert chord
   * (default ctrl+]), so Esc reaches the shell. A pane without input ends insert mode.
   */
  private insertKey(client: ClientState, key: string): KeyResult | null {
    const ws = this.deps.workspace;
    const pane = ws.pane(ws.focusedPane(client));
    if (!pane.handleInput) {
      client.mode = 'normal';
      return null;
    }
    const leave = this.deps.keymap().lookup(key, ['exec']);
    if (leave?.action.kind === 'app' && leave.action.command === 'leave_insert') {
      client.mode = 'normal';
      ws.refreshClient(client);
      return { handled: true, command: 'app:leave_insert' };
    }
    pane.handleInput(key, ws.paneViewport(client, pane.id));
    return { handled: true, command: 'insert:input' };
  }

  sendToFocused(client: ClientState, command: PaneCommand): void {
    const ws = this.deps.workspace;
    const paneId = ws.focusedPane(client);
    ws.pane(paneId).handleCommand(command);
  }

  private runApp(client: ClientState, command: AppCommand, arg?: number): void {
    const ws = this.deps.workspace;
    // k9s's `c`: cordon on a Node; on any other row, copy its name (read-only mode too: it writes nothing).
    if (command === 'cordon' && this.focusedKind(client) !== 'Node') {
      copyNames(this.browse(client));
      return;
    }
    const writes = WRITE_COMMANDS[command];
    if (writes && this.deps.readonly?.()) {
      this.toast(client, 'warn', readOnlyRefusal(writes));
      return;
    }
    switch (command) {
      case 'detach':
        return; // the connection layer detaches after replying
      case 'split_vertical':
        ws.splitFocused(client, 'vertical');
        return;
      case 'split_horizontal':
        ws.splitFocused(client, 'horizontal');
        return;
      case 'close_pane': {
        const paneId = ws.focusedPane(client);
        this.closeAsking(client, [paneId], () => ws.closePane(paneId));
        return;
      }
      case 'new_tab':
        ws.newTab(client.sessionName, undefined, client);
        return;
      case 'close_tab': {
        const tab = ws.activeTab(client);
        this.closeAsking(client, tab.paneIds(), () => ws.closeTab(client.sessionName, tab.id), tab);
        return;
      }
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
      case 'pane_help':
        this.togglePaneHelp(client);
        return;
      case 'app_logs':
        this.toggleAppLogs(client);
        return;
      case 'filter':
        client.mode = 'filter';
        // Another terminal typing a filter into this pane: its line is the one in force.
        client.input = this.filterLineTyped(client) ?? '';
        return;
      case 'view_switcher':
        this.openSwitcher(client);
        return;
      case 'namespace_selector':
        this.openNamespaceSelector(client);
        return;
      case 'context_selector':
        this.openContextSelector(client);
        return;
      case 'namespace_favorite':
        pickFavorite(this.browse(client), arg ?? 0);
        return;
      case 'toggle_all_namespaces':
        ws.pane(ws.focusedPane(client)).toggleAllNamespaces?.();
        return;
      case 'sort_column':
        // k9s's habit: `s` on a node opens a shell on it; every other list sorts (`o` sorts nodes too).
        // And on a CronJob, k9s's suspend / resume.
        if (this.focusedKind(client) === 'Node') {
          if (this.deps.readonly?.()) this.toast(client, 'warn', readOnlyRefusal('node shell'));
          else this.confirmNodeShell(client);
        } else if (this.focusedKind(client) === 'CronJob') {
          if (this.deps.readonly?.()) this.toast(client, 'warn', readOnlyRefusal('suspend and resume'));
          else this.confirmSuspend(client);
        } else ws.pane(ws.focusedPane(client)).cycleSort?.();
        return;
      case 'sort_column_only':
        ws.pane(ws.focusedPane(client)).cycleSort?.();
        return;
      case 'toggle_faults': {
        const pane = ws.pane(ws.focusedPane(client));
        if (pane.toggleFaults) pane.toggleFaults();
        else this.toast(client, 'info', 'faults only (ctrl+z) is for resource lists');
        return;
      }
      case 'toggle_wide': {
        const pane = ws.pane(ws.focusedPane(client)) as { toggleWide?: () => void };
        if (pane.toggleWide) pane.toggleWide();
        else this.toast(client, 'info', 'only resource lists have wide columns');
        return;
      }
      case 'debug_mode':
        this.confirmDebugMode(client, 'debug-mode');
        return;
      case 'root_debug_mode':
        this.confirmDebugMode(client, 'root-debug-mode');
        return;
      case 'debug_container':
        this.act(client, 'debug', { mode: 'container' });
        return;
      case 'xray':
        // k9s's `x` on a Secret: its data decoded.
        if (this.focusedKind(client) === 'Secret') this.act(client, 'decode');
        else openXray(this.browse(client));
        return;
      case 'jump_owner':
        jumpToOwner(this.browse(client));
        return;
      case 'view_yaml':
        this.act(client, 'yaml');
        return;
      case 'view_describe':
        this.act(client, 'describe');
        return;
      case 'delete':
        this.confirmMutation(client, 'delete');
        return;
      case 'kill':
        this.confirmMutation(client, 'kill');
        return;
      case 'restart_rollout':
        this.confirmMutation(client, 'restart');
        return;
      case 'edit':
        this.edit(client);
        return;
      case 'cordon':
      case 'uncordon':
      case 'drain':
      case 'trigger':
        this.confirmMutation(client, command);
        return;
      case 'scale':
        this.askScale(client);
        return;
      case 'set_image':
        this.askImage(client);
        return;
      case 'view_logs':
        this.act(client, 'logs', this.containerArgs(client));
        return;
      case 'exec':
        this.act(client, 'exec', this.containerArgs(client));
        return;
      case 'open_query':
        // Registered by features/query.ts under its own name (not one of the built-in actions).
        this.act(client, 'query' as ResourceActionName);
        return;
      case 'port_forward':
        this.act(client, 'port-forward');
        return;
      case 'port_forwards':
        this.toggleTabOf(client, 'port-forwards', 'Port-forwards');
        return;
      case 'enter_insert': {
        const pane = ws.pane(ws.focusedPane(client));
        if (pane.handleInput) {
          client.mode = 'insert';
          pane.enterInsert?.(ws.paneViewport(client, pane.id));
        }
        return;
      }
      case 'leave_insert':
        client.mode = 'normal';
        return;
    }
  }

  /** `text` typed into `line` (`what` it is): the new line, or null when it was full (the key does nothing); says so when it fills. */
  private typeInto(client: ClientState, line: string, text: string, what: string): string | null {
    const t = appendTyped(line, text);
    if (t.full) return null;
    if (t.filled) this.toast(client, 'warn', typedLimitMessage(what));
    return t.line;
  }

  /** What the browse keys (browse-keys.ts) need of this router for one client's key. */
  private browse(client: ClientState): BrowseKey {
    return { client, workspace: this.deps.workspace, kube: this.deps.kube, favorites: this.deps.favorites, hasPaneType: this.deps.hasPaneType, toast: (level, text) => this.toast(client, level, text) };
  }

  private toast(client: ClientState, level: 'info' | 'success' | 'warn' | 'error', text: string): void {
    this.deps.workspace.clients.get(client.id)?.sink.toast(level, text);
  }

  /** Runs a resource action on the focused pane's selection; failures become error toasts. */
  /** `{ container }` when the focused pane's cursor is on one (xray's Container line), for logs and exec. */
  private containerArgs(client: ClientState): Record<string, unknown> | undefined {
    const ws = this.deps.workspace;
    const container = ws.pane(ws.focusedPane(client)).selectedContainer?.() ?? null;
    return container ? { container } : undefined;
  }

  private act(client: ClientState, action: ResourceActionName, args?: Record<string, unknown>): void {
    const paneId = this.deps.workspace.focusedPane(client);
    let pending;
    try {
      pending = this.deps.actions.run(paneId, action, args, client, undefined, this.prompts(client));
    } catch (err) {
      this.toast(client, 'error', errorMessage(err));
      return;
    }
    pending.then(
      (r) => {
        if (!r.paneId) this.toast(client, 'success', r.message);
      },
      (err: unknown) =>
        this.toast(
          client,
          'error',
          // The pane it was started from went (another terminal closed it) before the action was done with it.
          errorMessage(err) === `no pane ${paneId}` && !this.deps.workspace.hasPane(paneId)
            ? `${action} failed: its pane was closed meanwhile (by another terminal?)`
            : `${action} failed: ${errorMessage(err)}`,
        ),
    );
  }

  /**
   * Opens the focused pane's selection in this client's editor (no confirmation: saving in the
   * editor is the confirmation, and the write is pinned to the version shown).
   */
  private edit(client: ClientState): void {
    const shown = this.deps.workspace.pane(this.deps.workspace.focusedPane(client)).shownObject?.() ?? null;
    const target = shown ?? this.focusedTarget(client);
    if (!target) return;
    this.deps.edits.start(client.id, target).catch((err: unknown) =>
      this.toast(client, 'error', err instanceof MutationRefused ? errorMessage(err) : `edit failed: ${errorMessage(err)}`),
    );
  }

  /** The focused pane's selected resource, or null after telling the client why there is none. */
  private focusedTarget(client: ClientState): ResourceTarget | null {
    try {
      return this.deps.actions.target(this.deps.workspace.focusedPane(client));
    } catch (err) {
      this.toast(client, 'warn', errorMessage(err));
      return null;
    }
  }

  /**
   * Closes at once, or asks first when a pane would end something live (a running shell: tmux's
   * kill-pane and kill-window ask). Scripts' pane/close and tab/close do not ask.
   */
  private closeAsking(client: ClientState, paneIds: readonly number[], close: () => void, tab?: Tab): void {
    const ws = this.deps.workspace;
    const panes = paneIds.map((id) => ws.pane(id));
    const live = panes.map((p) => p.liveWork?.() ?? null).filter((w): w is string => w !== null);
    if (live.length === 0) {
      close();
      return;
    }
    const what = live.length === 1 ? live[0]! : `${live.length} shells are still running (${live.slice(0, 3).join('; ')}${live.length > 3 ? '; …' : ''})`;
    this.confirm(client, `Close ${paneIds.length === 1 ? 'the pane' : 'the tab'}? ${what[0]!.toUpperCase()}${what.slice(1)}: closing ends it.`, () => {
      // Closed or replaced meanwhile (another client, a script): not closed again, and said.
      if (!tab) {
        if (panes.every((p) => ws.holds(p))) close();
        else this.toast(client, 'info', 'the pane was closed or replaced meanwhile (another terminal or a script): nothing was closed');
        return;
      }
      // A tab closes as the question described it: a pane opened in it since (another terminal's shell) is not ended unasked.
      if (this.tabGone(client, tab)) this.toast(client, 'info', 'the tab was closed meanwhile (another terminal or a script)');
      else if (panes.every((p) => ws.holds(p)) && tab.paneIds().join() === paneIds.join()) close();
      else this.toast(client, 'warn', 'the tab changed while you were asked (another terminal or a script opened, closed or replaced a pane in it): nothing was closed; close it again to be asked about it as it is now');
    });
  }

  /** Runs a mutation on a target captured earlier (a confirmation named it); the result is a toast. */
  private mutate(client: ClientState, target: ResourceTarget, action: MutationName, args?: Record<string, unknown>): void {
    // A drain may wait on disruption budgets for a minute: say it started.
    if (action === 'drain') this.toast(client, 'info', `draining ${describeTarget(target)}…`);
    this.deps.actions.mutate(target, action, args).then(
      // Held by finalizers: marked deleted, not gone.
      (r) => this.toast(client, r.held ? 'warn' : 'success', r.message),
      (err: unknown) => this.toast(client, 'error', err instanceof MutationRefused || err instanceof DrainIncomplete ? errorMessage(err) : `${action} failed: ${errorMessage(err)}`),
    );
  }

  /** The focused pane's selection, if `action` applies to its kind (else a toast says why, and no dialog opens). */
  private mutationTarget(client: ClientState, action: MutationName): ResourceTarget | null {
    const target = this.focusedTarget(client);
    if (!target) return null;
    const why = refusal(action, target.kind);
    if (why) {
      this.toast(client, 'warn', why);
      return null;
    }
    return target;
  }

  private confirm(client: ClientState, text: string, onConfirm: () => void): void {
    if (!client.setOverlay({ type: 'confirm', title: 'Confirm', text, onConfirm })) this.toast(client, 'warn', notAskedMessage(text));
  }

  /**
   * Delete, restart, cordon, uncordon and trigger ask once, naming the object; the object is captured
   * (with its uid) when the dialog opens, so `y` acts on it even if the selection moved or the object
   * was replaced meanwhile. Namespaces and Nodes take everything in or on them along: the user types
   * the name to delete one instead.
   */
  private confirmMutation(client: ClientState, action: Exclude<MutationName, 'scale' | 'set-image'>, given?: ResourceTarget): void {
    if ((action === 'delete' || action === 'kill') && this.confirmMarkedDelete(client, action)) return;
    const target = given ?? this.mutationTarget(client, action);
    if (!target) return;
    const name = describeTarget(target);
    if (action === 'cordon' || action === 'uncordon') {
      // kubectl's "already cordoned": nothing to ask about (the row shows what the list last saw).
      const spec = this.targetSpec(client, target);
      if (spec && (spec['unschedulable'] === true) === (action === 'cordon')) {
        this.toast(client, 'info', `${name} is already ${action === 'cordon' ? 'cordoned' : 'schedulable (not cordoned)'}`);
        return;
      }
    }
    if (action !== 'delete') {
      this.confirm(client, QUESTIONS[action](name), () => this.mutate(client, target, action));
      return;
    }
    if (!deleteNeedsTypedName(target.kind)) {
      this.confirm(client, `Delete ${name}?`, () => this.mutate(client, target, 'delete'));
      return;
    }
    client.setOverlay({
      type: 'input',
      title: `Delete ${name} and everything ${target.kind === 'Node' ? 'scheduled on' : 'in'} it? Type its name to confirm`,
      value: '',
      onSubmit: (value) => {
        if (value !== target.name) {
          this.toast(client, 'warn', `'${value}' is not '${target.name}'; nothing was deleted`);
          return;
        }
        this.mutate(client, target, 'delete');
      },
    });
  }

  /**
   * Delete with rows marked (space): one confirmation naming every marked object (each pinned by its
   * uid), then each deleted in turn; one toast sums it up and the marks go. False when none is marked.
   */
  private confirmMarkedDelete(client: ClientState, action: 'delete' | 'kill'): boolean {
    const ws = this.deps.workspace;
    const paneId = ws.focusedPane(client);
    const pane = ws.pane(paneId);
    const targets = pane.markedResources?.() ?? [];
    if (targets.length === 0) return false;
    const kind = targets[0]!.kind;
    const why = refusal(action, kind);
    if (why) {
      this.toast(client, 'warn', why);
      return true;
    }
    const names = targets.slice(0, 8).map((t) => (t.namespace ? `${t.namespace}/${t.name}` : t.name));
    const list = `${names.join(', ')}${targets.length > names.length ? ` and ${targets.length - names.length} more` : ''}`;
    const what = `${targets.length} ${kind}${targets.length === 1 ? '' : 's'}`;
    const done = action === 'kill' ? 'force-deleted' : 'deleted';
    const run = (): void => {
      void this.deleteAll(targets, action).then(({ deleted, failed, held, done: acted }) => {
        // The rows deleted go unmarked; those that failed stay marked (to retry), as do marks another
        // terminal added meanwhile (all marks were cleared). Harmless on a pane closed meanwhile.
        pane.unmark?.(acted);
        // Those finalizers hold are marked deleted but still there: named, not counted as gone in silence.
        const stay = held.length === 0 ? '' : `; ${held.length} stay${held.length === 1 ? 's' : ''} until ${held.length === 1 ? 'its' : 'their'} finalizers are removed: ${held.slice(0, 3).join(', ')}${held.length > 3 ? ` and ${held.length - 3} more` : ''}`;
        if (failed.length === 0) this.toast(client, held.length === 0 ? 'success' : 'warn', `${done} ${deleted} ${kind}${deleted === 1 ? '' : 's'}${stay}`);
        else this.toast(client, 'error', `${done} ${deleted} of ${targets.length}${stay}; ${failed.slice(0, 3).join('; ')}${failed.length > 3 ? `; and ${failed.length - 3} more failed` : ''}`);
      });
    };
    if (action === 'kill') {
      this.confirm(client, `Force-delete ${what}: ${list}? They are removed from the API at once, without waiting for their containers to stop.`, run);
      return true;
    }
    if (!deleteNeedsTypedName(kind)) {
      this.confirm(client, `Delete ${what}: ${list}?`, run);
      return true;
    }
    client.setOverlay({
      type: 'input',
      title: `Delete ${what} (${list}) and everything ${kind === 'Node' ? 'scheduled on' : 'in'} them? Type ${targets.length} to confirm`,
      value: '',
      onSubmit: (value) => {
        if (value.trim() !== String(targets.length)) {
          this.toast(client, 'warn', `'${value}' is not ${targets.length}; nothing was deleted`);
          return;
        }
        run();
      },
    });
    return true;
  }

  /** Deletes each target (its uid checked by the API server), one after another. */
  /** Deletes each target in turn: how many were, the uids of those (done), and those that failed or finalizers hold, named. */
  private async deleteAll(targets: readonly ResourceTarget[], action: 'delete' | 'kill'): Promise<{ deleted: number; failed: string[]; held: string[]; done: string[] }> {
    const done: string[] = [];
    const failed: string[] = [];
    const held: string[] = [];
    for (const t of targets) {
      try {
        if ((await this.deps.actions.mutate(t, action)).held) held.push(`${t.namespace ? `${t.namespace}/` : ''}${t.name}`);
        if (t.uid) done.push(t.uid);
      } catch (err) {
        failed.push(`${t.namespace ? `${t.namespace}/` : ''}${t.name}: ${errorMessage(err)}`);
      }
    }
    return { deleted: targets.length - failed.length, failed, held, done };
  }

  /** The kind of the focused list, or null. */
  private focusedKind(client: ClientState): string | null {
    const ws = this.deps.workspace;
    try {
      return ws.pane(ws.focusedPane(client)).resourceKind?.()?.kind ?? null;
    } catch {
      return null;
    }
  }

  /**
   * Runs `debug` (a mode in args) on a target captured when the dialog opened — its context too: the tab
   * may have been pointed at another cluster meanwhile (another terminal's ctrl+k) — the result is a toast.
   */
  private runDebug(client: ClientState, paneId: number, target: ResourceTarget, args: Record<string, unknown>): void {
    const ws = this.deps.workspace;
    // A node shell opens beside the pane it was asked in: one closed meanwhile (another terminal, a script) is said.
    if (!ws.hasPane(paneId) && args.mode === 'node') {
      this.toast(client, 'warn', `the pane the node shell on ${describeTarget(target)} was asked in was closed meanwhile (another terminal or a script): no shell was opened`);
      return;
    }
    let pending;
    try {
      pending = this.deps.actions.runOn(paneId, 'debug', target, args, client, this.prompts(client));
    } catch (err) {
      this.toast(client, 'error', errorMessage(err));
      return;
    }
    pending.then(
      (r) => this.toast(client, r.paneId ? 'info' : 'success', r.message),
      (err: unknown) => this.toast(client, 'error', errorMessage(err)),
    );
  }

  /**
   * Debug mode (`ctrl+alt+d`) and root debug mode (`f5`), as KubeTile does them but asking once: the dialog says
   * what changes on which workload (a pod's Deployment, StatefulSet or DaemonSet), captured with its uid.
   */
  private confirmDebugMode(client: ClientState, mode: 'debug-mode' | 'root-debug-mode'): void {
    const target = this.focusedTarget(client);
    if (!target) return;
    const paneId = this.deps.workspace.focusedPane(client);
    const describe = this.deps.actions.describeDebug;
    if (!describe) {
      this.toast(client, 'warn', 'debug mode is not available in this build');
      return;
    }
    describe(target, mode).then(
      ({ text, args }) => {
        if (!this.deps.workspace.clients.has(client.id)) return;
        // `args` say what the dialog saw: the action refuses a workload that changed since.
        this.confirm(client, text, () => this.runDebug(client, paneId, target, { ...args, mode }));
        this.deps.workspace.refreshClient(client);
      },
      (err: unknown) => this.toast(client, 'warn', errorMessage(err)),
    );
  }

  /**
   * `s` on a CronJob: reads it, then asks to suspend it (or to resume it when it is suspended); the
   * answer does what the question said, on exactly that CronJob, even if someone toggled it meanwhile.
   */
  private confirmSuspend(client: ClientState): void {
    const target = this.mutationTarget(client, 'suspend');
    if (!target) return;
    getObject(this.deps.kube.configFor(target.context), target).then(
      (obj) => {
        if (!this.deps.workspace.clients.has(client.id)) return;
        if (target.uid && obj.metadata.uid !== target.uid) {
          this.toast(client, 'warn', `${describeTarget(target)} was replaced by another object of the same name; nothing was changed`);
          return;
        }
        this.confirmMutation(client, obj.spec?.['suspend'] === true ? 'resume' : 'suspend', target);
        this.deps.workspace.refreshClient(client);
      },
      (err: unknown) => this.toast(client, 'warn', errorMessage(err)),
    );
  }

  /** `s` on a node: one confirmation saying which privileged pod will be created, then a shell on the node. */
  private confirmNodeShell(client: ClientState): void {
    const target = this.focusedTarget(client);
    if (!target) return;
    const paneId = this.deps.workspace.focusedPane(client);
    const describe = this.deps.actions.describeDebug;
    if (!describe) {
      this.toast(client, 'warn', 'node shells are not available in this build');
      return;
    }
    describe(target, 'node').then(
      ({ text }) => {
        if (!this.deps.workspace.clients.has(client.id)) return;
        this.confirm(client, text, () => this.runDebug(client, paneId, target, { mode: 'node' }));
        this.deps.workspace.refreshClient(client);
      },
      (err: unknown) => this.toast(client, 'warn', errorMessage(err)),
    );
  }

  /** The focused pane's selected object, if it is still the one `target` names (its uid), else null. */
  private targetObject(client: ClientState, target: ResourceTarget): KubeObject | null {
    const ws = this.deps.workspace;
    const obj = ws.pane(ws.focusedPane(client)).selectedObject?.() ?? null;
    return obj && obj.metadata.uid === target.uid ? obj : null;
  }

  /** That object's spec, as the list last saw it (null when there is none, or it is not a map). */
  private targetSpec(client: ClientState, target: ResourceTarget): Record<string, unknown> | null {
    const spec = this.targetObject(client, target)?.spec;
    return isRecord(spec) ? spec : null;
  }

  /** Scale asks for the replicas; more than SCALE_CONFIRM_ABOVE asks once more. */
  private askScale(client: ClientState): void {
    const target = this.mutationTarget(client, 'scale');
    if (!target) return;
    const name = describeTarget(target);
    // The replicas it has now, in the title (k9s shows them; pre-filled, a typed 2 would append to them).
    const spec = this.targetSpec(client, target);
    const now = spec && Number.isSafeInteger(spec['replicas']) ? ` (now ${String(spec['replicas'])})` : '';
    client.setOverlay({
      type: 'input',
      title: `Scale ${name} to replicas${now}`,
      value: '',
      // Spaces around the number are not part of it (a port's are not either).
      validate: (value) => (/^\d+$/.test(value.trim()) && Number(value) <= MAX_REPLICAS ? null : `replicas must be a whole number from 0 to ${MAX_REPLICAS}, not '${value}'`),
      onSubmit: (value) => {
        const n = Number(value.trim());
        if (n > SCALE_CONFIRM_ABOVE) {
          this.confirm(client, `Scale ${name} to ${n} replicas? That is more than ${SCALE_CONFIRM_ABOVE}.`, () => this.mutate(client, target, 'scale', { replicas: n }));
          return;
        }
        this.mutate(client, target, 'scale', { replicas: n });
      },
    });
  }

  /**
   * k9s's `i` (`kubectl set image`): the container picked when there are several (init containers
   * marked), its new image typed over the current one; submitting is the one question. The write
   * names the image shown, so one changed by someone else meanwhile is not overwritten.
   */
  private askImage(client: ClientState): void {
    const target = this.mutationTarget(client, 'set-image');
    if (!target) return;
    const obj = this.targetObject(client, target);
    const containers = obj ? containerImages(obj, target.kind) : [];
    const name = describeTarget(target);
    if (containers.length === 0) {
      this.toast(client, 'warn', `${name} has no containers with an image to set`);
      return;
    }
    const ask = (c: ContainerImage): void => {
      client.setOverlay({
        type: 'input',
        title: `Set the image of ${c.init ? 'init container' : 'container'} ${c.name} in ${name}`,
        value: c.image,
        validate: (value) => badImage(value.trim()),
        onSubmit: (value) => {
          const image = value.trim();
          if (image === c.image) {
            this.toast(client, 'info', `${name}: container ${c.name} already runs ${image}; nothing was changed`);
            return;
          }
          this.mutate(client, target, 'set-image', { container: c.name, image, expectImage: c.image });
        },
      });
    };
    if (containers.length === 1) {
      ask(containers[0]!);
      return;
    }
    const label = (c: ContainerImage): string => `${c.init ? 'init: ' : ''}${c.name} (${c.image})`;
    this.openSelector(client, `Set image: which container of ${name}?`, containers.map(label), (item) => {
      const c = containers.find((x) => label(x) === item);
      if (c) ask(c);
    });
  }

  /** Opens a selector now; items that arrive later (from the API) replace a placeholder. */
  private openSelector(client: ClientState, title: string, items: string[] | Promise<string[]>, onPick: (item: string) => void, current?: string): void {
    const state: SelectorState = { type: 'selector', title, items: Array.isArray(items) ? items : ['Loading...'], loading: !Array.isArray(items), query: '', selected: 0, onPick, ...(current !== undefined ? { current } : {}) };
    if (Array.isArray(items)) selectCurrent(state);
    client.setOverlay(state);
    if (!Array.isArray(items)) {
      items.then(
        (list) => this.itemsLoaded(client, state, list),
        (err: unknown) => {
          state.items = [];
          if (client.overlay === state) {
            this.closeOverlay(client);
            this.toast(client, 'error', `${title}: ${errorMessage(err)}`);
            this.deps.workspace.refreshClient(client);
          }
        },
      );
    }
  }

  private openNamespaceSelector(client: ClientState): void {
    const ws = this.deps.workspace;
    const tab = ws.activeTab(client);
    const kube = this.deps.kube;
    if (!kube.available || tab.context === null) {
      this.toast(client, 'error', `No cluster connection: ${kube.problem ?? 'no context'}`);
      return;
    }
    const context = tab.context;
    this.openSelector(
      client,
      `Namespace (${kube.label ?? context})`,
      kube.namespaces(context).then((ns) => [ALL_NAMESPACES_LABEL, ...ns]),
      (item) => {
        if (item === 'Loading...') return;
        if (this.tabGone(client, tab)) throw invalidState(tabGoneMessage(tab, 'namespace'));
        ws.setTabScope(client.sessionName, tab.id, { namespace: item === ALL_NAMESPACES_LABEL ? '*' : item });
      },
      tab.namespace === '*' ? ALL_NAMESPACES_LABEL : tab.namespace,
    );
  }

  private openContextSelector(client: ClientState): void {
    const ws = this.deps.workspace;
    const tab = ws.activeTab(client);
    const { contexts } = this.deps.kube.contexts();
    if (contexts.length === 0) {
      this.toast(client, 'error', `No contexts: ${this.deps.kube.problem ?? 'the kubeconfig lists none'}`);
      return;
    }
    this.openSelector(
      client,
      'Context',
      contexts.map((c) => c.name),
      (item) => {
        if (this.tabGone(client, tab)) throw invalidState(tabGoneMessage(tab, 'context'));
        ws.setTabScope(client.sessionName, tab.id, { context: item, namespace: this.deps.kube.namespaceOf(item) });
      },
      tab.context ?? undefined,
    );
  }

  /** Whether `tab` was closed (by another terminal, a script) since a selector for it opened. */
  private tabGone(client: ClientState, tab: Tab): boolean {
    return this.deps.workspace.sessions.get(client.sessionName)?.tab(tab.id) !== tab;
  }

  private inputKey(client: ClientState, key: string): KeyResult {
    const o = client.overlay;
    if (o?.type !== 'input') return { handled: false };
    const done = (command: string): KeyResult => {
      this.deps.workspace.refreshClient(client);
      return { handled: true, command };
    };
    if (key === 'esc') {
      this.closeOverlay(client);
      return done('overlay:cancel');
    }
    if (key === 'enter') {
      // A value that cannot be taken (`-1` replicas) stays in the input, to be corrected.
      const problem = o.validate?.(o.value) ?? null;
      if (problem !== null) {
        this.toast(client, 'error', problem);
        return done('overlay:invalid');
      }
      this.closeOverlay(client, false);
      o.onSubmit(o.value);
      return done('overlay:submit');
    }
    const edited = editLine(o.value, key);
    if (edited !== null) {
      o.value = edited;
      return done('overlay:input');
    }
    const text = keyText(key);
    if (text !== null) {
      const line = this.typeInto(client, o.value, text, 'the input');
      if (line === null) return { handled: true, command: 'overlay:full' };
      o.value = line;
      return done('overlay:input');
    }
    return { handled: false };
  }

  /** A plugin's keybinding: focus its pane in the active tab, or split the focused pane to open it. */
  private openPlugin(client: ClientState, key: string): void {
    const ws = this.deps.workspace;
    const existing = ws.activeTab(client).paneIds().find((id) => ws.pane(id).key === key);
    if (existing !== undefined) ws.focusPane(client, existing);
    else ws.splitFocused(client, 'vertical', { key });
  }

  /**
   * F1: a help pane split off the focused pane, shown full screen on this client (k9s's help is: in a
   * split of a split it was a column too narrow to read); F1 again (anywhere in the tab) closes it.
   */
  private toggleHelp(client: ClientState): void {
    const ws = this.deps.workspace;
    const tab = ws.activeTab(client);
    const existing = tab.paneIds().find((id) => ws.pane(id).key === 'help');
    const opener = existing === undefined ? undefined : this.helpOpeners.get(existing);
    if (existing !== undefined && (opener === client.id || opener === undefined || !ws.clients.has(opener) || ws.focusedPane(client, tab) === existing)) {
      ws.closePane(existing);
      return;
    }
    if (existing !== undefined) {
      // Another terminal's help, read there (each has its own focus and zoom): shown here too, not closed under it.
      ws.focusPane(client, existing);
      if (ws.fullscreenOf(client, tab) === null) ws.toggleFullscreen(client);
      return;
    }
    const opened = ws.splitFocused(client, 'vertical', { key: 'help' });
    for (const id of this.helpOpeners.keys()) if (!ws.paneEntries().some((e) => e.pane.id === id)) this.helpOpeners.delete(id);
    this.helpOpeners.set(opened, client.id);
    if (ws.fullscreenOf(client, tab) === null) ws.toggleFullscreen(client);
  }

  /**
   * F2: the focused pane's own keys (its group, or what acts on a list's selection, and moving around) in a help
   * pane beside it; F2 again closes it.
   */
  private togglePaneHelp(client: ClientState): void {
    const ws = this.deps.workspace;
    const tab = ws.activeTab(client);
    const existing = tab.paneIds().find((id) => ws.pane(id).key === 'help' && Array.isArray(ws.pane(id).args.groups));
    if (existing !== undefined) {
      ws.closePane(existing);
      return;
    }
    const pane = ws.pane(ws.focusedPane(client));
    const own = pane.bindingGroup?.() ?? null;
    // A pane of text lines (xray, help, logs, YAML, a command's output) takes only some of the browse
    // keys: / f w, not sorting or marks. One whose lines are objects (xray's cursor) takes the resource
    // keys too (y, d, l on the object under it), but still neither sorting nor marks.
    const lines = !own ? !pane.selectedResource || !pane.cycleSort : own === 'logs' || own === 'viewer';
    const groups: Group[] = own ? [own, 'navigation', ...(lines ? (['browse'] as const) : [])] : pane.selectedResource ? [...LIST_GROUPS] : ['navigation', 'browse'];
    const only = lines ? { only: pane.selectedResource ? [...LINES_BROWSE_KEYS, 'browse.view_yaml', 'browse.view_describe'] : LINES_BROWSE_KEYS } : {};
    ws.splitFocused(client, 'vertical', { key: 'help', args: { groups, for: pane.title(), ...only } });
  }

  /** The app-logs tab: select it, close it when it is the active one, or open it. */
  private toggleAppLogs(client: ClientState): void {
    this.toggleTabOf(client, 'app-logs', 'App logs');
  }

  /** A tab holding a pane of `key`: select it, close it when it is the active one, or open it. */
  private toggleTabOf(client: ClientState, key: string, label: string): void {
    const ws = this.deps.workspace;
    if (!this.deps.hasPaneType(key)) {
      this.toast(client, 'warn', `${label} are not available in this build yet`);
      return;
    }
    const session = ws.session(client.sessionName);
    const tab = session.tabs.find((t) => t.paneIds().some((id) => ws.pane(id).key === key));
    if (!tab) ws.newTab(client.sessionName, { key }, client);
    else if (tab.id === client.activeTabId) ws.closeTab(client.sessionName, tab.id);
    else ws.selectTab(client, tab.id);
  }

  /**
   * `:`: kinds (with their short names and aliases), `ctx`, pane types; recent picks first. Typing a short name,
   * singular or alias selects what it means (`ns` → namespaces); `ctx NAME` / `ns NAME` switch the tab at once.
   */
  private openSwitcher(client: ClientState): void {
    const ws = this.deps.workspace;
    const target = ws.focusedPane(client);
    const targetPane = ws.pane(target);
    const items = this.deps.switchableViews(client);
    const withHistory = (list: string[]): string[] => {
      const recent = this.switchHistory.list().filter((h) => list.includes(h));
      return [...recent, ...list.filter((i) => !recent.includes(i))];
    };
    const state: SelectorState = {
      type: 'selector',
      title: 'Switch view (a kind, short name or alias; KIND NAMESPACE; ctx NAME, ns NAME)',
      items: Array.isArray(items) ? withHistory(items) : ['Loading...'],
      loading: !Array.isArray(items),
      query: '',
      selected: 0,
      onPick: (item, then) => {
        if (item === 'Loading...') return;
        this.remember(item);
        if (item.startsWith(`${CONTEXT_ITEM_PREFIX} (`)) {
          this.openContextSelector(client);
          return;
        }
        // Another terminal (or a script) closed the pane or switched its view while this selector was open.
        if (!ws.holds(targetPane)) throw invalidState(`'${targetPane.title().slice(0, 80)}' was closed or became another view while ':' was open (another terminal or a script): nothing was switched`);
        const view = this.deps.viewFor(item, client);
        const live = targetPane.liveWork?.() ?? null;
        if (live === null) {
          ws.replaceView(target, view);
          then?.();
          return;
        }
        // The view takes the pane's place, ending what runs in it: asked first, as closing it is (tmux's respawn-pane needs -k).
        if (!ws.clients.has(client.id)) return;
        this.confirm(client, `Switch the pane to ${item}? ${live[0]!.toUpperCase()}${live.slice(1)}: switching ends it.`, () => {
          if (!ws.holds(targetPane)) {
            this.toast(client, 'info', 'the pane was closed or replaced meanwhile (another terminal or a script): nothing was switched');
            return;
          }
          ws.replaceView(target, view);
          then?.();
        });
        // `:KIND NS` picks once the namespaces are read, after its key was handled: the question is sent now.
        ws.refreshClient(client);
      },
    };
    this.switchers.add(state);
    client.setOverlay(state);
    if (!Array.isArray(items)) {
      items.then(
        (list) => this.itemsLoaded(client, state, withHistory(list)),
        (err: unknown) => {
          state.items = [];
          if (client.overlay === state) {
            this.closeOverlay(client);
            this.toast(client, 'error', `Switch view: ${errorMessage(err)}`);
            ws.refreshClient(client);
          }
        },
      );
    }
  }

  private remember(item: string): void {
    this.switchHistory.remember(item);
  }

  /** In a `:` selector: the item the typed text names exactly is selected (`ns` → namespaces, not daemonsets). */
  private autoSelect(client: ClientState, o: SelectorState): void {
    if (!this.switchers.has(o)) return;
    o.exact = null;
    if (o.query.trim() === '') return;
    const q = o.query.trim().toLowerCase();
    let want: string | null = null;
    if (q === CONTEXT_ITEM_PREFIX || q === 'context') want = o.items.find((i) => i.startsWith(`${CONTEXT_ITEM_PREFIX} (`)) ?? null;
    else if (this.deps.resolveView) {
      try {
        want = this.deps.resolveView(o.query, client);
      } catch {
        want = null;
      }
    }
    o.exact = want;
    const items = selectorItems(o);
    // A pane type typed in full.
    if (want === null) want = items.find((i) => i.toLowerCase() === q) ?? null;
    const at = want === null ? -1 : items.indexOf(want);
    if (at >= 0) o.selected = at;
  }

  /** `ctx NAME` / `ns NAME` typed in the `:` selector: switch the active tab. True when the text was one. */
  private scopeCommand(client: ClientState, query: string, tab = this.deps.workspace.activeTab(client)): boolean {
    const m = SCOPE_COMMAND.exec(query.trim());
    if (!m) return false;
    const ws = this.deps.workspace;
    const what = m[1]!.toLowerCase();
    const name = m[2]!;
    const kube = this.deps.kube;
    if (what === 'ctx' || what === 'context') {
      if (!kube.hasContext(name)) {
        this.toast(client, 'error', `no context '${name}' in the kubeconfig (contexts: ${kube.contexts().contexts.map((c) => c.name).join(', ') || 'none'})`);
        return true;
      }
      ws.setTabScope(client.sessionName, tab.id, { context: name, namespace: kube.namespaceOf(name) });
      this.toast(client, 'success', `context ${name}`);
      return true;
    }
    if (tab.context === null || !kube.available) {
      this.toast(client, 'error', `No cluster connection: ${kube.problem ?? 'no context'}`);
      return true;
    }
    if (name === '*' || name.toLowerCase() === 'all') {
      ws.setTabScope(client.sessionName, tab.id, { namespace: '*' });
      return true;
    }
    const context = tab.context;
    kube.namespaces(context).then(
      (list) => {
        if (!list.includes(name)) {
          this.toast(client, 'error', `no namespace '${name}' in ${kube.label ?? context}`);
          return;
        }
        if (this.tabGone(client, tab)) {
          this.toast(client, 'warn', tabGoneMessage(tab, 'namespace'));
          return;
        }
        ws.setTabScope(client.sessionName, tab.id, { namespace: name });
        this.toast(client, 'success', `namespace ${name}`);
      },
      (err: unknown) => this.toast(client, 'error', `namespaces: ${errorMessage(err)}`),
    );
    return true;
  }

  /**
   * k9s's `:deploy kube-system` in the `:` selector: the kind's list, and the tab on that namespace
   * (`all` or `*`: all of them; one that does not exist is said, as `:ns` says it). True when the
   * text was a kind and a namespace.
   */
  private kindInNamespace(client: ClientState, o: SelectorState): boolean {
    if (!this.switchers.has(o) || !this.deps.resolveView) return false;
    const m = KIND_IN_NAMESPACE.exec(o.query.trim());
    if (!m) return false;
    let item: string | null;
    try {
      item = this.deps.resolveView(m[1]!, client);
    } catch {
      item = null;
    }
    if (item === null || item.startsWith(`${CONTEXT_ITEM_PREFIX} (`)) return false;
    this.closeOverlay(client, false);
    const ns = m[2]!;
    const tab = this.deps.workspace.activeTab(client);
    const pickAndScope = (): void => {
      try {
        // The tab the `:` was typed in (the client may have gone to another one while the namespaces
        // loaded), once the view has switched (a running shell's pane asks first; no means neither).
        o.onPick(item, () => this.scopeCommand(client, `ns ${ns}`, tab));
      } catch (err) {
        this.deps.logger.warn({ err: String(err) }, 'selector action failed');
        this.toast(client, 'warn', errorMessage(err));
      }
    };
    const kube = this.deps.kube;
    // All or nothing: a namespace that does not exist leaves the view as it was (the kind was
    // switched and only the namespace refused). Without a cluster scopeCommand says why.
    if (ns === '*' || ns.toLowerCase() === 'all' || tab.context === null || !kube.available) {
      pickAndScope();
      return true;
    }
    const context = tab.context;
    kube.namespaces(context).then(
      (list) => {
        if (list.includes(ns)) pickAndScope();
        else this.toast(client, 'error', `no namespace '${ns}' in ${kube.label ?? context}: nothing changed`);
      },
      (err: unknown) => this.toast(client, 'error', `namespaces: ${errorMessage(err)}`),
    );
    return true;
  }

  /** Closes the client's overlay; `cancelled` (esc, errors) tells whoever waits on it. */
  private closeOverlay(client: ClientState, cancelled = true): void {
    client.closeOverlay(cancelled);
  }

  /**
   * The selected item of `o` is picked and the overlay closes; when the typed text matches nothing the
   * overlay stays open with it (and says so), and an empty selector just closes.
   */
  private pick(client: ClientState, o: SelectorState, items = selectorItems(o)): void {
    const item = items[o.selected];
    if (item === undefined && this.kindInNamespace(client, o)) return;
    if (item === undefined && o.query !== '') {
      // A typo (`:dploy`) keeps the selector open with what was typed, to be corrected, and says so
      // (enter used to close it without a word).
      this.toast(client, 'error', `nothing matches '${o.query}': backspace to correct it, esc to close`);
      return;
    }
    this.closeOverlay(client, item === undefined);
    if (item === undefined) return;
    try {
      o.onPick(item);
    } catch (err) {
      this.deps.logger.warn({ err: String(err) }, 'selector action failed');
      // Said: a pick that did nothing (its pane or tab gone meanwhile) must not look like one that worked.
      this.toast(client, 'warn', errorMessage(err));
    }
  }

  /** A selector's items arrived: shown, and picked at once when enter was pressed while they loaded. */
  private itemsLoaded(client: ClientState, o: SelectorState, items: string[]): void {
    o.items = items;
    o.loading = false;
    selectCurrent(o);
    if (this.switchers.has(o)) this.autoSelect(client, o);
    if (client.overlay !== o) return;
    if (o.pickWhenLoaded) this.pick(client, o);
    this.deps.workspace.refreshClient(client);
  }

  private selectorKey(client: ClientState, key: string): KeyResult {
    const o = client.overlay;
    if (o?.type !== 'selector') return { handled: false };
    const items = selectorItems(o);
    const done = (command: string): KeyResult => {
      this.deps.workspace.refreshClient(client);
      return { handled: true, command };
    };
    switch (key) {
      case 'esc':
        this.closeOverlay(client);
        return done('overlay:cancel');
      case 'enter': {
        if (this.switchers.has(o) && SCOPE_COMMAND.test(o.query.trim())) {
          this.closeOverlay(client, false);
          this.scopeCommand(client, o.query);
          return done('overlay:scope');
        }
        // k9s's (and vim's) `:q`: this terminal leaves, the session and the daemon stay (ctrl+q).
        if (this.switchers.has(o) && QUIT_COMMAND.test(o.query.trim())) {
          this.closeOverlay(client, false);
          this.deps.workspace.refreshClient(client);
          return { handled: true, command: 'detach' };
        }
        if (o.loading) {
          o.pickWhenLoaded = true;
          return done('overlay:pick-pending');
        }
        this.pick(client, o, items);
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
    }
    const edited = editLine(o.query, key);
    if (edited !== null) {
      o.query = edited;
      o.selected = 0;
      this.autoSelect(client, o);
      return done('overlay:input');
    }
    const text = keyText(key);
    if (text !== null) {
      const line = this.typeInto(client, o.query, text, 'the search');
      if (line === null) return { handled: true, command: 'overlay:full' };
      o.query = line;
      o.selected = 0;
      this.autoSelect(client, o);
      return done('overlay:input');
    }
    const global = this.deps.keymap().lookup(key, GLOBAL_ONLY);
    if (global?.action.kind === 'app' && global.action.command === 'detach') return { handled: true, command: 'detach' };
    return { handled: false };
  }

  private confirmKey(client: ClientState, key: string): KeyResult {
    const o = client.overlay;
    if (o?.type !== 'confirm') return { handled: false };
    if (key === 'enter') {
      // Not a yes: `p 8080 enter` on a pod already forwarded met "Stop it?" and stopped it, and
      // `ctrl+d enter` deleted. A question is answered with y or n, as the hints say ([y/N] habits).
      this.toast(client, 'info', 'answer with y (yes) or n / esc (no): enter does not answer a question');
      return { handled: true, command: 'confirm:not-an-answer' };
    }
    if (key === 'y' || key === 'shift+y') {
      this.closeOverlay(client, false);
      try {
        o.onConfirm();
      } catch (err) {
        this.deps.logger.warn({ err: String(err) }, 'confirmed action failed');
        this.toast(client, 'error', errorMessage(err));
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
        this.shareFilterLine(client);
        return done('filter:clear');
    }
    const edited = editLine(client.input, key);
    if (edited !== null) {
      client.input = edited;
      this.sendToFocused(client, client.input ? { type: 'filter', query: client.input } : { type: 'clear_filter' });
      this.shareFilterLine(client);
      return done('filter:input');
    }
    const text = keyText(key);
    if (text !== null) {
      const line = this.typeInto(client, client.input, text, 'the filter');
      if (line === null) return { handled: true, command: 'filter:full' };
      client.input = line;
      this.sendToFocused(client, { type: 'filter', query: client.input });
      this.shareFilterLine(client);
      return done('filter:input');
    }
    return null;
  }

  /**
   * A pane has one filter, whoever types it: the other terminals typing a filter into the same
   * pane see the line that is now in force (each showed its own typed line while the rows were
   * filtered by the last key from any of them), and their next key edits that line.
   */
  private filterLineTyped(by: ClientState): string | null {
    for (const other of this.filterTypers(by)) return other.input;
    return null;
  }

  private shareFilterLine(from: ClientState): void {
    for (const c of this.filterTypers(from)) {
      if (c.input === from.input) continue;
      c.input = from.input;
      this.deps.workspace.refreshClient(c);
    }
  }

  /** The other terminals of `by`'s session typing a filter into the pane `by` has focused. */
  private *filterTypers(by: ClientState): Generator<ClientState> {
    const ws = this.deps.workspace;
    const tab = ws.activeTab(by);
    const paneId = ws.focusedPane(by, tab);
    for (const other of ws.clientsOf(by.sessionName)) {
      const c = other.state;
      if (c !== by && c.mode === 'filter' && c.activeTabId === tab.id && ws.focusedPane(c, tab) === paneId) yield c;
    }
  }
}
