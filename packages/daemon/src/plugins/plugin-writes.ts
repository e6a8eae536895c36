import type { KubeScope } from '../kube/types.js';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import type { AuditEntry, AuditLog } from './audit-log.js';
import type { PluginKubeAccess, PluginObject, PluginResource, PluginWriteOp } from './kube-access.js';
import { allows, neededPermission } from './permissions.js';
import type { WriteConfirmUi } from './write-confirm.js';
import type { WriteRequest } from './write-request.js';
import { escapeUnsafe } from '../util/safe-text.js';

/** How long a write dialog waits for an answer before it counts as declined. */
export const CONFIRM_TIMEOUT_MS = 120_000;
/** Each API step of a write (resolve, read, write) answers within this or fails. */
const API_STEP_MS = 15_000;
/**
 * A plugin whose dialogs were declined (or went unanswered) this many times within
 * WRITE_WINDOW_MS gets its further writes refused at once until the window passes: a plugin
 * asking in a loop cannot keep the user answering. Confirmed writes do not count.
 */
export const WRITE_BURST = 5;
export const WRITE_WINDOW_MS = 30_000;
/** Lines of a patch shown in the dialog. */
const PATCH_LINES = 14;

/** Who asks, for the permission check, the dialog and the audit log. */
export interface WriteCaller {
  plugin: string;
  sha256: string | null;
  permissions: readonly string[];
  /** The attached client whose command this call answers (null: a tick, an event, a script). */
  client: string | null;
  scope: KubeScope;
  /** Aborted when the answer is no longer wanted (the pane closed, the instance ended). */
  signal: AbortSignal;
}

export interface PluginWritesDeps {
  kube: PluginKubeAccess;
  audit: AuditLog;
  confirm: WriteConfirmUi;
  /** `--readonly` or `readonly = true`: every write is refused. */
  readonly(): boolean;
  logger: Logger;
}

export class WriteRefused extends Error {}

// Shown in a dialog on the user's terminal: control characters and bidirectional overrides escaped.
const printable = escapeUnsafe;

function within<T>(ms: number, signal: AbortSignal, what: string, work: (s: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onAbort = (): void => ac.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work(ac.signal),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ac.abort();
        reject(new Error(`${what}: the cluster did not answer within ${ms / 1000} s`));
      }, ms);
    }),
  ]).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  });
}

/**
 * Writes plugins ask for (`k8s_write`): checked against the plugin's permissions and the
 * read-only mode, confirmed by the user on the client that sent the command (one dialog at a
 * time, a few per plugin per window), applied to exactly the object the dialog named (its uid),
 * and appended to the audit log whatever comes of them.
 */
export class PluginWrites {
  /** A write dialog is open (for any plugin): another write is refused meanwhile. */
  private asking = false;
  /** When each plugin's recent dialogs were declined. */
  private readonly declines = new Map<string, number[]>();

  constructor(private readonly deps: PluginWritesDeps) {}

  /** A k8s_write the host could not read (over its size limit, not JSON, invalid): audited as refused, object unknown. */
  async unreadable(caller: Pick<WriteCaller, 'plugin' | 'sha256' | 'client'>, why: string): Promise<void> {
    await this.deps.audit.append({
      plugin: caller.plugin,
      sha256: caller.sha256,
      client: caller.client,
      verb: 'unknown',
      kind: '',
      namespace: null,
      name: '',
      uid: null,
      change: null,
      result: 'refused',
      error: why,
    });
    this.deps.logger.info({ plugin: caller.plugin, why }, 'plugin write not readable');
  }

