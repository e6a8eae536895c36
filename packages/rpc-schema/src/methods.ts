import { z } from 'zod';
import { NotificationType, ParameterStructures, RequestType } from 'vscode-jsonrpc';
import { MAX_EDIT_CHARS, MAX_PASTE_CHARS } from './api-level.js';
import { PaneCommandSchema } from './pane-command.js';
import { PaneViewSchema } from './pane-view.js';
import { DirectionSchema, SplitDirectionSchema } from './layout.js';
import { SessionLayoutSchema } from './session-layout.js';
import { ViewSpecSchema } from './view-spec.js';

export interface RequestDecl<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType, N extends string = string> {
  kind: 'request';
  name: N;
  since: number;
  description: string;
  params: P;
  result: R;
}
export interface NotificationDecl<P extends z.ZodType = z.ZodType, N extends string = string> {
  kind: 'notification';
  name: N;
  since: number;
  description: string;
  params: P;
}

const req = <N extends string, P extends z.ZodType, R extends z.ZodType>(
  name: N,
  description: string,
  params: P,
  result: R,
  since = 1,
): RequestDecl<P, R, N> => ({ kind: 'request', name, since, description, params, result });
const note = <N extends string, P extends z.ZodType>(name: N, description: string, params: P, since = 1): NotificationDecl<P, N> => ({
  kind: 'notification',
  name,
  since,
  description,
  params,
});

/** One plugin write asked for, as the audit log keeps it (the daemon's log lines are parsed with this). */
export const AuditEntrySchema = z.object({
  time: z.string(),
  plugin: z.string(),
  sha256: z.string().nullable(),
  client: z.string().nullable(),
  verb: z.string(),
  kind: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  uid: z.string().nullable(),
  /** What was asked: the patch as JSON, or `replicas: 2 → 5`. */
  change: z.string().nullable(),
  /** applied; declined (the user said no); refused (not allowed, read-only, no client…); failed (the API server refused). */
  result: z.enum(['applied', 'declined', 'refused', 'failed']),
  error: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });
const Size = z.object({ cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }).strict();
/** A session's name, on the socket and in the state file. */
export const SessionNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1 to 64)');
const SessionName = SessionNameSchema;
const Id = z.number().int().min(1);
/** Scripts that have not attached may name a session; attached clients default to theirs. */
const SessionRef = { session: SessionName.optional() };

const ResourceActionSchema = z.enum([
  'yaml', 'describe', 'detail', 'decode', 'logs', 'exec', 'port-forward', 'delete', 'scale', 'restart', 'debug', 'command', 'cordon', 'uncordon', 'drain', 'trigger', 'suspend', 'resume', 'kill', 'set-image',
]);

