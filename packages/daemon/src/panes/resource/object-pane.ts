import type { Line, PaneCommand, Viewport, PaneView } from '@kubetile/rpc-schema';
import { LinesPane } from '../lines-pane.js';
import type { PaneContext, ResourceTarget } from '../pane.js';
import { getObject, eventsFor } from '../../kube/resource-ops.js';
import { errorMessage } from '../../util/errors.js';
import type { KubeObject } from '../../kube/types.js';
import { badObjectName } from '../../kube/object-ref.js';
import { badGroup, badKind, badNamespace, badPlural, badVersion } from '../../kube/resource-ref.js';
import { findKind } from './kind-resolution.js';
import { renderDescribe, renderDetail, renderYaml } from '../../kube/render/index.js';

export type ObjectPaneMode = 'yaml' | 'describe' | 'detail';

const TITLES: Record<ObjectPaneMode, string> = { yaml: 'YAML', describe: 'Describe', detail: 'Detail' };
const ALIASES: Record<ObjectPaneMode, string> = { yaml: 'YML', describe: 'DSC', detail: 'DTL' };

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
 * YAML, describe or detail of one object, fetched from the API server. `/` searches (matches
 * highlighted, the view jumps to the first), Esc closes the pane.
 */
export class ObjectPane extends LinesPane {
  private readonly target: ResourceTarget;
  private content: Line[] = [];
  private state: 'loading' | 'ready' | 'error' = 'loading';
  private error = '';
  private search = '';

  constructor(
    private readonly ctx: PaneContext,
    private readonly mode: ObjectPaneMode,
  ) {
    super(`resource-${mode}`, ctx);
    this.target = targetFromArgs(ctx.args);
    void this.load();
    // Edited here or from a list (shift+e): shown again as the server now has it.
    const edited = ctx.services.objectEdited?.subscribe((t) => {
      const m = this.target;
      if (t.context === m.context && t.kind === m.kind && t.group === m.group && t.namespace === m.namespace && t.name === m.name) void this.load();
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

  private async load(): Promise<void> {
    try {
      const kc = this.ctx.services.kube.configFor(this.target.context);
      const obj: KubeObject = await getObject(kc, this.target);
      const kind = findKind(this.target.kindId);
      const showManaged = this.ctx.services.config().general.show_managed_fields;
      if (this.mode === 'yaml') this.content = renderYaml(obj, { showManagedFields: showManaged });
      else if (this.mode === 'detail') this.content = renderDetail(obj, kind, Date.now());
      else this.content = renderDescribe(obj, kind, await eventsFor(kc, obj).catch(() => []), Date.now());
      this.state = 'ready';
    } catch (err) {
      this.state = 'error';
      this.error = errorMessage(err);
    }
    this.changed.emit();
  }

  protected lines(): Line[] {
    if (!this.search) return this.content;
    const q = this.search.toLowerCase();
    return this.content.map((l) => (l.text.toLowerCase().includes(q) ? { text: l.text, style: 'match' as const } : l));
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
    if (!this.search) return '';
    const n = this.matches().length;
    return n ? `search "${this.search}": ${n} match${n === 1 ? '' : 'es'}` : `search "${this.search}": no match`;
  }

  override handleCommand(cmd: PaneCommand): void {
    switch (cmd.type) {
      case 'back':
        this.ctx.requests.close();
        return;
      case 'filter':
      case 'clear_filter': {
        // In object panes `/` searches instead of hiding lines (KubeTile's search was unreachable).
        this.search = cmd.type === 'filter' ? cmd.query : '';
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
    if (this.state === 'loading') return { type: 'message', title: this.title(), level: 'loading', text: 'Loading...' };
    if (this.state === 'error') return { type: 'message', title: this.title(), level: 'error', text: this.error };
    return this.linesView(viewport);
  }
}