  /** Runs one write; resolves with what was done, rejects with the reason it was not. */
  async perform(caller: WriteCaller, req: WriteRequest): Promise<{ outcome: 'applied'; uid: string }> {
    const namespace0 = req.namespace ?? caller.scope.namespace;
    const entry: Omit<AuditEntry, 'time' | 'result' | 'error'> = {
      plugin: caller.plugin,
      sha256: caller.sha256,
      client: caller.client,
      verb: req.verb,
      kind: req.kind,
      namespace: namespace0,
      name: req.name,
      uid: req.uid ?? null,
      change: req.verb === 'scale' ? `replicas: ${req.replicas}` : req.verb === 'patch' ? JSON.stringify(req.patch) : null,
    };
    const refuse = async (why: string, result: 'refused' | 'declined' = 'refused'): Promise<never> => {
      await this.deps.audit.append({ ...entry, result, error: why });
      this.deps.logger.info({ plugin: caller.plugin, verb: req.verb, kind: req.kind, name: req.name, result, why }, 'plugin write not done');
      throw new WriteRefused(why);
    };
    if (this.deps.readonly()) return refuse('kubetile runs read-only (--readonly, or readonly = true in the config): writes are refused');
    if (caller.client === null) {
      return refuse('no client to confirm it: a write is confirmed on the client whose command the plugin is answering (not from ticks, events or scripts\' pane/command)');
    }
    if (!this.deps.confirm.attached(caller.client)) return refuse(`the client that sent the command (${caller.client}) is no longer attached to confirm it`);
    const context = caller.scope.context;
    if (context === null) return refuse('the pane has no cluster context');
    let resource: PluginResource;
    try {
      resource = await within(API_STEP_MS, caller.signal, 'resolving the kind', (s) => this.deps.kube.resolveResource(context, req.kind, s));
    } catch (err) {
      return refuse(errorMessage(err));
    }
    const namespace = resource.namespaced ? namespace0 : null;
    entry.namespace = namespace;
    // The pane's tab shows all namespaces ('*'): a namespaced object needs one named.
    if (namespace === '*') return refuse('needs one namespace: the pane\'s tab shows all namespaces, so give one in "namespace"');
    if (!allows(caller.permissions, req.verb, { plural: req.kind, group: '' }, namespace)) {
      return refuse(`not permitted: ${req.verb} on ${req.kind}${namespace ? ` in namespace ${namespace}` : ''} needs the permission ${neededPermission(req.verb, req.kind, namespace)}`);
    }
    if (this.asking) return refuse('another plugin write is waiting for confirmation; ask again once it is answered');
    const now = Date.now();
    const declined = (this.declines.get(caller.plugin) ?? []).filter((t) => now - t < WRITE_WINDOW_MS);
    this.declines.set(caller.plugin, declined);
    if (declined.length >= WRITE_BURST) {
      return refuse(`too many writes declined: ${WRITE_BURST} within ${WRITE_WINDOW_MS / 1000} s, so this plugin's writes are refused for a while`);
    }
    this.asking = true;
    try {
      let current: PluginObject;
      try {
        current = await within(API_STEP_MS, caller.signal, 'reading the object', (s) => this.deps.kube.getObject(context, resource, namespace, req.name, s));
      } catch (err) {
        return await refuse(errorMessage(err));
      }
      const uid = current.metadata.uid;
      entry.uid = uid;
      if (req.uid !== undefined && req.uid !== uid) return await refuse(`${describe(resource, namespace, req.name)} is another object now (uid ${uid}, not ${req.uid}); nothing was changed`);
      const from = req.verb === 'scale' ? Number((current.spec as { replicas?: unknown } | undefined)?.replicas ?? 1) : null;
      if (from !== null) entry.change = `replicas: ${from} → ${req.replicas}`;
      const text = dialogText(caller, resource, namespace, req, uid, from);
      const timeout = AbortSignal.timeout(CONFIRM_TIMEOUT_MS);
      const answer = await this.deps.confirm.ask(caller.client, text, AbortSignal.any([caller.signal, timeout]));
      if (answer === 'gone') return await refuse('the client that sent the command detached before answering');
      if (answer === 'no') {
        if (!caller.signal.aborted) declined.push(Date.now());
        return await refuse(timeout.aborted ? `not confirmed within ${CONFIRM_TIMEOUT_MS / 1000} s` : caller.signal.aborted ? 'withdrawn: the pane closed' : 'declined by the user', 'declined');
      }
      const op: PluginWriteOp =
        req.verb === 'delete'
          ? { verb: 'delete', context, resource, namespace, name: req.name, uid }
          : req.verb === 'scale'
            ? { verb: 'scale', context, resource, namespace, name: req.name, uid, replicas: req.replicas! }
            : { verb: 'patch', context, resource, namespace, name: req.name, uid, patch: req.patch! };
      try {
        await this.deps.kube.write(op);
      } catch (err) {
        const why = errorMessage(err);
        await this.deps.audit.append({ ...entry, result: 'failed', error: why });
        this.deps.logger.warn({ plugin: caller.plugin, verb: req.verb, kind: req.kind, name: req.name, err: why }, 'plugin write failed');
        throw new WriteRefused(why);
      }
      await this.deps.audit.append({ ...entry, result: 'applied', error: null });
      this.deps.logger.info({ plugin: caller.plugin, verb: req.verb, kind: req.kind, namespace, name: req.name, uid, client: caller.client }, 'plugin write applied');
      return { outcome: 'applied', uid };
    } finally {
      this.asking = false;
    }
  }
}

const describe = (r: PluginResource, namespace: string | null, name: string): string => `${r.kind} ${namespace ? `${namespace}/` : ''}${name}`;

function dialogText(caller: WriteCaller, r: PluginResource, namespace: string | null, req: WriteRequest, uid: string, from: number | null): string {
  const who = `Plugin '${caller.plugin}'${caller.sha256 ? ` (build ${caller.sha256.slice(0, 12)})` : ''}`;
  const what = describe(r, namespace, req.name);
  const head =
    req.verb === 'delete'
      ? `${who} asks to delete ${what} (uid ${uid}).`
      : req.verb === 'scale'
        ? `${who} asks to scale ${what} from ${from} to ${req.replicas} replicas (uid ${uid}).`
        : `${who} asks to patch ${what} (uid ${uid}) with:`;
  const lines = [head];
  if (req.verb === 'patch') {
    const body = printable(JSON.stringify(req.patch, null, 2)).split('\n');
    lines.push(...body.slice(0, PATCH_LINES).map((l) => `  ${l.length > 100 ? `${l.slice(0, 100)}…` : l}`));
    if (body.length > PATCH_LINES) lines.push(`  … ${body.length - PATCH_LINES} more lines (in the audit log)`);
  }
  lines.push('Allow?');
  // Kinds come from the API server's discovery: nothing in the dialog may steer the terminal.
  return lines.map(printable).join('\n');
}
