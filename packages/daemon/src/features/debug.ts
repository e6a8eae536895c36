import { KubeApiError } from '../kube/api-error.js';
import { debugWorkload, describeDebugToggle, isDebugState, toggleDebugMode, type DebugExpectation, type DebugRequest } from '../kube/debug-mode.js';
import { badContainer } from '../kube/logs/log-request.js';
import { addDebugContainer, badImage, ephemeralContainersServed, UNSUPPORTED } from '../kube/ephemeral-debug.js';
import { podContainers } from '../kube/exec/pod-containers.js';
import { deleteOrphanNodeShells, describeNodeShell, nodeShellOwner, waitForContainer } from '../kube/node-shell.js';
import { hostname } from 'node:os';
import type { KubeObject } from '../kube/types.js';
import { describeObject } from '../kube/object-ref.js';
import { getObject } from '../kube/resource-ops.js';
import type { NodeShellPane } from '../panes/node-shell/node-shell-pane.js';
import type { PaneContext } from '../panes/pane.js';
import { DeferredPane, LazyModule } from './deferred-pane.js';
import { EXEC_MODULE } from './exec.js';
import type { ResourceTarget } from '../panes/pane.js';
import type { InteractionRequest } from '../session/resource-actions.js';
import { errorMessage, invalidParams, invalidState } from '../util/errors.js';
import { isRecord } from '../util/is-record.js';
import { shownValue } from '../util/shown-value.js';
import { readOnlyRefusal } from '../session/read-only.js';
import { createErrorPane } from '../panes/builtin/error-pane.js';
import type { FeatureHost } from './feature-host.js';
import { describedKind, isBuiltinKind, isCorePod } from '../kube/builtin-target.js';

/** How long an ephemeral debug container may take to start (an image pull included). */
const DEBUG_START_MS = 120_000;
/** The longest the daemon's stop waits for node-shell pods to be deleted. */
const STOP_WAIT_MS = 5_000;

type NodeShellModule = typeof import('../panes/node-shell/node-shell-pane.js');
/** The node-shell pane (an exec pane with its terminal emulator): loaded when the first one opens. */
const NODE_SHELL_MODULE = new LazyModule<NodeShellModule>(() => import('../panes/node-shell/node-shell-pane.js'));

const MODES = ['debug-mode', 'root-debug-mode', 'container', 'node'] as const;
type Mode = (typeof MODES)[number];

/**
 * Debugging: `resource/action {action:"debug", args:{mode}}` and its keys —
 * - `debug-mode` / `root-debug-mode` (ctrl+alt+d / f5): KubeTile's debug mode on a pod's workload;
 * - `container` (shift+d): an ephemeral debug container (`kubectl debug`) with an exec pane attached;
 * - `node` (s on a node): a node shell, through a privileged pod deleted when its pane closes.
 * Keys ask once (the key router shows `describeDebug`'s text); scripts act at once.
 */
