import { PORT_NAME } from '@kubetile/rpc-schema';
import type { ClusterManager } from '../kube/cluster.js';
import { errorMessage } from '../util/errors.js';
import type { ClientPrompts } from '../panes/pane.js';
import type { InteractionHandler } from '../session/resource-actions.js';
import type { ForwardManager } from './forward-manager.js';
import type { TargetKind } from './forward-types.js';
import { HeldForward } from './held-forward.js';
import { remotePortNamed, suggestRemotePort } from './resolve-target.js';
import { getTarget } from './target-objects.js';

/** The resource kinds (kind ids of resource lists) `p` forwards to. */
const KIND_OF: Record<string, TargetKind> = {
  pods: 'pod',
  services: 'service',
  deployments: 'deployment',
  statefulsets: 'statefulset',
  replicasets: 'replicaset',
  daemonsets: 'daemonset',
};

/** A port from a dialog or a script's args: a whole number in range, or an error naming the field. */
export function parsePort(value: unknown, field: 'remote port' | 'local port'): number {
  const min = field === 'local port' ? 0 : 1;
  const n = typeof value === 'string' && /^\s*\d{1,5}\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > 65535) {
    const shown = typeof value === 'string' ? `'${value.slice(0, 20)}'` : JSON.stringify(value);
    throw new Error(`${field} must be a whole number from ${min}${min === 0 ? ' (any free port)' : ''} to 65535, not ${shown}`);
  }
  return n;
}

/** A remote port from a dialog or a script's args: a whole number in range, or the name of one of the target's ports (`named`). */
function parseRemote(value: unknown, named: (name: string) => number): number {
  if (typeof value === 'string' && PORT_NAME.test(value.trim())) return named(value.trim());
  return parsePort(value, 'remote port');
}

/** A parser as an input's check: why the text is not a port, or null. */
const portCheck =
  (parse: (value: string) => number) =>
  (value: string): string | null => {
    try {
      parse(value);
      return null;
    } catch (err) {
      return errorMessage(err);
    }
  };

/**
 * The remote and local ports: from `args`, else asked one after the other (KubeTile's dialog), else
 * the suggestion and 0. The remote port may be named (`http`): `named` looks it up on the target.
 */
async function askPorts(prompts: ClientPrompts, args: Record<string, unknown>, what: string, suggested: number, named: (name: string) => number): Promise<{ remote: number; local: number } | null> {
  let remote: number;
  const remoteOf = (v: unknown): number => parseRemote(v, named);
  if (args.remotePort !== undefined) remote = remoteOf(args.remotePort);
  else if (prompts.interactive) {
    // Short titles: a dialog is narrower than a pod's name and the question together (they were cut).
    const answer = await prompts.ask(`Port-forward ${what}: remote port (number or name)`, String(suggested), portCheck(remoteOf));
    if (answer === null) return null;
    remote = remoteOf(answer);
  } else remote = suggested;
  let local: number;
  if (args.localPort !== undefined) local = parsePort(args.localPort, 'local port');
  else if (prompts.interactive) {
    const answer = await prompts.ask(`${what}:${remote} → local port (0: any free)`, '0', portCheck((v) => parsePort(v, 'local port')));
    if (answer === null) return null;
    local = parsePort(answer, 'local port');
  } else local = 0;
  return { remote, local };
}

/**
 * `p` (and `resource/action port-forward`) on a pod, Service or workload: on something already
 * forwarded it offers to stop that forward; otherwise it suggests a remote port (KubeTile's
 * rule), asks for the remote and local ports (scripts pass `args.remotePort`, `args.localPort`)
 * and starts a forward owned by the daemon.
 */
export function portForwardAction(manager: ForwardManager, kube: ClusterManager): InteractionHandler {
  return async ({ target, args, prompts }) => {
    const kind = KIND_OF[target.kindId];
    if (!kind) throw new Error(`port-forward works on pods, services and deployments (statefulsets, replicasets, daemonsets), not on ${target.kind}`);
    if (!target.namespace) throw new Error(`${target.kind} ${target.name} has no namespace`);
    const what = `${kind}/${target.name}`;
    const existing = manager.forwardsTo(target.context, target.namespace, kind, target.name);
    const last = existing[existing.length - 1];
    if (last && prompts.interactive && args.remotePort === undefined) {
      const doing = last instanceof HeldForward ? 'waits for the cluster' : 'is running';
      if (await prompts.confirm(`${last.describe()} ${doing}. Stop it?`)) {
        await manager.stop(last.id);
        return { message: `Stopped port-forward ${last.describe()}` };
      }
      return { message: `Kept port-forward ${last.describe()}` };
    }
    const obj = await getTarget(kube.configFor(target.context), kind, target.namespace, target.name);
    const ports = await askPorts(prompts, args, what, suggestRemotePort(kind, obj), (name) => remotePortNamed(kind, obj, name));
    if (!ports) return { message: 'Port-forward cancelled' };
    const f = await manager.start({ context: target.context, namespace: target.namespace, kind, name: target.name, remotePort: ports.remote, localPort: ports.local });
    const info = f.info();
    const via = kind === 'pod' || !info.pod ? '' : ` (pod ${info.pod}:${info.podPort ?? ports.remote})`;
    return { message: `Forwarding ${f.describe()}${via}` };
  };
}
