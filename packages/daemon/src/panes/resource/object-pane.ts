import type { Line, PaneCommand, Viewport, PaneView } from '@kubetile/rpc-schema';
import type { PaneGroup } from '../../keys/bindings.js';
import { LinesPane } from '../lines-pane.js';
import type { PaneContext, ResourceTarget } from '../pane.js';
import { getObject, eventsFor } from '../../kube/resource-ops.js';
import { errorMessage } from '../../util/errors.js';
import type { KubeObject } from '../../kube/types.js';
import { badObjectName } from '../../kube/object-ref.js';
import { KubeApiError } from '../../kube/api-error.js';
import type { InformerHandle } from '../../kube/informer-pool.js';
import { badGroup, badKind, badNamespace, badPlural, badVersion } from '../../kube/resource-ref.js';
import { findKind } from './kind-resolution.js';
import { isBuiltinKind } from '../../kube/builtin-target.js';
import { renderDecodedSecret, renderDescribe, renderDetail, renderYaml } from '../../kube/render/index.js';
import { loadingText } from './loading-text.js';

export type ObjectPaneMode = 'yaml' | 'describe' | 'detail' | 'decoded';

const TITLES: Record<ObjectPaneMode, string> = { yaml: 'YAML', describe: 'Describe', detail: 'Detail', decoded: 'Decoded' };
const ALIASES: Record<ObjectPaneMode, string> = { yaml: 'YML', describe: 'DSC', detail: 'DTL', decoded: 'DEC' };

/**
 * Parses pane args into a ResourceTarget, or throws naming the arg that is missing or unusable:
 * every name that ends up in a request path must be a plain name (a script could otherwise make
 * `version: "v1/namespaces/shop/secrets?x="` fetch something else).
 */
export function targetFromArgs(args: Record<string, unknown>): ResourceTarget {
  const str = (k: string): string => {
    const v = args[k];
    if (typeof v !== 'string' || !v) throw new Error(`missing '${k}' in the pane's args`);
    return v;
  };
  const group = args.group === undefined ? '' : args.group;
  const problem =
    badGroup(group, 'args.group') ??
    badVersion(args.version, 'args.version') ??
    badPlural(args.plural, 'args.plural') ??
    badKind(args.kind, 'args.kind') ??
    badObjectName(args.name, 'args.name') ??
    (args.namespace === undefined || args.namespace === null ? null : badNamespace(args.namespace, 'args.namespace')) ??
    (args.uid === undefined ? null : typeof args.uid === 'string' && args.uid.length <= 128 ? null : 'args.uid is not a uid');
  if (problem) throw new Error(problem);
  return {
    kindId: str('kindId'),
    kind: str('kind'),
    group: group as string,
    version: str('version'),
    plural: str('plural'),
    namespaced: args.namespaced === true,
    name: str('name'),
    namespace: typeof args.namespace === 'string' ? args.namespace : null,
    context: str('context'),
    ...(typeof args.uid === 'string' ? { uid: args.uid } : {}),
  };
}

/**
 * Shortest time between two reads of a changing object: YAML, and describe (which reads the object's
 * events too). An object changing many times a second is read at most this often; its last change
 * is always shown.
 */
const RELOAD_MS: Record<ObjectPaneMode, number> = { yaml: 500, describe: 1000, detail: 500, decoded: 500 };

const EVENTS_REF = { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true } as const;

/** Which Events (uid and resourceVersion each, in a stable order): two reads that show the same Events have the same signature. */
const eventsSignature = (events: readonly KubeObject[]): string =>
  events
    .map((e) => `${e.metadata.uid}@${e.metadata.resourceVersion ?? ''}`)
    .sort()
    .join(',');

/**
 * YAML, describe or detail of one object, fetched from the API server and kept live: a watch on
 * that one object (a field selector on its name, through the shared informers) says when it
 * changed, and it is read again (fresh: with managedFields, and describe's events), at most every
 * RELOAD_MS. Deleted, the last version stays on screen and the footer says so; re-created under its
 * name, the new object is shown and the footer says that. `/` searches (matches highlighted, the view
 * jumps to the first), Esc closes the pane.
 */
export class ObjectPane extends LinesPane {
  private readonly target: ResourceTarget;
  private content: Line[] = [];
  private state: 'loading' | 'ready' | 'error' = 'loading';
  private error = '';
  private search = '';
  /** Which of the search's matches n / N moved to last (the first: 0). */
  private matchAt = 0;
  /** uid and resourceVersion of what is shown (null: nothing yet), and whether it was deleted since. */
  private shown: { uid: string; rv: string } | null = null;
  private gone = false;
  private loading = false;
  /** A change arrived while a read was under way or too soon after the last: read again after it. */
  private dirty = false;
  private lastLoad = 0;
  private timer: NodeJS.Timeout | null = null;
  private watch: InformerHandle | null = null;
  /** Why the last read of a shown object failed (the version shown stays). */
  private readError = '';
  private closed = false;
  private watchFailing = false;
  /**
   * Describe only: a watch on the shown object's Events (`involvedObject.uid`), and the Events (uid
   * and resourceVersion of each) its last read showed. A pod stuck Pending changes only its Events
   * (FailedScheduling again, its count up): those are read again as the object's changes are.
   */
  private events: { uid: string; handle: InformerHandle; off: () => void } | null = null;
  private eventsShown = '';

