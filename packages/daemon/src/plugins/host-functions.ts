import { z } from 'zod';
import { tooDeepAt } from '@kubetile/rpc-schema';
import type { HostResponse } from '@kubetile/rpc-schema/plugin-abi';
import type { KubeScope } from '../kube/types.js';
import { errorMessage } from '../util/errors.js';
import { isHostFunctionName, RENDER_HARD_MAX_BYTES, REQUEST_MAX_BYTES, RESPONSE_MAX_BYTES, mib, type HostFunctionName } from './abi.js';
import type { PluginKubeAccess, PluginKubeScope } from './kube-access.js';
import { allows, neededPermission } from './permissions.js';
import { boundLines, RenderPayloadSchema } from './render-payload.js';
import { parseRenderV2, type RichRender } from './render-v2.js';
import { WriteRequestSchema, type WriteRequest } from './write-request.js';

/** What the host functions of one instance may touch: its pane, and the call in progress. */
export interface HostBridge {
  readonly paneId: number;
  /** The pane's tab scope, read at call time (the tab's namespace may change). */
  scope(): KubeScope;
  /** A render for the pane: v1 lines, or (ABI v2) `rich` with `lines` unused. */
  render(lines: string[], rich?: RichRender): void;
  clipboard(text: string): void;
  /** The plugin's ABI (2: it exports plugin_abi_v2); host_send_render takes that ABI's renders. */
  readonly abi?: 1 | 2;
  readonly kube: PluginKubeAccess;
  /** Milliseconds left before async host work must answer (the call's deadline minus a margin). */
  timeLeft(): number;
  /** Aborted when the call in progress ends. */
  signal(): AbortSignal;
  /** The plugin broke a limit in this call: the call ends as a crash. */
  violation(reason: string): void;
  /** The permissions the instance runs with (each k8s_list / k8s_write call is checked against them). */
  readonly permissions: readonly string[];
  /** Runs a write (k8s_write): confirmation, read-only mode and audit are the writer's. */
  write(req: WriteRequest, signal: AbortSignal): Promise<unknown>;
  /** A k8s_write that could not be read (over its limit, not JSON, invalid): audited as refused. */
  writeUnreadable?(reason: string): void;
  /** Stops the call's clock while `work` runs (a human answering a dialog is not the plugin being slow). */
  hold<T>(work: Promise<T>): Promise<T>;
}

/** The answer envelope, declared in the contract (HostResponseSchema). */
type Envelope = HostResponse;

class HostError extends Error {}

const decoder = new TextDecoder();

const NamespaceField = z.string().max(253).optional();
/** What a tab's namespace (KubeScope.namespace) is when it shows all namespaces. */
const TAB_ALL_NAMESPACES = '*';
/**
 * Nesting a request may have (objects and arrays inside each other; a v2 table render is about 6
 * deep, a patch of a Kubernetes object some 20). Deeper JSON parses, but breaks the JSON.stringify
 * that meets it later (a stack overflow), so it is refused first, naming where.
 */
export const REQUEST_MAX_DEPTH = 64;
/** k8s_logs reads at most this many lines (default 100) and this many bytes of a log. */
export const LOGS_MAX_LINES = 5000;
export const LOGS_MAX_BYTES = 1024 * 1024;
const Requests = {
  host_send_render: RenderPayloadSchema,
  list_pods: z.object({ namespace: NamespaceField }),
  // A secret's name is a DNS subdomain: never '.', '..' or a path (a URL's dot segments would read another object).
  get_secret: z.object({ namespace: NamespaceField, name: z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a secret name').optional() }),
  clipboard_write: z.object({ text: z.string() }),
  k8s_list: z.object({ kind: z.string().min(1).max(253), namespace: NamespaceField }).strict(),
  k8s_logs: z
    .object({
      pod: z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a pod name'),
      namespace: z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name').optional(),
      container: z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a container name').optional(),
      tail_lines: z.number().int().min(1).max(LOGS_MAX_LINES).optional(),
      previous: z.boolean().optional(),
    })
    .strict(),
  k8s_write: WriteRequestSchema,
} satisfies Record<HostFunctionName, z.ZodType>;
/** Each host function's request schema (for the API-surface snapshot). */
export { Requests as HOST_FUNCTION_REQUESTS };

/** Reads and validates a request; throws HostError with a message for the plugin. */
function readRequest<F extends HostFunctionName>(fn: F, block: Uint8Array | null, bridge: HostBridge, oversize?: number): z.infer<(typeof Requests)[F]> {
  const limit = fn === 'host_send_render' ? RENDER_HARD_MAX_BYTES : REQUEST_MAX_BYTES;
  if (oversize !== undefined) throw new HostError(`${fn}: request of ${mib(oversize)} is over the ${mib(limit)} limit`);
  if (!block) throw new HostError(`${fn}: no request (bad offset)`);
  if (block.byteLength > limit) {
    const reason = `${fn}: request of ${mib(block.byteLength)} is over the ${mib(limit)} limit`;
    if (fn === 'host_send_render') bridge.violation(reason);
    throw new HostError(reason);
  }
  let json: unknown;
  try {
    json = block.byteLength === 0 ? {} : JSON.parse(decoder.decode(block));
  } catch {
    throw new HostError(`${fn}: the request is not JSON`);
  }
  const deep = tooDeepAt(json, REQUEST_MAX_DEPTH);
  if (deep !== null) throw new HostError(`${fn}: invalid request at '${deep}': nested deeper than ${REQUEST_MAX_DEPTH} levels`);
  // A v2 plugin's render is checked by its own reader (the handler), with reasons naming the field.
  const parsed = (fn === 'host_send_render' && bridge.abi === 2 ? z.unknown() : Requests[fn]).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HostError(`${fn}: invalid request${issue ? ` at '${issue.path.join('.') || '(root)'}': ${issue.message}` : ''}`);
  }
  return parsed.data as z.infer<(typeof Requests)[F]>;
}

/** Resolves with the value, or rejects when the call's time runs out first. */
async function inTime<T>(bridge: HostBridge, fn: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const left = bridge.timeLeft();
  if (left <= 0) throw new HostError(`${fn}: no time left in this call`);
  const ac = new AbortController();
  const outer = bridge.signal();
  const onAbort = (): void => ac.abort();
  outer.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(ac.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          ac.abort();
          reject(new HostError(`${fn}: the cluster did not answer within ${left} ms`));
        }, left);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}

