import { badExecTarget } from '../../kube/exec/exec-session.js';
import type { KubeScope } from '../../kube/types.js';

/** A query pane's args (from `shift+q` or a script's `pane/open`): never a password. */
export interface QueryArgs {
  context: string;
  namespace: string;
  pod: string;
  container?: string;
  database?: string;
  user?: string;
  port?: number;
  /** The editor's text, kept with the session. */
  sql?: string;
  restored: boolean;
}

const name = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 63 && !/[\u0000-\u001f]/.test(v);

export function parseQueryArgs(args: Record<string, unknown>, scope: KubeScope): QueryArgs | { error: string } {
  const context = args.context ?? scope.context;
  if (typeof context !== 'string' || context === '') return { error: 'a query pane needs a cluster context (args.context, or a tab with one)' };
  const namespace = args.namespace ?? (scope.namespace === '*' ? undefined : scope.namespace);
  if (typeof namespace !== 'string') return { error: 'a query pane needs args.namespace (the tab shows all namespaces)' };
  if (typeof args.pod !== 'string') return { error: 'a query pane needs args.pod, the name of a pod' };
  const container = args.container;
  if (container !== undefined && typeof container !== 'string') return { error: 'args.container must be a container name' };
  const bad = badExecTarget({ namespace, pod: args.pod, ...(container !== undefined ? { container } : {}) });
  if (bad) return { error: `query: ${bad}` };
  if ('password' in args) return { error: 'args.password is not accepted: a password would be saved with the session; the connection dialog asks for it' };
  if (args.database !== undefined && !name(args.database)) return { error: 'args.database must be a database name (1–63 characters)' };
  if (args.user !== undefined && !name(args.user)) return { error: 'args.user must be a user name (1–63 characters)' };
  if (args.port !== undefined && (typeof args.port !== 'number' || !Number.isInteger(args.port) || args.port < 1 || args.port > 65535)) return { error: 'args.port must be a port number (1–65535)' };
  if (args.sql !== undefined && (typeof args.sql !== 'string' || args.sql.length > 64 * 1024)) return { error: 'args.sql must be text of at most 64 KiB' };
  return {
    context,
    namespace,
    pod: args.pod,
    ...(container !== undefined ? { container } : {}),
    ...(typeof args.database === 'string' ? { database: args.database } : {}),
    ...(typeof args.user === 'string' ? { user: args.user } : {}),
    ...(typeof args.port === 'number' ? { port: args.port } : {}),
    ...(typeof args.sql === 'string' ? { sql: args.sql } : {}),
    restored: args.restored === true,
  };
}
