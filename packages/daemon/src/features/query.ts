import { join } from 'node:path';
import { homedir } from 'node:os';
import { KubeApiError } from '../kube/api-error.js';
import { openPortForward } from '../kube/portforward/pf-stream.js';
import { describeObject, type ObjectRef } from '../kube/object-ref.js';
import { getObject } from '../kube/resource-ops.js';
import type { KubeObject } from '../kube/types.js';
import { QueryPane } from '../panes/query/query-pane.js';
import type { QueryServices } from '../panes/query/query-services.js';
import { routeClipboard } from '../plugins/clipboard-route.js';
import type { DbTarget, QueryBackend } from '../query/backend.js';
import { discoverCredentials, type RefReader } from '../query/credentials.js';
import { FallbackBackend } from '../query/fallback-backend.js';
import { HistoryStore } from '../query/history-store.js';
import { PsqlSession } from '../query/psql-session.js';
import { SavedQueries } from '../query/saved-queries.js';
import { clientPrompts } from '../session/client-prompts.js';
import { readOnlyRefusal } from '../session/read-only.js';
import type { InteractionHandler, InteractionRequest } from '../session/resource-actions.js';
import { invalidState } from '../util/errors.js';
import type { FeatureHost } from './feature-host.js';
import { LazyBackend } from './lazy-backend.js';
import { describedKind, isCorePod } from '../kube/builtin-target.js';

/** `$XDG_DATA_HOME/kubetile` (default `~/.local/share/kubetile`): saved queries. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(env.HOME ?? homedir(), '.local', 'share');
  return join(base, 'kubetile');
}

/** Bytes of one Secret or ConfigMap value the discovery reads at most. */
const MAX_REF_VALUE = 64 * 1024;

function refReader(host: FeatureHost, context: string, namespace: string): RefReader {
  const kc = (): ReturnType<typeof host.kube.configFor> => host.kube.configFor(context);
  const read = async (plural: 'secrets' | 'configmaps', kind: 'Secret' | 'ConfigMap', name: string): Promise<KubeObject | null> => {
    const ref: ObjectRef = { group: '', version: 'v1', plural, kind, namespaced: true, kindId: plural, name, namespace, context };
    try {
      return await getObject(kc(), ref);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return null;
      throw err;
    }
  };
  const strings = (v: unknown, decode: boolean): Record<string, string> => {
    const out: Record<string, string> = {};
    if (typeof v !== 'object' || v === null) return out;
    for (const [k, raw] of Object.entries(v as Record<string, unknown>).slice(0, 1000)) {
      if (typeof raw !== 'string' || raw.length > MAX_REF_VALUE * 2) continue;
      out[k] = decode ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    }
    return out;
  };
  return {
    configMap: async (name) => {
      const o = await read('configmaps', 'ConfigMap', name);
      return o ? strings(o['data'], false) : null;
    },
    secret: async (name) => {
      const o = await read('secrets', 'Secret', name);
      return o ? { ...strings(o['stringData'], false), ...strings(o['data'], true) } : null;
    },
  };
}

/**
 * The query pane (`shift+q` on a pod; `pane/open {view:{key:'query', args:{namespace, pod}}}`):
 * PostgreSQL through the pg driver over a daemon-internal port-forward stream, or `psql --csv`
 * over exec where the API server forbids port-forwarding. History under
 * `$XDG_STATE_HOME/kubetile/query-history/`, saved queries in `$XDG_DATA_HOME/kubetile/saved-queries.json`.
 */
