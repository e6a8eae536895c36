import type { Viewport } from '@kubetile/rpc-schema';
import { KubeApiError } from '../kube/api-error.js';
import { podContainers, defaultContainer, finishedPhase, type ContainerRun } from '../kube/exec/pod-containers.js';
import { badObjectName, describeObject } from '../kube/object-ref.js';
import { getObject } from '../kube/resource-ops.js';
import type { KubeObject } from '../kube/types.js';
import type { ExecPane } from '../panes/exec/exec-pane.js';
import { DeferredPane, LazyModule } from './deferred-pane.js';
import type { PaneContext } from '../panes/pane.js';
import type { InteractionRequest } from '../session/resource-actions.js';
import { errorMessage, invalidParams, invalidState } from '../util/errors.js';
import type { FeatureHost } from './feature-host.js';
import { readOnlyRefusal, WRITE_ACTIONS } from '../session/read-only.js';
import { createErrorPane } from '../panes/builtin/error-pane.js';
import { describedKind, isCorePod } from '../kube/builtin-target.js';

/**
 * Exec: the `exec` pane type (a shell in a container, its screen emulated in the daemon) and the
 * `exec` resource action (`e` on a pod, `resource/action {action:'exec', args:{container?}}`).
 */
export function installExec(host: FeatureHost): void {
  const panes = new Map<number, ExecPane | DeferredPane<ExecPane>>();
  const make = (m: ExecModule) => (ctx: PaneContext): ExecPane =>
    new m.ExecPane(ctx, {
      disposing: (id) => {
        panes.delete(id);
        leaveInsertOn(host, id);
      },
    });

  host.registry.register('exec', (ctx) => {
    // Read-only mode refuses exec however it is asked for (e, a script's pane/open, a restored layout).
    if (host.readonly()) return createErrorPane(ctx, 'exec', readOnlyRefusal(WRITE_ACTIONS.exec!));
    // Made at once when the module is loaded (startExec loads it first); a restored or scripted
    // pane opened before that shows "starting…" until it is.
    const loaded = EXEC_MODULE.now;
    const pane = loaded
      ? make(loaded)(ctx)
      : new DeferredPane<ExecPane>(ctx, 'exec', { title: 'exec', alias: 'EXE', group: 'exec' }, EXEC_MODULE.get().then(make));
    panes.set(ctx.paneId, pane);
    return pane;
  }, { needsTarget: true });

  host.actions.register('exec', (req) => startExec(host, panes, req));

  host.onStop(() => {
    for (const p of panes.values()) withPane(p, (e) => e.shutdown());
  });
}

type ExecModule = typeof import('../panes/exec/exec-pane.js');
/** The exec pane and its terminal emulator (@xterm/headless): loaded when the first exec pane opens. */
export const EXEC_MODULE = new LazyModule<ExecModule>(() => import('../panes/exec/exec-pane.js'));

/** Runs `fn` on an exec pane now, or once its module has loaded. */
const withPane = (pane: ExecPane | DeferredPane<ExecPane> | undefined, fn: (p: ExecPane) => void): void => {
  if (pane instanceof DeferredPane) pane.with(fn);
  else if (pane) fn(pane);
};

/** Clients typing into a pane that goes away stop typing (their focus moves to another pane). */
function leaveInsertOn(host: FeatureHost, paneId: number): void {
  const ws = host.workspace;
  for (const c of ws.clients.values()) {
    if (c.state.mode !== 'insert') continue;
    try {
      if (ws.focusedPane(c.state) === paneId) c.state.mode = 'normal';
    } catch {
      // the client's session has no tab to focus: nothing to leave
    }
  }
}

/** Which container to exec into, or why none can be (the message the pane shows). */
type Choice = { container: string } | { failure: string } | { pick: ContainerRun[] };