  constructor(
    private readonly ctx: PaneContext,
    private readonly mode: ObjectPaneMode,
  ) {
    super(`resource-${mode}`, ctx);
    this.target = targetFromArgs(ctx.args);
    void this.load();
    this.startWatch();
    this.disposers.push(() => {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.watch?.release();
      this.watch = null;
      this.stopEvents();
    });
    // Edited here or from a list (shift+e): shown again as the server now has it.
    const edited = ctx.services.objectEdited?.subscribe((t) => {
      const m = this.target;
      if (t.context === m.context && t.kind === m.kind && t.group === m.group && t.namespace === m.namespace && t.name === m.name) this.reloadNow();
    });
    if (edited) this.disposers.push(edited);
  }

  shownObject(): ResourceTarget {
    return this.target;
  }

  title(): string {
    const t = this.target;
    return `${TITLES[this.mode]}: ${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
  }
  alias(): string {
    return ALIASES[this.mode];
  }
  protected override supportsFollow(): boolean {
    return false;
  }

  /** Watches the object alone; a list of its kind elsewhere has its own watch (its namespace may hold 100k others). */
  private startWatch(): void {
    const kube = this.ctx.services.kube;
    if (!kube.available) return;
    const t = this.target;
    try {
      this.watch = kube.pool.acquire(t.context, { group: t.group, version: t.version, plural: t.plural, kind: t.kind, namespaced: t.namespaced }, t.namespace, t.name);
    } catch {
      return; // the context went away: the pane shows what it read
    }
    this.disposers.push(this.watch.reflector.changed.subscribe(() => this.watched()));
  }

  /** Describe: watches the Events of `obj` (the object shown; another uid after a re-creation moves the watch). */
  private watchEvents(obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (this.closed || this.events?.uid === uid || !uid) return;
    this.stopEvents();
    const kube = this.ctx.services.kube;
    if (!kube.available) return;
    let handle: InformerHandle;
    try {
      // A cluster-scoped object's Events are in some namespace (kubectl describe looks in all).
      handle = kube.pool.acquire(this.target.context, EVENTS_REF, obj.metadata.namespace ?? null, { field: 'involvedObject.uid', value: uid });
    } catch {
      return;
    }
    this.events = { uid, handle, off: handle.reflector.changed.subscribe(() => this.eventsMoved(handle)) };
  }

  private stopEvents(): void {
    this.events?.off();
    this.events?.handle.release();
    this.events = null;
  }

  private eventsMoved(handle: InformerHandle): void {
    const r = handle.reflector;
    if (this.events?.handle !== handle || r.state !== 'synced' || r.loading !== null) return;
    if (eventsSignature(r.store.sorted.map((e) => e.obj)) !== this.eventsShown) this.reloadSoon();
  }

  /** The watch moved: read again when the object's uid or resourceVersion is not the one shown. */
  private watched(): void {
    const r = this.watch?.reflector;
    if (!r) return;
    // The footer says when the watch fails (and stops saying it when it works again).
    const failing = r.state === 'error';
    if (failing !== this.watchFailing) {
      this.watchFailing = failing;
      this.changed.emit();
    }
    if (r.state !== 'synced' || r.loading !== null) return;
    const e = r.store.sorted.find((x) => x.obj.metadata.name === this.target.name && (x.obj.metadata.namespace ?? null) === this.target.namespace);
    if (this.shown === null) {
      // Not read yet, or the first read failed (not there yet): read when it appears.
      if (e && this.state === 'error') this.reloadSoon();
      return;
    }
    const now = e ? { uid: e.obj.metadata.uid, rv: e.obj.metadata.resourceVersion ?? '' } : null;
    if (now ? now.uid === this.shown.uid && now.rv === this.shown.rv : this.gone) return;
    this.reloadSoon();
  }

  /** Reads again at once (an edit was just written), or right after the read under way. */
  private reloadNow(): void {
    if (this.closed) return;
    if (this.loading) {
      this.dirty = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.load();
  }

  private reloadSoon(): void {
    if (this.closed) return;
    if (this.loading || this.timer) {
      this.dirty = true;
      return;
    }
    const wait = this.lastLoad + RELOAD_MS[this.mode] - Date.now();
    if (wait <= 0) {
      void this.load();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, wait);
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.dirty = false;
    this.lastLoad = Date.now();
    try {
      const kc = this.ctx.services.kube.configFor(this.target.context);
      const obj: KubeObject = await getObject(kc, this.target);
      // A custom resource named like a built-in (`pods.evil.example.com`) is not rendered by the built-in's printer.
      const kind = isBuiltinKind(this.target) ? findKind(this.target.kindId) : undefined;
      const showManaged = this.ctx.services.config().general.show_managed_fields;
      if (this.mode === 'yaml') this.content = renderYaml(obj, { showManagedFields: showManaged });
      else if (this.mode === 'detail') this.content = renderDetail(obj, kind, Date.now());
      else if (this.mode === 'decoded') this.content = renderDecodedSecret(obj);
      else {
        const events = await eventsFor(kc, obj).catch(() => null);
        this.content = renderDescribe(obj, kind, events ?? [], Date.now());
        // Events that could not be read are not "seen": the watch's next word reads them again.
        this.eventsShown = events ? eventsSignature(events) : '';
        this.watchEvents(obj);
      }
      this.state = 'ready';
      this.shown = { uid: obj.metadata.uid, rv: obj.metadata.resourceVersion ?? '' };
      this.gone = false;
      this.readError = '';
    } catch (err) {
      if (this.shown !== null && err instanceof KubeApiError && err.status === 404) {
        // Deleted: the last version stays, the footer says so.
        this.gone = true;
      } else if (this.shown !== null) {
        // Shown already: it stays, the footer says why it may be behind (the next change reads again).
        this.readError = errorMessage(err);
      } else {
        this.state = 'error';
        this.error = errorMessage(err);
      }
    } finally {
      this.loading = false;
    }
    if (this.closed) return;
    this.changed.emit();
    if (this.dirty) this.reloadSoon();
    // A change the watch saw while this read was under way (or before the first one ended).
    else this.watched();
  }

  protected lines(): Line[] {
    if (!this.search) return this.content;
    const q = this.search.toLowerCase();
    return this.content.map((l) => (l.text.toLowerCase().includes(q) ? { text: l.text, style: 'match' as const } : l));
  }

  bindingGroup(): PaneGroup {
    return 'viewer';
  }

  /** `n` / `N` (less's, k9s's): the next or previous line matching the `/` search, round the end. */
  handleAction(name: string): void {
    if (name !== 'next_match' && name !== 'prev_match') return;
    if (!this.search) throw new Error('nothing searched: / then the text first');
    const m = this.matches();
    if (m.length === 0) throw new Error(`no line matches "${this.search}"`);
    this.matchAt = (this.matchAt + (name === 'next_match' ? 1 : -1) + m.length) % m.length;
    this.follow = false;
    this.top = m[this.matchAt]!;
    this.changed.emit();
  }

  private matches(): number[] {
    const q = this.search.toLowerCase();
    const out: number[] = [];
    this.content.forEach((l, i) => {
      if (l.text.toLowerCase().includes(q)) out.push(i);
    });
    return out;
  }

  protected override footerExtra(): string {
    const parts: string[] = [];
    if (this.gone) parts.push('DELETED from the cluster (the last version read)');
    else if (this.target.uid && this.shown && this.shown.uid !== this.target.uid) parts.push('re-created since opened (a new object of this name)');
    if (this.readError) parts.push(`not read again: ${this.readError}`);
    const w = this.watch?.reflector;
    if (w && w.state === 'error' && !this.gone) parts.push(`not live (changes are not shown): ${w.error ?? 'the watch failed'}`);
    if (this.search) {
      const n = this.matches().length;
      parts.push(n ? `search "${this.search}": ${n > 1 ? `${Math.min(this.matchAt, n - 1) + 1} of ${n} matches (n / N)` : '1 match'}` : `search "${this.search}": no match`);
    }
    return parts.join(' | ');
  }

  override handleCommand(cmd: PaneCommand): void {
    switch (cmd.type) {
      case 'back':
        this.ctx.requests.close('back');
        return;
      case 'filter':
      case 'clear_filter': {
        // In object panes `/` searches instead of hiding lines (KubeTile's search was unreachable).
        this.search = cmd.type === 'filter' ? cmd.query : '';
        this.matchAt = 0;
        const first = this.search ? this.matches()[0] : undefined;
        if (first !== undefined) this.top = first;
        this.changed.emit();
        return;
      }
      case 'select':
        return;
      default:
        super.handleCommand(cmd);
    }
  }

  override view(viewport: Viewport): PaneView {
    // Not read yet (or the read failed) while the context's plugin waits for a login: its prompt (the read waits on it).
    const prompt = this.state === 'ready' ? null : this.ctx.services.kube.loginPrompt(this.target.context);
    if (this.state === 'loading' || prompt !== null) return { type: 'message', title: this.title(), level: 'loading', text: loadingText(prompt) };
    if (this.state === 'error') return { type: 'message', title: this.title(), level: 'error', text: this.error };
    return this.linesView(viewport);
  }
}