export function installQuery(host: FeatureHost): void {
  const warn = (msg: string): void => host.logger.warn({}, msg);
  const history = new HistoryStore(join(host.stateDir, 'query-history'), warn);
  const saved = new SavedQueries(join(dataDir(), 'saved-queries.json'), warn);
  const panes = new Map<number, QueryPane>();
  const ws = host.workspace;

  const clientsOn = (paneId: number, mode: 'insert' | 'normal'): Array<Parameters<typeof ws.refreshClient>[0]> => {
    const out: Array<Parameters<typeof ws.refreshClient>[0]> = [];
    for (const c of ws.clients.values()) {
      try {
        if (c.state.mode === mode && ws.focusedPane(c.state) === paneId) out.push(c.state);
      } catch {
        // a client without a tab focuses nothing
      }
    }
    return out;
  };

  const services: QueryServices = {
    discover: async ({ context, namespace, pod, container }) => {
      const obj = await getObject(host.kube.configFor(context), { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, kindId: 'pods', name: pod, namespace, context });
      return discoverCredentials(obj, refReader(host, context, namespace), container);
    },
    backend: (t: DbTarget): QueryBackend => {
      const kc = host.kube.configFor(t.context);
      const pg = new LazyBackend('pg', async () => {
        const { PgSession } = await import('../query/pg-session.js');
        return new PgSession(t, (signal) => openPortForward(kc, { namespace: t.namespace, pod: t.pod, port: t.port }, { signal }), () => host.readonly(), () => host.config().query.connect_timeout_seconds * 1000);
      });
      // Read-only mode turns exec off; the fallback is one (psql's meta-commands run shell commands in the pod).
      const psqlRefusal = (): string | null => (host.readonly() ? readOnlyRefusal('the query pane without a port-forward (the API server forbids it here; its fallback, psql over exec, can run shell commands in the pod)') : null);
      return new FallbackBackend(pg, () => new PsqlSession(t, kc, host.streams, psqlRefusal));
    },
    history,
    saved,
    clipboard: (paneId, text) => routeClipboard(ws, paneId, text),
    setInsert: (paneId, on) => {
      for (const c of clientsOn(paneId, on ? 'normal' : 'insert')) {
        c.mode = on ? 'insert' : 'normal';
        ws.refreshClient(c);
      }
    },
    promptsFor: (paneId) => {
      const c = clientsOn(paneId, 'insert')[0] ?? clientsOn(paneId, 'normal')[0];
      return c ? clientPrompts(ws, c) : null;
    },
  };

  host.registry.register(
    'query',
    (ctx) => {
      const pane = new QueryPane(ctx, services);
      panes.set(ctx.paneId, pane);
      const dispose = pane.dispose.bind(pane);
      pane.dispose = () => {
        panes.delete(ctx.paneId);
        services.setInsert(ctx.paneId, false);
        dispose();
      };
      return pane;
    },
    { needsTarget: true },
  );

  // `resource/action {action:'query'}` and the `open_query` key: registered under its own name.
  (host.actions.register as (name: string, handler: InteractionHandler) => void)('query', (req) => openQuery(host, req));

  host.onStop(() => {
    for (const p of panes.values()) p.shutdown();
  });
}

/** `shift+q` on a pod: a query pane below the list, focused and in insert mode (the connection dialog). */
export async function openQuery(host: FeatureHost, req: InteractionRequest): Promise<{ paneId?: number; message: string }> {
  const t = req.target;
  if (!isCorePod(t) || t.namespace === null) throw invalidState(`Query is only available for Pods; ${describedKind(t)} is not one`);
  const ws = host.workspace;
  const view = { key: 'query', args: { context: t.context, namespace: t.namespace, pod: t.name, ...(typeof req.args.container === 'string' ? { container: req.args.container } : {}) } };
  let opened: { paneId: number };
  try {
    const session = ws.locate(req.paneId).session.name;
    opened = ws.openPane(session, view, { split: { paneId: req.paneId, direction: 'horizontal', ratio: 0.3 } }, req.client);
  } catch {
    if (!req.client || !ws.clients.has(req.client.id)) throw invalidState(`pane ${req.paneId} is gone; the query pane for ${t.namespace}/${t.name} was not opened`);
    opened = { paneId: ws.splitFocused(req.client, 'horizontal', view) };
  }
  if (req.client && ws.clients.has(req.client.id) && ws.focusedPane(req.client) === opened.paneId) {
    req.client.mode = 'insert';
    ws.refreshClient(req.client);
  }
  return { paneId: opened.paneId, message: `query ${t.namespace}/${t.name}` };
}