/**
 * Throws, naming the limit, as soon as `items` as JSON pass RESPONSE_MAX_BYTES: a collection of
 * 40 MiB is not serialized whole (on the daemon's thread, call after call) only to be refused.
 */
function withinAnswerLimit(fn: string, items: readonly unknown[]): void {
  let size = 0;
  for (const item of items) {
    size += Buffer.byteLength(JSON.stringify(item) ?? 'null', 'utf8') + 1;
    if (size > RESPONSE_MAX_BYTES) throw new HostError(`${fn}: the answer is over the ${mib(RESPONSE_MAX_BYTES)} limit (${items.length} objects; ask for less, e.g. one namespace)`);
  }
}

/** The tab's namespace, null when the tab shows all namespaces ('*'). */
function tabNamespace(bridge: HostBridge): string | null {
  const ns = bridge.scope().namespace;
  return ns === TAB_ALL_NAMESPACES ? null : ns;
}

/** `requested` ("" or absent: the tab's; '*': all), as a scope (namespace null: all namespaces). */
function paneScope(bridge: HostBridge, requested: string | undefined): PluginKubeScope {
  const context = bridge.scope().context;
  if (requested === TAB_ALL_NAMESPACES) return { context, namespace: null };
  return { context, namespace: requested ? requested : tabNamespace(bridge) };
}

const NEEDS_ONE = (fn: string, what: string): string => `${fn}: ${what} one namespace: the pane's tab shows all namespaces, so give one in "namespace"`;

/** ABI v1: each value base64-decoded and given as UTF-8 text, invalid sequences as U+FFFD. */
function decodeSecretValue(b64: string): string {
  return decoder.decode(Buffer.from(b64, 'base64'));
}

