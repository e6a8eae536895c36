import { ResponseError } from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import {
  API_LEVEL, apiMismatchMessage, describeApi, ErrorCodes, MIN_API_LEVEL, negotiateApiLevel, PRODUCT_NAME, PRODUCT_VERSION, Requests, type RequestDecl,
} from '@kubetile/rpc-schema';
import { errorMessage, invalidParams, invalidState, notAttached, notFound } from '../util/errors.js';
import { isPermission, PERMISSIONS } from '../plugins/abi.js';
import { withCommandOrigin } from '../plugins/command-origin.js';
import type { DaemonContext } from './context.js';
import type { RpcConnection } from './connection.js';
import type { ForwardManager } from '../forwards/forward-manager.js';
import { publishedForwards } from '../forwards/service-registry.js';
import { remotePortNamed, suggestRemotePort } from '../forwards/resolve-target.js';
import { getTarget } from '../forwards/target-objects.js';
import { namedTarget } from '../forwards/forward-types.js';
import { warmTerminalSchemas } from './schema-warmup.js';
import { badNamespace } from '../kube/resource-ref.js';

export interface Call {
  conn: RpcConnection;
  daemon: DaemonContext;
  /**
   * Aborted when the client cancels this request or its connection closes: work that waits (on
   * the API server) passes it on, and nothing is started after it fired — the client was told
   * the call was cancelled, or can no longer be told anything.
   */
  signal: AbortSignal;
}
type HandlerFor<D extends RequestDecl> = (call: Call, params: z.infer<D['params']>) => Promise<z.infer<D['result']>> | z.infer<D['result']>;
type Table = { [K in keyof typeof Requests as (typeof Requests)[K]['name']]: HandlerFor<(typeof Requests)[K]> };

const OK = { ok: true } as const;
/** After an attach, when the terminal requests' checks are built (its first frames go out first). */
const WARM_AFTER_ATTACH_MS = 50;

function attached(call: Call, method: string) {
  const c = call.conn.client;
  if (!c) throw notAttached(method);
  return c;
}

/** The session a call acts on: the one named, else the attached client's, else `main`. */
function sessionOf(call: Call, named?: string): string {
  return named ?? call.conn.client?.state.sessionName ?? 'main';
}

/** The contexts a session's tabs look at (a script acted on it: ClusterManager.userActed). Never makes the session. */
function sessionContexts(daemon: DaemonContext, name: string): Array<string | null> {
  return daemon.workspace.sessions.get(name)?.tabs.map((t) => t.context) ?? [];
}

/** The context of the tab a client looks at (a key of its: ClusterManager.userActed). Never makes the session. */
function clientContexts(daemon: DaemonContext, state: { sessionName: string; activeTabId: number }): Array<string | null> {
  return [daemon.workspace.sessions.get(state.sessionName)?.tab(state.activeTabId)?.context ?? null];
}

/** The daemon's port-forwards. */
function forwardsOf(daemon: DaemonContext): ForwardManager {
  const m = daemon.portForwards ?? publishedForwards(daemon.workspace);
  if (!m) throw invalidState('port-forwards are not available in this build');
  return m;
}