function chooseContainer(pod: KubeObject, where: string, wanted: string | undefined, interactive: boolean): Choice {
  const containers = podContainers(pod);
  if (wanted !== undefined) {
    const c = containers.find((x) => x.name === wanted);
    if (!c) return { failure: `pod ${where} has no container '${wanted}' (it has ${containers.map((x) => x.name).join(', ') || 'none'})` };
    if (!c.running) return { failure: `container ${wanted} of pod ${where} is not running (${c.state})` };
    return { container: c.name };
  }
  const running = containers.filter((c) => c.running);
  if (running.length === 0) {
    const phase = finishedPhase(pod);
    if (phase) return { failure: `pod ${where} has completed (phase ${phase}): no container runs in it` };
    return { failure: `no container of pod ${where} is running (${containers.map((c) => `${c.name}: ${c.state}`).join('; ') || 'it has none'})` };
  }
  if (running.length === 1) return { container: running[0]!.name };
  if (interactive) return { pick: running };
  return { container: defaultContainer(pod, running)!.name };
}

/** The size of the pane on the screen of the client that opened it (or any client showing it). */
function openingSize(host: FeatureHost, paneId: number, req: InteractionRequest): Viewport | null {
  const ws = host.workspace;
  if (req.client && ws.clients.has(req.client.id)) return ws.paneViewport(req.client, paneId);
  const session = ws.locate(paneId).session.name;
  for (const c of ws.clientsOf(session)) {
    const v = ws.paneViewport(c.state, paneId);
    if (v) return v;
  }
  return null;
}

async function startExec(host: FeatureHost, panes: Map<number, ExecPane | DeferredPane<ExecPane>>, req: InteractionRequest): Promise<{ paneId?: number; message: string }> {
  const t = req.target;
  if (!isCorePod(t) || t.namespace === null) throw invalidState(`exec runs a shell in a pod; ${describedKind(t)} is not one`);
  const wanted = req.args.container;
  if (wanted !== undefined) {
    const bad = badObjectName(wanted, 'args.container');
    if (bad) throw invalidParams(bad);
  }
  const where = `${t.namespace}/${t.name}`;
  let failure: string | null = null;
  let container: string | undefined;
  try {
    // The pane's module loads while the pod is read: the pane is then made at once.
    const [pod] = await Promise.all([getObject(host.kube.configFor(t.context), t), EXEC_MODULE.get()]);
    const choice = chooseContainer(pod, where, wanted as string | undefined, req.prompts.interactive);
    if ('failure' in choice) failure = choice.failure;
    else if ('container' in choice) container = choice.container;
    else {
      const picked = await req.prompts.pick(`Exec into a container of ${t.name}`, choice.pick.map((c) => c.name));
      if (picked === null) return { message: 'exec cancelled' };
      container = picked;
    }
  } catch (err) {
    failure =
      err instanceof KubeApiError && err.status === 404
        ? `pod ${where} is gone (the API server does not know it any more)`
        : `cannot read pod ${where}: ${errorMessage(err)}`;
  }

  const ws = host.workspace;
  const view = { key: 'exec', args: { context: t.context, namespace: t.namespace, pod: t.name, ...(container !== undefined ? { container } : {}) } };
  let opened: { paneId: number };
  try {
    const session = ws.locate(req.paneId).session.name;
    opened = ws.openPane(session, view, { split: { paneId: req.paneId, direction: 'horizontal', ratio: 0.5 } }, req.client);
  } catch {
    // The pane `e` was pressed in went away while the picker was open: open beside the client's focus.
    if (!req.client || !ws.clients.has(req.client.id)) throw invalidState(`pane ${req.paneId} is gone; exec into ${where} was not started`);
    opened = { paneId: ws.splitFocused(req.client, 'horizontal', view) };
  }
  const pane = panes.get(opened.paneId);
  const size = openingSize(host, opened.paneId, req);
  withPane(pane, (p) => p.setInitialSize(size));
  if (failure !== null) {
    const why = failure;
    withPane(pane, (p) => p.failBeforeStart(why));
  }
  else if (req.client && ws.clients.has(req.client.id) && ws.focusedPane(req.client) === opened.paneId) {
    // Typing goes to the shell at once, for the client that asked for it.
    req.client.mode = 'insert';
    ws.refreshClient(req.client);
  }
  return { paneId: opened.paneId, message: failure ?? `exec into ${where}${container !== undefined ? ` (${container})` : ''}` };
}