const HANDLERS: { [F in HostFunctionName]: (bridge: HostBridge, req: z.infer<(typeof Requests)[F]>) => unknown } = {
  host_send_render: (bridge, req) => {
    if (bridge.abi === 2) {
      const r = parseRenderV2(req, 'host_send_render');
      if (!r.ok) throw new HostError(r.reason);
      if (r.render) bridge.render([], r.render);
      return null;
    }
    bridge.render(boundLines(req.lines));
    return null;
  },
  list_pods: (bridge, req) =>
    inTime(bridge, 'list_pods', async (signal) => {
      const scope = paneScope(bridge, req.namespace);
      if (!allows(bridge.permissions, 'list', { plural: 'pods', group: '' }, scope.namespace)) {
        throw new HostError(`list_pods: not permitted: listing pods${scope.namespace ? ` in namespace ${scope.namespace}` : ' in all namespaces'} needs ${neededPermission('list', 'pods', scope.namespace)}`);
      }
      const pods = await bridge.kube.listPods(scope, signal);
      return pods.map((p) => ({
        name: String(p.name),
        namespace: String(p.namespace),
        phase: String(p.phase),
        status: String(p.status),
        ready: String(p.ready),
        restarts: Number(p.restarts) || 0,
        node: String(p.node ?? ''),
        age_seconds: Math.max(0, Math.floor(Number(p.ageSeconds) || 0)),
      }));
    }),
  get_secret: (bridge, req) => {
    const scope = paneScope(bridge, req.namespace);
    if (scope.namespace === null) throw new HostError(req.namespace === TAB_ALL_NAMESPACES ? "get_secret: needs one namespace, not '*'" : NEEDS_ONE('get_secret', 'needs'));
    const ns = { context: scope.context, namespace: scope.namespace };
    if (!allows(bridge.permissions, 'get', { plural: 'secrets', group: '' }, scope.namespace)) {
      throw new HostError(`get_secret: not permitted: reading secrets in namespace ${scope.namespace} needs ${neededPermission('get', 'secrets', scope.namespace)}`);
    }
    const name = req.name;
    if (name === undefined) {
      return inTime(bridge, 'get_secret', async (signal) => ({
        items: (await bridge.kube.listSecrets(ns, signal)).map((s) => ({ name: String(s.name), type: String(s.type), keys: Number(s.keys) || 0 })),
      }));
    }
    return inTime(bridge, 'get_secret', async (signal) => {
      const s = await bridge.kube.getSecret(ns, name, signal);
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.data ?? {})) data[k] = decodeSecretValue(String(v));
      return { name: s.name, namespace: s.namespace, type: s.type, data };
    });
  },
  clipboard_write: (bridge, req) => {
    bridge.clipboard(req.text);
    return null;
  },
  k8s_list: (bridge, req) =>
    inTime(bridge, 'k8s_list', async (signal) => {
      const scope = paneScope(bridge, req.namespace);
      const resource = await bridge.kube.resolveResource(scope.context, req.kind, signal);
      const namespace = resource.namespaced ? scope.namespace : null;
      if (!allows(bridge.permissions, 'list', { plural: req.kind, group: '' }, namespace)) {
        throw new HostError(`k8s_list: not permitted: listing ${req.kind}${namespace ? ` in namespace ${namespace}` : ' in all namespaces'} needs ${neededPermission('list', req.kind, namespace)}`);
      }
      const items = await bridge.kube.listObjects(scope.context, resource, namespace, signal);
      withinAnswerLimit('k8s_list', items);
      return { items };
    }),
  k8s_logs: (bridge, req) =>
    inTime(bridge, 'k8s_logs', async (signal) => {
      const namespace = req.namespace ?? tabNamespace(bridge);
      if (namespace === null) throw new HostError(NEEDS_ONE('k8s_logs', 'reads pod logs in'));
      if (!allows(bridge.permissions, 'logs', { plural: 'pods', group: '' }, namespace)) {
        throw new HostError(`k8s_logs: not permitted: pod logs in namespace ${namespace} need ${neededPermission('logs', 'pods', namespace)}`);
      }
      const text = await bridge.kube.podLogs(
        bridge.scope().context,
        namespace,
        req.pod,
        { ...(req.container ? { container: req.container } : {}), tailLines: req.tail_lines ?? 100, limitBytes: LOGS_MAX_BYTES, previous: req.previous === true },
        signal,
      );
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      return { lines };
    }),
  k8s_write: (bridge, req) => bridge.hold(bridge.write(req, bridge.signal())),
};

/** The envelope as JSON; one over RESPONSE_MAX_BYTES becomes an error saying so. */
function encode(fn: string, envelope: Envelope): string {
  let json: string;
  try {
    json = JSON.stringify(envelope);
  } catch (err) {
    return JSON.stringify(failure(fn, err));
  }
  const size = Buffer.byteLength(json, 'utf8');
  if (size <= RESPONSE_MAX_BYTES) return json;
  return JSON.stringify({ ok: false, error: `${fn}: the answer is ${mib(size)}, over the ${mib(RESPONSE_MAX_BYTES)} limit (ask for less, e.g. one namespace)` });
}

function failure(fn: string, err: unknown): Envelope {
  return { ok: false, error: err instanceof HostError ? err.message : `${fn}: ${errorMessage(err)}` };
}

/**
 * Answers one call of a kubetile host function made by a plugin instance (its worker waits
 * meanwhile): `{"ok":true,"value":…}` or `{"ok":false,"error":…}`, as JSON. Never throws; only
 * functions the instance was granted reach here (its worker imports no others).
 */
export function answerHostCall(fn: string, request: Uint8Array | null, bridge: HostBridge, oversize?: number): string | Promise<string> {
  if (!isHostFunctionName(fn)) return encode(fn, { ok: false, error: `${fn}: no such host function` });
  let req: unknown;
  try {
    req = readRequest(fn, request, bridge, oversize);
  } catch (err) {
    const answer = failure(fn, err);
    // Every write asked for is audited, one that could not even be read too.
    if (fn === 'k8s_write' && err instanceof HostError) bridge.writeUnreadable?.(err.message);
    return encode(fn, answer);
  }
  let result: unknown;
  try {
    result = (HANDLERS[fn] as (bridge: HostBridge, req: unknown) => unknown)(bridge, req);
  } catch (err) {
    return encode(fn, failure(fn, err));
  }
  if (result instanceof Promise) {
    return result.then(
      (value: unknown) => encode(fn, { ok: true, value }),
      (err: unknown) => encode(fn, failure(fn, err)),
    );
  }
  return encode(fn, { ok: true, value: result });
}