const table: Table = {
  'daemon/hello': ({ conn }, p) => {
    const daemonRange = { min: MIN_API_LEVEL, max: API_LEVEL };
    const clientRange = { min: p.minApiLevel ?? p.apiLevel, max: p.apiLevel };
    const n = negotiateApiLevel(clientRange, daemonRange);
    const server = { name: PRODUCT_NAME, version: PRODUCT_VERSION, pid: process.pid };
    if (!n.ok) {
      throw new ResponseError(
        ErrorCodes.IncompatibleApiLevel,
        apiMismatchMessage({
          client: { name: p.client.name, version: p.client.version || '?', range: clientRange },
          daemon: { version: PRODUCT_VERSION, pid: process.pid, range: daemonRange },
        }),
        { server, apiLevel: API_LEVEL, minApiLevel: MIN_API_LEVEL },
      );
    }
    conn.helloDone = true;
    conn.clientName = p.client.name;
    return { server, apiLevel: n.level, minApiLevel: MIN_API_LEVEL, maxApiLevel: API_LEVEL };
  },
  'daemon/status': ({ daemon }, p) => {
    if (p.collect) {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (typeof gc !== 'function') throw invalidParams('collect needs the daemon started with node --expose-gc (e.g. NODE_OPTIONS=--expose-gc kubetile daemon run)');
      gc();
    }
    const mem = process.memoryUsage();
    const counts = daemon.counts();
    return {
      pid: process.pid,
      version: PRODUCT_VERSION,
      uptimeSeconds: Math.round((Date.now() - daemon.startedAt) / 100) / 10,
      socket: daemon.socketPath,
      sessions: daemon.workspace.sessions.size,
      clients: daemon.workspace.clients.size,
      panes: daemon.workspace.paneCount,
      plugins: counts.plugins,
      watches: counts.watches,
      portForwards: counts.portForwards,
      streams: {
        logs: counts.streams.logs,
        exec: counts.streams.exec,
        portForwardListeners: counts.streams['port-forward-listeners'],
        portForwardConnections: counts.streams['port-forward-connections'],
      },
      memory: { rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers },
      readonly: daemon.readonly(),
      startedWith: daemon.startedWith,
    };
  },
  'daemon/shutdown': ({ daemon }, p) => {
    setImmediate(() => daemon.shutdown(p.restart ? 'restarting' : 'shutdown requested', { restarting: p.restart === true }));
    return OK;
  },
  'rpc/discover': () => (discovered ??= describeApi()),
  'rpc/echo': (_call, p) => ({ value: p.value }),
  'session/list': ({ daemon }) => ({
    sessions: [...daemon.workspace.sessions.values()].map((s) => ({
      name: s.name,
      tabs: s.tabs.length,
      panes: s.tabs.reduce((n, t) => n + t.paneIds().length, 0),
      clients: daemon.workspace.clientsOf(s.name).length,
    })),
  }),
  'session/attach': ({ conn, daemon }, p) => {
    if (conn.client) throw invalidState(`already attached to session '${conn.client.state.sessionName}'; call session/detach first`);
    conn.sameRows = p.sameRows === true;
    const client = daemon.workspace.attach(p.session ?? 'main', p.size, conn);
    conn.client = client;
    const layout = daemon.workspace.buildLayout(client.state);
    // Views follow as notifications right after the reply.
    setImmediate(() => client.scheduler.markLayout());
    // Once the first frames are out, the checks of the requests a terminal sends are built (see schema-warmup).
    setTimeout(warmTerminalSchemas, WARM_AFTER_ATTACH_MS).unref();
    return { clientId: client.state.id, layout };
  },
  'session/detach': (call) => {
    const { conn, daemon } = call;
    const c = attached(call, 'session/detach');
    daemon.workspace.detach(c.state.id);
    conn.client = null;
    return OK;
  },
  'session/kill': ({ daemon }, p) => {
    daemon.workspace.killSession(p.session, `session ${p.session} was killed`);
    return OK;
  },
  'tab/new': (call, p) => {
    const r = call.daemon.workspace.newTab(sessionOf(call, p.session), p.view, call.conn.client?.state);
    call.daemon.kube.userActed(() => sessionContexts(call.daemon, sessionOf(call, p.session)));
    return r;
  },
  'tab/close': (call, p) => {
    call.daemon.workspace.closeTab(sessionOf(call, p.session), p.tabId);
    return OK;
  },
  'tab/select': (call, p) => {
    call.daemon.workspace.selectTab(attached(call, 'tab/select').state, p.tabId);
    return OK;
  },
  'pane/open': (call, p) => {
    const r = call.daemon.workspace.openPane(
      sessionOf(call, p.session),
      p.view,
      { ...(p.split ? { split: p.split } : {}), ...(p.newTab ? { newTab: true } : {}) },
      call.conn.client?.state,
    );
    call.daemon.kube.userActed(() => sessionContexts(call.daemon, sessionOf(call, p.session)));
    return r;
  },
  'pane/close': ({ daemon }, p) => {
    daemon.workspace.closePane(p.paneId);
    return OK;
  },
  'pane/focus': (call, p) => {
    call.daemon.workspace.focusPane(attached(call, 'pane/focus').state, p.paneId);
    return OK;
  },
  'pane/list': ({ daemon }, p) => ({
    panes: daemon.workspace
      .paneEntries()
      .filter((e) => !p.session || e.session === p.session)
      .map((e) => ({ paneId: e.pane.id, tabId: e.tabId, session: e.session, key: e.pane.key, title: e.pane.title(), args: e.pane.args })),
  }),
  'pane/types': ({ daemon }) => {
    const registry = (daemon as DaemonContext & { registry?: { keys(): string[]; switchable(): string[] } }).registry;
    if (!registry) throw invalidState('pane types are not available in this build');
    const switchable = new Set(registry.switchable());
    return { types: registry.keys().map((key) => ({ key, switchable: switchable.has(key) })) };
  },
  'pane/command': ({ daemon, conn }, p) => {
    const pane = daemon.workspace.pane(p.paneId);
    withCommandOrigin(conn.client?.state.id ?? null, () => daemon.workspace.withActor(conn.client?.state, () => pane.handleCommand(p.command)));
    return OK;
  },
  'pane/snapshot': ({ daemon }, p) => {
    daemon.workspace.pane(p.paneId);
    const view = daemon.workspace.renderPane(p.paneId, { cols: p.cols ?? 80, rows: p.rows ?? 24 });
    if (!view) throw notFound(`no pane ${p.paneId}`);
    return { paneId: p.paneId, view };
  },
  'client/key': (call, p) => {
    const c = attached(call, 'client/key');
    // Clients send keys ahead of the answers: the keys behind a detach go nowhere.
    if (c.state.detaching) return { handled: false, command: 'ignored:detaching' };
    // A plugin write asked for while answering this key is confirmed on this client.
    // Panes the key opens (enter's detail, y's YAML, a split) take this client's focus, not only the tab's default.
    const r = withCommandOrigin(c.state.id, () => call.daemon.workspace.withActor(c.state, () => call.daemon.keys.handle(c.state, p.key, p.seen)));
    if (r.command === 'detach') c.state.detaching = true;
    // Someone is at a terminal: a credential login given up on of what they look at (after the key:
    // a tab switched to) may start again (its prompt reaches them).
    call.daemon.kube.userActed(() => clientContexts(call.daemon, c.state));
    // The key's frame goes out with this answer, not a turn of the event loop later: to this client
    // in the same write, ahead of the answer (woken once), then to every other client.
    const ws = call.daemon.workspace;
    call.conn.withAnswer(() => ws.flushDueFrames(c.state.id), () => ws.flushDueFrames());
    return r.command ? { handled: r.handled, command: r.command } : { handled: r.handled };
  },
  'editor/done': async (call, p) => {
    const c = attached(call, 'editor/done');
    await call.daemon.edits.done(c.state.id, p.editId, p.text, p.error);
    return OK;
  },
  'client/paste': (call, p) => {
    const c = attached(call, 'client/paste');
    if (c.state.detaching) return { handled: false, command: 'ignored:detaching' };
    const r = call.daemon.keys.paste(c.state, p.text);
    call.daemon.kube.userActed(() => clientContexts(call.daemon, c.state));
    // As after a key: the paste's frame goes out with its answer.
    const ws = call.daemon.workspace;
    call.conn.withAnswer(() => ws.flushDueFrames(c.state.id), () => ws.flushDueFrames());
    return r.command ? { handled: r.handled, command: r.command } : { handled: r.handled };
  },
  'client/resize': (call, p) => {
    call.daemon.workspace.resizeClient(attached(call, 'client/resize').state, p);
    return OK;
  },
  'client/focus': (call, p) => {
    const c = attached(call, 'client/focus');
    call.daemon.workspace.focusDirection(c.state, p.direction);
    return { paneId: call.daemon.workspace.focusedPane(c.state) };
  },
  'kube/contexts': ({ daemon }) => daemon.kube.contexts(),
  'kube/namespaces': async ({ daemon, signal }, p) => {
    const context = p.context ?? daemon.kube.defaultScope().context;
    if (!daemon.kube.available || context === null) throw invalidState(`no cluster: ${daemon.kube.problem ?? 'no context'}`);
    if (!daemon.kube.hasContext(context)) throw notFound(`no context '${context}' in the kubeconfig`);
    try {
      return { namespaces: await daemon.kube.namespaces(context, signal) };
    } catch (err) {
      throw invalidState(`listing namespaces of '${context}' failed: ${errorMessage(err)}`);
    }
  },
  'kube/use': (call, p) => {
    const kube = call.daemon.kube;
    if (p.context !== undefined && !kube.hasContext(p.context)) throw notFound(`no context '${p.context}' in the kubeconfig`);
    // A name no request could carry is refused here, not kept on the tab (and saved with the session)
    // for every list on it to fail with; one that does not exist yet is taken, as kubectl -n takes it.
    const bad = p.namespace !== undefined && p.namespace !== '*' ? badNamespace(p.namespace) : null;
    if (bad) throw invalidParams(`${bad} (lower-case letters, digits and '-', at most 63; '*' for all namespaces)`);
    const namespace = p.namespace ?? (p.context !== undefined ? kube.namespaceOf(p.context) : undefined);
    call.daemon.workspace.setTabScope(sessionOf(call, p.session), p.tabId, {
      ...(p.context !== undefined ? { context: p.context } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
    });
    kube.userActed(() => sessionContexts(call.daemon, sessionOf(call, p.session)));
    return OK;
  },
  'resource/action': async (call, p) => {
    try {
      const r = await call.daemon.actions.run(p.paneId, p.action, p.args ?? {}, call.conn.client?.state, p.target, undefined, call.signal);
      return { ok: true as const, message: r.message, ...(r.paneId !== undefined ? { paneId: r.paneId } : {}) };
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      throw invalidState(`${p.action} failed: ${errorMessage(err)}`);
    }
  },
  'portForward/list': ({ daemon }) => ({ forwards: forwardsOf(daemon).list() }),
  'portForward/start': async (call, p) => {
    const manager = forwardsOf(call.daemon);
    const kube = call.daemon.kube;
    const context = p.context ?? (call.conn.client ? call.daemon.workspace.activeTab(call.conn.client.state).context : null) ?? kube.defaultScope().context;
    if (context === null) throw invalidState(`no cluster: ${kube.problem ?? 'no context'}`);
    const { kind, name } = namedTarget(p);
    try {
      let remotePort: number;
      if (typeof p.remotePort === 'number') remotePort = p.remotePort;
      else {
        const obj = await getTarget(kube.configFor(context), kind, p.namespace, name, call.signal);
        remotePort = p.remotePort === undefined ? suggestRemotePort(kind, obj) : remotePortNamed(kind, obj, p.remotePort);
      }
      // A forward nobody will hear of (the call was cancelled, its client gone) is not started:
      // it would hold a local port the script was told it did not get.
      call.signal.throwIfAborted();
      const f = await manager.start({ context, namespace: p.namespace, kind, name, remotePort, localPort: p.sameLocalPort === true ? remotePort : (p.localPort ?? 0) });
      const info = f.info();
      return { id: f.id, localPort: f.localPort, localAddresses: f.addresses, pod: info.pod ?? '', podPort: info.podPort ?? remotePort, message: `Forwarding ${f.describe()}` };
    } catch (err) {
      throw invalidState(`portForward/start: ${errorMessage(err)}`);
    }
  },
  'portForward/stop': async ({ daemon }, p) => {
    const stopped = await forwardsOf(daemon).stop(p.id);
    if (!stopped) throw notFound(`no port-forward '${p.id}'`);
    return OK;
  },
  'plugin/list': ({ daemon }) => ({ plugins: daemon.plugins.list() }),
  'plugin/grant': async ({ daemon }, p) => {
    if (!daemon.plugins.has(p.key)) throw notFound(`no plugin '${p.key}'`);
    const bad = (p.permissions ?? []).filter((x) => !isPermission(x));
    if (bad.length > 0) throw invalidParams(`unknown permission${bad.length === 1 ? '' : 's'} ${bad.map((x) => `'${x}'`).join(', ')} (known: ${PERMISSIONS.join(', ')})`);
    return daemon.plugins.grant(p.key, p.permissions);
  },
  'audit/list': async ({ daemon }, p) => ({ entries: await daemon.plugins.audit(p.limit ?? 50, p.plugin) }),
  'plugin/reload': async ({ daemon }, p) => {
    if (!daemon.plugins.has(p.key)) throw notFound(`no plugin '${p.key}'`);
    const r = await daemon.plugins.reload(p.key);
    if (!r.ok) throw invalidState(`plugin '${p.key}' was not reloaded: ${r.error ?? 'unknown error'}`);
    return OK;
  },
  'config/reload': ({ daemon }, p) => daemon.reloadConfig({ reset: p.reset === true }),
};

/** rpc/discover's answer never changes while the daemon runs: built once (a JSON schema per method). */
let discovered: ReturnType<typeof describeApi> | undefined;

export const HANDLERS: Readonly<Record<string, (call: Call, params: unknown) => unknown>> = table as unknown as Record<
  string,
  (call: Call, params: unknown) => unknown
>;
