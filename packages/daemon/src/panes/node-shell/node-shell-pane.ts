import type { PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import { badObjectName } from '../../kube/object-ref.js';
import type { ApiConfig as KubeConfig } from '../../kube/api-config.js';
import { KubeApiError } from '../../kube/api-error.js';
import { kubeRequest } from '../../kube/kube-http.js';
import {
  createMayHaveLanded,
  createNodeShellPod,
  deleteNodeShellPod,
  NODE_SHELL_CONTAINER,
  nodeShellAttempt,
  reapUnansweredNodeShell,
  waitForContainer,
  NODE_SHELL_ATTEMPT_ANNOTATION,
  type NodeShellAttempt,
} from '../../kube/node-shell.js';
import type { KubeObject } from '../../kube/types.js';
import type { PaneGroup } from '../../keys/bindings.js';
import { errorMessage } from '../../util/errors.js';
import { BasePane } from '../base-pane.js';
import { ExecPane } from '../exec/exec-pane.js';
import type { PaneContext } from '../pane.js';

/** How long the node-shell pod may take to start (an image pull included). */
const START_TIMEOUT_MS = 180_000;

export interface NodeShellHooks {
  /** A pod deletion started (the daemon's stop waits for these). */
  deleting(p: Promise<void>): void;
  /** This daemon's owner label value for the pods it makes. */
  readonly owner: string;
  /** Deletes pods a dead daemon on the same state left in `namespace` of `context` (once each); never throws. */
  clearOrphans(context: string, namespace: string): Promise<void>;
}

type State =
  | { kind: 'creating' }
  | { kind: 'waiting'; pod: string }
  | { kind: 'running' }
  | { kind: 'failed'; message: string }
  | { kind: 'restored' };

/**
 * A shell on a node (k9s "node shell"): creates the privileged node-shell pod on the node, waits for it to run,
 * then is an exec pane into it (the shell chroots into the node). The pod is deleted when the pane goes: closed,
 * replaced, its tab closed, or the daemon stopping. A pane restored after a restart creates nothing by itself.
 */
export class NodeShellPane extends BasePane {
  private state: State;
  private inner: ExecPane | null = null;
  private pod: { namespace: string; name: string; uid: string } | null = null;
  /** The mark of this pane's creation, from before its POST is sent until its pod is deleted (see usesPod). */
  private attemptMark: string | null = null;
  private readonly abort = new AbortController();
  private gone = false;
  private readonly node: string;
  private readonly context: string | null;
  private size: Viewport | null = null;

  constructor(
    private readonly ctx: PaneContext,
    private readonly hooks: NodeShellHooks,
  ) {
    super('node-shell', ctx);
    const node = ctx.args.node;
    const context = typeof ctx.args.context === 'string' ? ctx.args.context : ctx.scope().context;
    this.node = typeof node === 'string' ? node : '';
    this.context = context;
    const bad = badObjectName(node, 'args.node');
    if (bad) this.state = { kind: 'failed', message: `node shell: ${bad}` };
    else if (context === null) this.state = { kind: 'failed', message: 'node shell: no cluster context' };
    else if (ctx.args.restored === true) {
      this.state = { kind: 'restored' };
      // The daemon that made this pane's pod is gone: its pod is an orphan.
      void hooks.clearOrphans(context, ctx.services.config().node_shell.namespace);
    }
    else {
      this.state = { kind: 'creating' };
      void this.start(context);
    }
  }

  persistState(): Record<string, unknown> {
    return { restored: true };
  }

  private async start(context: string): Promise<void> {
    const cfg = this.ctx.services.config().node_shell;
    let kc;
    try {
      kc = this.ctx.services.kube.configFor(context);
    } catch (err) {
      return this.fail(errorMessage(err));
    }
    await this.hooks.clearOrphans(context, cfg.namespace);
    if (this.gone || this.state.kind !== 'creating') return; // closed meanwhile: nothing is created
    const refused = await this.nodeReplaced(kc);
    if (refused) return this.fail(refused);
    if (this.gone) return;
    const attempt = nodeShellAttempt(this.node, cfg.namespace, cfg.image, this.hooks.owner);
    // The daemon's stop waits for the answer (and the deletion a closed pane then starts): a pod
    // whose creation answered after the daemon had gone would be left running.
    let answered!: () => void;
    this.hooks.deleting(new Promise<void>((resolve) => (answered = resolve)));
    let created: KubeObject;
    this.attemptMark = attempt.attempt;
    try {
      created = await createNodeShellPod(kc, attempt);
    } catch (err) {
      // No answer is not "not made": the pod may land later, and is deleted if it does.
      if (createMayHaveLanded(err)) this.reap(kc, attempt);
      answered();
      return this.fail(`cannot create the node-shell pod in namespace ${cfg.namespace}: ${errorMessage(err)}`);
    }
    // Only the pod asked for is ever deleted or opened: an answer naming no pod, or another one (a
    // proxy's mistake), is not taken on its word; the one asked for is deleted if it is there.
    const m = (created as Partial<KubeObject> | null)?.metadata;
    if (!m || m.name !== attempt.name || (m.namespace ?? attempt.namespace) !== attempt.namespace || typeof m.uid !== 'string' || m.uid === '') {
      this.reap(kc, attempt);
      answered();
      return this.fail(`cannot create the node-shell pod in namespace ${cfg.namespace}: the API server's answer is not pod ${attempt.namespace}/${attempt.name}`);
    }
    const ns = attempt.namespace;
    this.pod = { namespace: ns, name: created.metadata.name, uid: created.metadata.uid };
    this.ctx.logger.info({ node: this.node, pod: `${ns}/${created.metadata.name}` }, 'node-shell pod created');
    if (this.gone) {
      this.removePod();
      answered();
      return;
    }
    answered();
    this.state = { kind: 'waiting', pod: `${ns}/${created.metadata.name}` };
    this.changed.emit();
    try {
      await waitForContainer(kc, ns, created.metadata.name, NODE_SHELL_CONTAINER, { timeoutMs: START_TIMEOUT_MS, signal: this.abort.signal, uid: created.metadata.uid });
    } catch (err) {
      if (this.gone) return;
      // (A pod that replaced ours under its name is left alone: the deletion is pinned to our uid.)
      this.removePod();
      const replaced = err instanceof KubeApiError && err.reason === 'Replaced';
      return this.fail(replaced ? `node shell: ${errorMessage(err)}` : `${errorMessage(err)} (the pod was deleted)`);
    }
    if (this.gone) return;
    const inner = new ExecPane({ ...this.ctx, args: { context, namespace: ns, pod: created.metadata.name, container: NODE_SHELL_CONTAINER } });
    inner.setInitialSize(this.size);
    this.inner = inner;
    this.state = { kind: 'running' };
    this.disposers.push(inner.changed.subscribe(() => this.changed.emit()));
    this.changed.emit();
  }

  /**
   * Why the shell must not start on the node by this name: the Node chosen (args.nodeUid, from the
   * list or a script's target) was deleted, or replaced by another Node of the same name (a new
   * machine), since. Null when it is still that Node, or no uid was given.
   */
  private async nodeReplaced(kc: KubeConfig): Promise<string | null> {
    const uid = this.ctx.args.nodeUid;
    if (typeof uid !== 'string' || uid === '') return null;
    let node: KubeObject;
    try {
      node = await kubeRequest<KubeObject>(kc, { path: `/api/v1/nodes/${encodeURIComponent(this.node)}` });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return `node shell: node ${this.node} no longer exists; no pod was created`;
      return `node shell: node ${this.node} could not be read to check it is still the one chosen: ${errorMessage(err)}; no pod was created`;
    }
    if (node?.metadata?.uid !== uid) return `node shell: node ${this.node} was replaced by another Node of the same name since it was chosen; no pod was created`;
    return null;
  }

  /** Deletes the pod of an unanswered creation if it lands after all (the daemon's stop waits a little for it). */
  private reap(kc: KubeConfig, attempt: NodeShellAttempt): void {
    const pod = `${attempt.namespace}/${attempt.name}`;
    this.ctx.logger.warn({ pod }, 'the node-shell pod creation got no answer: deleting the pod if it lands');
    const done = reapUnansweredNodeShell(kc, attempt, { owner: this.hooks.owner }).then((deleted) => {
      if (deleted) this.ctx.logger.info({ pod }, 'node-shell pod deleted: its creation had got no answer');
    });
    this.hooks.deleting(done);
  }

  private fail(message: string): void {
    this.state = { kind: 'failed', message };
    this.changed.emit();
  }

  /** Deletes the pod (once); the daemon's stop waits for it. */
  private removePod(): void {
    const p = this.pod;
    if (!p || this.context === null) return;
    this.pod = null;
    this.attemptMark = null;
    let kc;
    try {
      kc = this.ctx.services.kube.configFor(this.context);
    } catch {
      return;
    }
    const done = deleteNodeShellPod(kc, p.namespace, p.name, p.uid).then(
      () => this.ctx.logger.info({ pod: `${p.namespace}/${p.name}` }, 'node-shell pod deleted'),
      (err: unknown) => this.ctx.logger.error({ pod: `${p.namespace}/${p.name}`, err: errorMessage(err) }, 'could not delete the node-shell pod; delete it by hand'),
    );
    this.hooks.deleting(done);
  }

  /**
   * Whether `pod` is this pane's: the one it made and has not deleted, or the one its creation under
   * way is making (listed by a sweep for orphans before the POST's answer came).
   */
  usesPod(pod: KubeObject): boolean {
    if (this.pod !== null && pod.metadata.uid === this.pod.uid) return true;
    return this.attemptMark !== null && pod.metadata.annotations?.[NODE_SHELL_ATTEMPT_ANNOTATION] === this.attemptMark;
  }

  title(): string {
    return `node shell ${this.node}`;
  }

  alias(): string {
    return 'NSH';
  }

  bindingGroup(): PaneGroup {
    return 'exec';
  }

  handleInput(key: string, size: Viewport | null): void {
    if (this.inner) return this.inner.handleInput(key, size);
    if (size) this.size = size;
    if (this.state.kind === 'failed' || this.state.kind === 'restored') this.ctx.requests.close();
  }

  handleCommand(cmd: PaneCommand): void {
    if (this.inner) return this.inner.handleCommand(cmd);
    if (cmd.type === 'back' && (this.state.kind === 'failed' || this.state.kind === 'restored')) this.ctx.requests.close();
  }

  /** A privileged shell on the node still running (closing deletes its pod): close_pane asks first. */
  liveWork(): string | null {
    return this.inner?.liveWork() ? `the root shell on node ${this.node} is still running` : null;
  }

  onResize(viewport: Viewport): void {
    this.size = viewport;
    (this.inner as { onResize?: (v: Viewport) => void } | null)?.onResize?.(viewport);
  }

  view(viewport: Viewport): PaneView {
    if (this.inner) return { ...this.inner.view(viewport), title: this.title() } as PaneView;
    const title = this.title();
    const s = this.state;
    switch (s.kind) {
      case 'creating':
        return { type: 'message', title, level: 'loading', text: `creating the node-shell pod on ${this.node}…` };
      case 'waiting':
        return { type: 'message', title, level: 'loading', text: `waiting for pod ${s.pod} to run on ${this.node}… (closing this pane deletes it)` };
      case 'restored':
        return { type: 'message', title, level: 'info', text: `The node-shell pod was deleted when the daemon stopped. Press s on node ${this.node} again for a new one; esc closes the pane.` };
      case 'failed':
        return { type: 'message', title, level: 'error', text: s.message, footer: 'esc closes the pane' };
      default:
        return { type: 'message', title, level: 'loading', text: '…' };
    }
  }

  /** The daemon is stopping: cut the shell. */
  shutdown(): void {
    this.inner?.shutdown();
  }

  override dispose(): void {
    if (this.gone) return;
    this.gone = true;
    this.abort.abort();
    this.inner?.dispose();
    this.removePod();
    super.dispose();
  }
}