export function installDebug(host: FeatureHost): void {
  const deletions = new Set<Promise<void>>();
  const shells = new Set<NodeShellPane>();
  const owner = nodeShellOwner(hostname(), process.getuid?.() ?? 0, host.stateDir);
  const cleared = new Map<string, Promise<void>>();
  const clearOrphans = (context: string, namespace: string): Promise<void> => {
    const key = `${context}\0${namespace}`;
    let p = cleared.get(key);
    if (!p) {
      p = (async () => {
        try {
          const keep = (pod: KubeObject): boolean => [...shells].some((s) => s.usesPod(pod));
          const n = await deleteOrphanNodeShells(host.kube.configFor(context), namespace, owner, keep);
          if (n > 0) host.logger.info({ context, namespace, deleted: n }, 'deleted node-shell pods left by a daemon that died');
        } catch (err) {
          // Not fatal: the next node shell in this context tries again.
          cleared.delete(key);
          host.logger.warn({ context, namespace, err: errorMessage(err) }, 'could not look for node-shell pods left by a daemon that died');
        }
      })();
      cleared.set(key, p);
    }
    return p;
  };
  const make = (m: NodeShellModule) => (ctx: PaneContext): NodeShellPane => {
    const pane = new m.NodeShellPane(ctx, {
      owner,
      clearOrphans,
      deleting: (p) => {
        deletions.add(p);
        void p.finally(() => deletions.delete(p));
      },
    });
    shells.add(pane);
    pane.changed.subscribe(() => undefined);
    const dispose = pane.dispose.bind(pane);
    pane.dispose = () => {
      shells.delete(pane);
      dispose();
    };
    return pane;
  };
  host.registry.register(
    'node-shell',
    (ctx) => {
      // A node shell creates a privileged pod: read-only mode refuses it however it is asked for (the
      // node action, a script's pane/open, a restored layout); the pane keeps its args for a later run.
      if (host.readonly()) return createErrorPane(ctx, 'node-shell', readOnlyRefusal('a node shell (it creates a privileged pod)'));
      // Made at once once the module is loaded (the node action loads it first); a restored pane waits for it.
      const loaded = NODE_SHELL_MODULE.now;
      return loaded ? make(loaded)(ctx) : new DeferredPane<NodeShellPane>(ctx, 'node-shell', { title: 'node shell', alias: 'NSH', group: 'exec' }, NODE_SHELL_MODULE.get().then(make));
    },
    { needsTarget: true },
  );
  host.onStop(async () => {
    for (const s of shells) s.shutdown();
    // Until nothing is pending: a creation that answers now (its pane closed) starts a deletion.
    const deadline = Date.now() + STOP_WAIT_MS;
    while (deletions.size > 0 && Date.now() < deadline) {
      host.logger.info({ pending: deletions.size }, 'waiting for node-shell pods being created or deleted');
      await Promise.race([Promise.allSettled([...deletions]), new Promise((r) => setTimeout(r, deadline - Date.now()).unref())]);
    }
  });

  host.actions.describeDebug = async (target, mode) => {
    const kc = host.kube.configFor(target.context);
    if (mode === 'node') {
      if (!isBuiltinKind(target, 'Node')) throw invalidState(`a node shell opens on a Node, not on ${describedKind(target)}`);
      const cfg = host.config().node_shell;
      return { text: describeNodeShell(target.name, cfg.namespace, cfg.image) };
    }
    const request: DebugRequest = mode === 'root-debug-mode' ? 'root' : 'debug';
    const { text, expected } = await describeDebugToggle(kc, await debugWorkload(kc, target), request);
    // The confirmed action checks the workload is still as the dialog described it.
    return { text, args: { from: expected.from, container: expected.container } };
  };

  host.actions.register('debug', (req) => runDebug(host, req));
}

/** `args.from` and `args.container` (what a confirmation saw, from the key router; optional for scripts). */
function expectationOf(args: Record<string, unknown>): DebugExpectation | undefined {
  const { from, container } = args;
  if (from === undefined && container === undefined) return undefined;
  if (!isDebugState(from)) throw invalidParams(`args.from must be one of off, debug, root, not ${shownValue(from)}`);
  const bad = badContainer(container, 'args.container');
  if (bad) throw invalidParams(bad);
  return { from, container: container as string };
}

function modeOf(req: InteractionRequest): Mode {
  const m = req.args.mode;
  if (m === undefined) return req.target.kind === 'Node' ? 'node' : 'container';
  if (typeof m !== 'string' || !(MODES as readonly string[]).includes(m)) throw invalidParams(`args.mode must be one of ${MODES.join(', ')}, not ${shownValue(m)}`);
  return m as Mode;
}

async function runDebug(host: FeatureHost, req: InteractionRequest): Promise<{ paneId?: number; message: string }> {
  const mode = modeOf(req);
  const t = req.target;
  const kc = host.kube.configFor(t.context);
  switch (mode) {
    case 'debug-mode':
    case 'root-debug-mode': {
      const expected = expectationOf(req.args);
      const workload = await debugWorkload(kc, t);
      const r = await toggleDebugMode(kc, workload, mode === 'root-debug-mode' ? 'root' : 'debug', expected);
      const what = r.to === 'off' ? `left ${r.from === 'root' ? 'root ' : ''}debug mode` : r.to === 'root' ? 'is in root debug mode' : 'is in debug mode';
      host.logger.info({ workload: describeObject(workload), from: r.from, to: r.to }, 'debug mode');
      return { message: `${describeObject(workload)} ${what} (container ${r.container})` };
    }
    case 'node':
      await NODE_SHELL_MODULE.get();
      return openNodeShell(host, req, t);
    case 'container':
      await EXEC_MODULE.get();
      return debugContainer(host, req, t);
  }
}

function openNodeShell(host: FeatureHost, req: InteractionRequest, t: ResourceTarget): { paneId: number; message: string } {
  if (!isBuiltinKind(t, 'Node')) throw invalidState(`a node shell opens on a Node, not on ${describedKind(t)}`);
  const ws = host.workspace;
  const session = ws.locate(req.paneId).session.name;
  // The Node's uid: the pane refuses a Node deleted or replaced under its name since it was chosen.
  const opened = ws.openPane(session, { key: 'node-shell', args: { context: t.context, node: t.name, ...(t.uid ? { nodeUid: t.uid } : {}) } }, { split: { paneId: req.paneId, direction: 'horizontal', ratio: 0.5 } }, req.client);
  return { paneId: opened.paneId, message: `node shell on ${t.name}: creating its pod` };
}