/** A port's name as Kubernetes allows it (IANA_SVC_NAME): 1–15 lowercase letters, digits and single inner dashes, a letter among them. */
export const PORT_NAME = /^(?=.{1,15}$)(?=[^a-z]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A remote port: its number, or its name (PORT_NAME). */
const RemotePort = z.union([z.number().int().min(1).max(65535), z.string().regex(PORT_NAME, { error: 'a port name is 1–15 lowercase letters, digits and single dashes, with a letter (like http or metrics)' })], {
  error: 'must be a port number from 1 to 65535 or a port name (1–15 lowercase letters, digits and single dashes, with a letter)',
});

/**
 * A kubeconfig context's name as a request names it: kubeconfigs set no limit, real ones stay far
 * below this; an error that names an unknown context repeats it (a 4 MB one came back whole).
 */
const ContextName = z.string().max(1024);

/** One port-forward as `portForward/list` and the port-forwards pane show it. */
const PortForwardInfo = z.object({
  id: z.string(),
  context: z.string(),
  namespace: z.string(),
  kind: z.enum(['pod', 'service', 'deployment', 'statefulset', 'replicaset', 'daemonset']),
  name: z.string(),
  target: z.string(),
  pod: z.string().nullable(),
  remotePort: z.number().int(),
  podPort: z.number().int().nullable(),
  localAddress: z.literal('127.0.0.1'),
  /** Where it listens: 127.0.0.1 and ::1 (as kubectl's `localhost`), or one of them when the other is not there or taken. */
  localAddresses: z.array(z.string()).optional(),
  localPort: z.number().int(),
  startedAt: z.string(),
  connections: z.number().int(),
  totalConnections: z.number().int(),
  bytesIn: z.number().int(),
  bytesOut: z.number().int(),
  state: z.enum(['active', 'pod gone', 'pod not running', 'no ready pod', 'listener failed', 'stopped', 'waiting for the cluster']),
  error: z.string().nullable(),
  errorAt: z.string().nullable(),
});

export const Requests = {
  hello: req(
    'daemon/hello',
    "Handshake; must be the first call on a connection. The client says the newest API level it speaks (`apiLevel`) and the oldest (`minApiLevel`, default: the same); the daemon answers with the level the connection will speak (the newest both know) and the range it speaks itself, or refuses with error -32001, whose message names both versions and what to do and whose `data` holds the daemon's `server`, `apiLevel` and `minApiLevel`.",
    z.object({
      client: z.object({ name: z.string().min(1).max(64), version: z.string().max(64) }),
      apiLevel: z.number().int(),
      minApiLevel: z.number().int().optional(),
    }),
    z.object({
      server: z.object({ name: z.string(), version: z.string(), pid: z.number().int() }),
      apiLevel: z.number().int(),
      minApiLevel: z.number().int().optional(),
      maxApiLevel: z.number().int().optional(),
    }),
  ),
  status: req(
    'daemon/status',
    'Uptime, sessions, clients, panes, plugins, watches, port-forwards and memory. collect: run a full garbage collection first, so memory is what is retained (only when the daemon runs under node --expose-gc; refused otherwise).',
    z.object({ collect: z.boolean().optional() }).strict(),
    z.object({
      pid: z.number().int(),
      version: z.string(),
      uptimeSeconds: z.number(),
      socket: z.string(),
      sessions: z.number().int(),
      clients: z.number().int(),
      panes: z.number().int(),
      plugins: z.number().int(),
      watches: z.number().int(),
      portForwards: z.number().int(),
      /** Open API streams and local sockets: log streams, exec sessions, port-forward listeners and connections. */
      streams: z.object({
        logs: z.number().int(),
        exec: z.number().int(),
        portForwardListeners: z.number().int(),
        portForwardConnections: z.number().int(),
      }),
      memory: z.object({ rss: z.number(), heapUsed: z.number(), heapTotal: z.number(), external: z.number(), arrayBuffers: z.number() }),
      /** Writes by plugins and dangerous [[commands]] are refused (--readonly, or readonly = true in the config). Absent from older daemons. */
      readonly: z.boolean().optional(),
      /**
       * How the daemon was started, so that `kubetile daemon restart` starts the next one the same way:
       * the demo cluster (true, or auto: when there is no kubeconfig), the --readonly flag, its config
       * file and state directory. Absent from older daemons.
       */
      startedWith: z.object({ demo: z.union([z.boolean(), z.literal('auto')]), readonlyFlag: z.boolean(), config: z.string(), stateDir: z.string() }).optional(),
    }),
  ),
  shutdown: req(
    'daemon/shutdown',
    'Stops the daemon; clients get daemon/exit first. restart: another daemon takes over at once (kubetile daemon restart), so attached clients reconnect instead of leaving.',
    z.object({ restart: z.boolean().optional() }).strict(),
    Ok,
  ),
  discover: req(
    'rpc/discover',
    'Every method and notification with its params/result JSON schema.',
    Empty,
    z.object({
      apiLevel: z.number().int(),
      methods: z.array(
        z.object({
          name: z.string(),
          kind: z.enum(['request', 'notification']),
          since: z.number().int(),
          description: z.string(),
          params: z.unknown(),
          result: z.unknown().optional(),
        }),
      ),
    }),
  ),
  echo: req(
    'rpc/echo',
    'Returns its value unchanged: a liveness probe and the latency floor for benchmarks.',
    z.object({ value: z.unknown() }).strict(),
    z.object({ value: z.unknown() }),
  ),
  sessionList: req(
    'session/list',
    'Sessions with their tab, pane and client counts.',
    Empty,
    z.object({ sessions: z.array(z.object({ name: z.string(), tabs: z.number().int(), panes: z.number().int(), clients: z.number().int() })) }),
  ),
  attach: req(
    'session/attach',
    'Attach this connection to a session (created when missing) as a client with its own focus and mode.',
    z
      .object({
        ...SessionRef,
        size: Size,
        /**
         * The client keeps each pane's last view and takes a table view whose rows did not change as
         * `rowsOf` (see TableView): kubetile's own clients ask for it; a script that does not is sent
         * whole views, as before.
         */
        sameRows: z.boolean().optional(),
      })
      .strict(),
    z.object({ clientId: z.string(), layout: SessionLayoutSchema }),
  ),
  detach: req('session/detach', 'Detach from the session; its tabs and panes live on.', Empty, Ok),
  sessionKill: req(
    'session/kill',
    "End a session (tmux's kill-session): its tabs and panes close, it is no longer saved, and the terminals attached to it are sent session/ended and leave.",
    z.object({ session: SessionName }).strict(),
    Ok,
  ),
  tabNew: req(
    'tab/new',
    'Open a tab (with an empty pane unless a view is given) and select it.',
    z.object({ ...SessionRef, view: ViewSpecSchema.strict().optional() }).strict(),
    z.object({ tabId: Id, paneId: Id }),
  ),
  tabClose: req('tab/close', 'Close a tab and its panes.', z.object({ ...SessionRef, tabId: Id }).strict(), Ok),
  tabSelect: req('tab/select', "Make a tab this client's active tab.", z.object({ tabId: Id }).strict(), Ok),
  paneOpen: req(
    'pane/open',
    'Open a pane from a ViewSpec: split an existing pane, open a new tab, or split the focused pane.',
    z.object({
      ...SessionRef,
      view: ViewSpecSchema.strict(),
      split: z.object({ paneId: Id, direction: SplitDirectionSchema, ratio: z.number().min(0.1).max(0.9).optional() }).strict().optional(),
      newTab: z.boolean().optional(),
    }).strict(),
    z.object({ paneId: Id, tabId: Id }),
  ),
  paneClose: req('pane/close', 'Close a pane; its sibling takes its place.', z.object({ paneId: Id }).strict(), Ok),
  paneFocus: req('pane/focus', 'Focus a pane for this client (selecting its tab).', z.object({ paneId: Id }).strict(), Ok),
  paneList: req(
    'pane/list',
    'Every pane of every session.',
    z.object({ ...SessionRef }).strict(),
    z.object({
      panes: z.array(z.object({ paneId: Id, tabId: Id, session: z.string(), key: z.string(), title: z.string(), args: z.record(z.string(), z.unknown()) })),
    }),
  ),
  paneTypes: req(
    'pane/types',
    "The pane types this daemon can open by key (built-in and plugins'): `switchable` need no target (what `kubetile open NAME` and the `:` switcher offer); the rest need args (logs, exec, resource-yaml…). A name that is not a pane type opens as a resource list of that kind.",
    Empty,
    z.object({ types: z.array(z.object({ key: z.string(), switchable: z.boolean() })) }),
  ),
  paneCommand: req('pane/command', 'Send a PaneCommand to a pane.', z.object({ paneId: Id, command: PaneCommandSchema }).strict(), Ok),
  paneSnapshot: req(
    'pane/snapshot',
    'What a pane shows for a viewport (default 80x24): the same PaneView clients receive.',
    z.object({ paneId: Id, rows: z.number().int().min(1).max(10000).optional(), cols: z.number().int().min(1).max(1000).optional() }).strict(),
    z.object({ paneId: Id, view: PaneViewSchema }),
  ),
  key: req(
    'client/key',
    "A key pressed in this client's terminal, e.g. \"j\", \"ctrl+p\", \"alt+v\"; mapped with this client's mode. `seen`: the `seq` of the last session/layout the terminal had when the key was typed (clients that get numbered layouts send it): a key typed before a dialog was shown never answers it (y, enter) — it is dropped. Scripts leave it out.",
    z.object({ key: z.string().min(1).max(32), seen: z.number().int().min(0).optional() }).strict(),
    z.object({ handled: z.boolean(), command: z.string().optional() }),
  ),
  paste: req(
    'client/paste',
    "Text pasted into this client's terminal (a bracketed paste), as one piece: it goes where typed text goes in this client's mode (the filter, a dialog's input, a selector's search, a shell or the query editor in insert mode); in normal mode and in a confirmation it is refused with a toast, never run as keys.",
    z.object({ text: z.string().min(1).max(MAX_PASTE_CHARS) }).strict(),
    z.object({ handled: z.boolean(), command: z.string().optional() }),
  ),
  editorDone: req(
    'editor/done',
    "The text of an `editor/open` after this client's editor closed: the daemon checks it and writes the object (or opens the editor again with what was wrong, or cancels). `text` null: no editor could run; `error` says why. Only the client the edit was opened on may answer it, once.",
    z
      .object({
        editId: z.string().min(1).max(64),
        text: z.string().max(MAX_EDIT_CHARS).nullable(),
        error: z.string().max(1000).optional(),
      })
      .strict(),
    Ok,
  ),
  resize: req('client/resize', "This client's terminal size.", Size, Ok),
  focusDirection: req(
    'client/focus',
    'Move focus to the neighbouring pane in a direction.',
    z.object({ direction: DirectionSchema }).strict(),
    z.object({ paneId: Id }),
  ),
  kubeContexts: req(
    'kube/contexts',
    'Contexts from the kubeconfig, with the current one.',
    Empty,
    z.object({ current: z.string().nullable(), contexts: z.array(z.object({ name: z.string(), cluster: z.string(), namespace: z.string().optional() })) }),
  ),
  kubeNamespaces: req(
    'kube/namespaces',
    'Namespaces of a context (default: the current one).',
    z.object({ context: ContextName.optional() }).strict(),
    z.object({ namespaces: z.array(z.string()) }),
  ),
  kubeUse: req(
    'kube/use',
    "Set a tab's context and/or namespace: a namespace name (one that does not exist yet is taken, as kubectl -n takes it) or '*' for all namespaces; anything else is refused with invalid params.",
    z.object({ ...SessionRef, tabId: Id, context: ContextName.optional(), namespace: z.string().max(253).optional() }).strict(),
    Ok,
  ),
  resourceAction: req(
    'resource/action',
    "Act on a resource of a resource-list pane: the one named by `target` (of the pane's kind; `uid` pins the exact object), else the pane's selection at the time of the call (pinned by its uid). `scale` takes `args.replicas`; `set-image` (`kubectl set image`: a Pod, or a Deployment's, StatefulSet's, DaemonSet's, ReplicaSet's or CronJob's pod template) takes `args.container` and `args.image`, and `args.expectImage` to refuse it when the container's image is no longer that one; `drain` (a Node) cordons it and evicts its pods through the eviction API, asking a disruption budget's refusal again and waiting for the evicted pods to be gone for `args.timeoutSeconds` (0–3600, default 60), and answers what it evicted, skipped (DaemonSet and static pods) and left (pods no controller would re-create, emptyDir data); it is an error when a pod that had to go did not, or was still terminating when the time ran out.",
    z.object({
      paneId: Id,
      action: ResourceActionSchema,
      args: z.record(z.string(), z.unknown()).optional(),
      target: z
        .object({
          namespace: z.string().min(1).max(253).optional(),
          name: z.string().min(1).max(253),
          uid: z.string().min(1).max(128).optional(),
        })
        .strict()
        .optional(),
    }).strict(),
    z.object({ ok: z.literal(true), paneId: Id.optional(), message: z.string().optional() }),
  ),
  portForwardList: req(
    'portForward/list',
    "The daemon's port-forwards, oldest first: what the port-forwards pane shows. `pod` is where new connections go now; `bytesIn` came from the pod, `bytesOut` went to it; `state` is active, pod gone, pod not running, no ready pod, listener failed, or waiting for the cluster (a saved forward restored after a restart while the API server did not answer: it holds its local port, resets connections to it, and starts once the cluster answers; `portForward/stop` drops it); `error` the last thing that went wrong (an error-channel message, a refused stream, why the cluster did not answer).",
    Empty,
    z.object({ forwards: z.array(PortForwardInfo) }),
  ),
  portForwardStart: req(
    'portForward/start',
    "Forward a local port (on 127.0.0.1 and ::1, as kubectl's localhost: the same port on both; one of them alone when the machine has no IPv6 or another program holds the port there, said in `error`; `localAddresses` says where) to a pod, a Service (its `port`, mapped to the pods' `targetPort`) or a workload: a Deployment, StatefulSet, ReplicaSet or DaemonSet (a ready pod behind it); exactly one of `pod`, `service`, `deployment`, `statefulset`, `replicaset`, `daemonset`. Owned by the daemon: it keeps running when clients detach, and new connections follow a replaced pod to a running pod of the same owner or Service; a StatefulSet's pod is not replaced by a sibling: its forward waits until the StatefulSet runs that pod again (its `state` and `error` in portForward/list say so). `remotePort` defaults to the suggested port; it may be a port's name, as kubectl takes it: a Service's port by its name, a pod's (or a workload's pod template's) container port by its name; `localPort` 0 (default) takes any free port; `sameLocalPort` listens on the remote port's number instead (a port's name resolved first: kubectl's bare `PORT`); a port in use is an error. `context` defaults to the current context.",
    z
      .object({
        context: z.string().min(1).max(253).optional(),
        namespace: z.string().min(1).max(63),
        pod: z.string().min(1).max(253).optional(),
        service: z.string().min(1).max(253).optional(),
        deployment: z.string().min(1).max(253).optional(),
        statefulset: z.string().min(1).max(253).optional(),
        replicaset: z.string().min(1).max(253).optional(),
        daemonset: z.string().min(1).max(253).optional(),
        remotePort: RemotePort.optional(),
        localPort: z.number().int().min(0).max(65535).optional(),
        sameLocalPort: z.boolean().optional(),
      })
      .strict()
      .superRefine((p, ctx) => {
        if (p.sameLocalPort === true && p.localPort !== undefined) ctx.addIssue({ code: 'custom', path: ['sameLocalPort'], message: 'sameLocalPort listens on the remote port\'s number: not with localPort' });
        const targets = ['pod', 'service', 'deployment', 'statefulset', 'replicaset', 'daemonset'] as const;
        const named = targets.filter((k) => p[k] !== undefined);
        if (named.length !== 1) {
          ctx.addIssue({
            code: 'custom',
            path: named.length === 0 ? ['pod'] : [named[1]!],
            message: named.length === 0 ? `name exactly one target: ${targets.slice(0, -1).join(', ')} or ${targets[targets.length - 1]}` : `name exactly one target, not ${named.join(' and ')}`,
          });
        }
      }),
    z.object({ id: z.string(), localPort: z.number().int(), localAddresses: z.array(z.string()).optional(), pod: z.string(), podPort: z.number().int(), message: z.string() }),
  ),
  portForwardStop: req('portForward/stop', 'Stop a port-forward: its listener and every connection through it.', z.object({ id: z.string().min(1).max(64) }).strict(), Ok),
  pluginList: req(
    'plugin/list',
    'Plugins with path, sha256, permissions, status, instances and call stats.',
    Empty,
    z.object({
      plugins: z.array(
        z.object({
          key: z.string(),
          path: z.string(),
          sha256: z.string().nullable(),
          permissions: z.array(z.string()),
          /** What the module asks for: its kubetile.manifest's permissions, else its entry's. */
          requested: z.array(z.string()),
          /** Consented to: the entry's permissions and grant, and recorded grants (dialog, plugin/grant). */
          granted: z.array(z.string()),
          /** Asked for and not consented to. */
          pendingConsent: z.array(z.string()),
          consent: z.enum(['granted', 'pending', 'refused']),
          status: z.string(),
          error: z.string().nullable(),
          instances: z.number().int(),
          calls: z.number().int(),
          errors: z.number().int(),
          p50Ms: z.number().nullable(),
          p99Ms: z.number().nullable(),
        }),
      ),
    }),
  ),
  pluginGrant: req(
    'plugin/grant',
    "Consent to a plugin's permissions without a dialog (headless): recorded against its current or waiting build under $XDG_STATE_HOME/kubetile; a build that waited for it runs. Without `permissions`, everything the plugin asks for.",
    z.object({ key: z.string().min(1).max(64), permissions: z.array(z.string().min(1).max(64)).max(64).optional() }).strict(),
    z.object({ granted: z.array(z.string()), sha256: z.string().nullable(), status: z.string() }),
  ),
  auditList: req(
    'audit/list',
    "Plugin writes (k8s_write) from the audit log, newest first: time, plugin key and module sha256, client, verb, object, the change, result (applied, declined, refused, failed). The log is $XDG_STATE_HOME/kubetile/audit.jsonl (rotated at 1 MiB, one older file kept).",
    z.object({ limit: z.number().int().min(1).max(1000).optional(), plugin: z.string().min(1).max(64).optional() }).strict(),
    z.object({
      entries: z.array(AuditEntrySchema),
    }),
  ),
  pluginReload: req('plugin/reload', 'Reload a plugin from its file.', z.object({ key: z.string().min(1).max(64) }).strict(), Ok),
  configReload: req(
    'config/reload',
    'Re-read the config file; errors are reported and the last good config stays (also when the file is empty or missing, unless `reset` asks for the built-in defaults then).',
    z.object({ reset: z.boolean().optional() }).strict(),
    z.object({ ok: z.boolean(), errors: z.array(z.string()) }),
  ),
} as const;

export const Notifications = {
  layout: note('session/layout', "This client's layout: tabs, pane trees, focus, mode, overlay, status.", SessionLayoutSchema),
  paneView: note(
    'pane/view',
    "A pane's view cut to this client's rectangle; seq grows per pane.",
    z.object({ paneId: Id, seq: z.number().int(), view: PaneViewSchema }),
  ),
  toast: note('toast', 'A transient message.', z.object({ level: z.enum(['info', 'success', 'warn', 'error']), text: z.string() })),
  pluginStatus: note(
    'plugin/status',
    "A plugin's status changed.",
    z.object({ key: z.string(), status: z.string(), error: z.string().optional() }),
  ),
  editorOpen: note(
    'editor/open',
    "Open `text` (an object's YAML) in this client's editor ($KUBE_EDITOR, $VISUAL, $EDITOR, else vi) as a file named like `file`, then answer with editor/done and the same editId.",
    z.object({ editId: z.string(), file: z.string(), text: z.string() }),
  ),
  clipboard: note('clipboard/write', 'Text for the client to put on the clipboard (OSC 52).', z.object({ text: z.string() })),
  sessionEnded: note(
    'session/ended',
    'The session this client is attached to was ended (session/kill): the client is detached and leaves.',
    z.object({ session: z.string(), reason: z.string() }),
  ),
  exit: note(
    'daemon/exit',
    'The daemon is going away. restarting: another one is about to take its place (reconnect rather than leave).',
    z.object({ reason: z.string(), restarting: z.boolean().optional() }),
  ),
} as const;

export type RequestName = (typeof Requests)[keyof typeof Requests]['name'];
export type ParamsOf<D extends { params: z.ZodType }> = z.infer<D['params']>;
export type ResultOf<D extends RequestDecl> = z.infer<D['result']>;

export const ALL_REQUESTS: readonly RequestDecl[] = Object.values(Requests);
export const ALL_NOTIFICATIONS: readonly NotificationDecl[] = Object.values(Notifications);
export const REQUESTS_BY_NAME: ReadonlyMap<string, RequestDecl> = new Map(ALL_REQUESTS.map((d) => [d.name, d]));

/** vscode-jsonrpc RequestType for a declaration (params sent by name). */
export function requestType<D extends RequestDecl>(d: D): RequestType<z.infer<D['params']>, z.infer<D['result']>, void> {
  return new RequestType(d.name, ParameterStructures.byName);
}
export function notificationType<D extends NotificationDecl>(d: D): NotificationType<z.infer<D['params']>> {
  return new NotificationType(d.name, ParameterStructures.byName);
}