async function debugContainer(host: FeatureHost, req: InteractionRequest, t: ResourceTarget): Promise<{ paneId?: number; message: string }> {
  if (!isCorePod(t) || t.namespace === null) throw invalidState(`a debug container is added to a pod; ${describedKind(t)} is not one`);
  // A script's bad args are refused before the cluster is asked anything: whatever state the pod is
  // in (being deleted, replaced), the answer names the arg (a non-string image was the config's).
  const given = req.args.image;
  if (given !== undefined) {
    if (typeof given !== 'string') throw invalidParams(`args.image must be an image reference (a string), not ${shownValue(given)}`);
    const bad = badImage(given);
    if (bad) throw invalidParams(`args.image: ${bad}`);
  }
  if (req.args.target !== undefined && typeof req.args.target !== 'string') throw invalidParams(`args.target must be a container name (a string), not ${shownValue(req.args.target)}`);
  const kc = host.kube.configFor(t.context);
  if (!(await ephemeralContainersServed(kc))) throw new KubeApiError(UNSUPPORTED, 404, 'NotServed');
  const pod = await getObject(kc, t);
  if (t.uid && pod.metadata.uid !== t.uid) throw invalidState(`${describeObject(t)} was replaced by another pod of the same name; nothing was added`);
  // An ended pod runs nothing again: the container would be added for good and never start.
  const phase = isRecord(pod.status) ? pod.status['phase'] : undefined;
  if (phase === 'Succeeded' || phase === 'Failed') throw invalidState(`${describeObject(t)} has ended (phase ${phase}): a debug container could never start in it; nothing was added`);
  if (pod.metadata.deletionTimestamp) throw invalidState(`${describeObject(t)} is being deleted: a debug container could not outlive it; nothing was added`);
  const running = podContainers(pod).filter((c) => c.running);
  let image = typeof req.args.image === 'string' ? req.args.image : host.config().debug.image;
  if (req.prompts.interactive && req.args.image === undefined) {
    const answer = await req.prompts.ask(`Add an ephemeral debug container to pod ${t.namespace}/${t.name} (it stays until the pod goes): image`, image, (v) => badImage(v.trim()));
    if (answer === null) return { message: 'debug container: cancelled' };
    image = answer.trim();
  }
  const bad = badImage(image);
  if (bad) throw invalidParams(`args.image: ${bad}`);
  let target: string | null = null;
  if (typeof req.args.target === 'string') {
    if (!running.some((c) => c.name === req.args.target)) throw invalidParams(`args.target: pod ${t.namespace}/${t.name} has no running container '${req.args.target}'`);
    target = req.args.target;
  } else if (running.length === 1) target = running[0]!.name;
  else if (running.length > 1 && req.prompts.interactive) {
    target = await req.prompts.pick(`Share the process namespace of which container of ${t.name}?`, running.map((c) => c.name));
    if (target === null) return { message: 'debug container: cancelled' };
  } else if (running.length > 1) target = running[0]!.name;
  const name = await addDebugContainer(kc, pod, image, target);
  host.logger.info({ pod: `${t.namespace}/${t.name}`, container: name, image, target }, 'debug container added');
  try {
    await waitForContainer(kc, t.namespace, t.name, name, { timeoutMs: DEBUG_START_MS, field: 'ephemeralContainerStatuses', uid: pod.metadata.uid });
  } catch (err) {
    throw new Error(`debug container ${name} was added to ${t.namespace}/${t.name} but ${errorMessage(err)}`);
  }
  const ws = host.workspace;
  const view = { key: 'exec', args: { context: t.context, namespace: t.namespace, pod: t.name, container: name } };
  let opened: { paneId: number };
  try {
    opened = ws.openPane(ws.locate(req.paneId).session.name, view, { split: { paneId: req.paneId, direction: 'horizontal', ratio: 0.5 } }, req.client);
  } catch {
    if (!req.client || !ws.clients.has(req.client.id)) throw invalidState(`pane ${req.paneId} is gone; debug container ${name} runs in ${t.namespace}/${t.name}`);
    opened = { paneId: ws.splitFocused(req.client, 'horizontal', view) };
  }
  if (req.client && ws.clients.has(req.client.id) && ws.focusedPane(req.client) === opened.paneId) {
    req.client.mode = 'insert';
    ws.refreshClient(req.client);
  }
  return { paneId: opened.paneId, message: `debug container ${name} (${image}) in ${t.namespace}/${t.name}${target ? `, sharing ${target}'s processes` : ''}` };
}
