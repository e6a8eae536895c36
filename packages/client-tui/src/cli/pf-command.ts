import { hostPort, PORT_NAME, Requests, type ParamsOf } from '@kubetile/rpc-schema';
import type { DaemonClient } from '../connection/daemon-client.js';
import { UsageError } from './args.js';
import type { Io } from './io.js';
import { callInterruptibly, reportError, withScriptClient } from './rpc-command.js';
import { alignColumns } from './view-text.js';

type StartParams = ParamsOf<typeof Requests.portForwardStart>;

type TargetKind = 'pod' | 'service' | 'deployment' | 'statefulset' | 'replicaset' | 'daemonset';

/** kubectl's names for what a port-forward may target. */
const KINDS: Record<string, TargetKind> = {
  pod: 'pod', pods: 'pod', po: 'pod',
  service: 'service', services: 'service', svc: 'service',
  deployment: 'deployment', deployments: 'deployment', deploy: 'deployment',
  statefulset: 'statefulset', statefulsets: 'statefulset', sts: 'statefulset',
  replicaset: 'replicaset', replicasets: 'replicaset', rs: 'replicaset',
  daemonset: 'daemonset', daemonsets: 'daemonset', ds: 'daemonset',
};

/** kubectl's names of other built-in kinds: refused as kinds, not taken for a namespace. */
const OTHER_KINDS = new Set(
  (
    'job jobs cronjob cronjobs cj configmap configmaps cm secret secrets node nodes no namespace namespaces ns ' +
    'ingress ingresses ing persistentvolumeclaim persistentvolumeclaims pvc persistentvolume persistentvolumes pv ' +
    'serviceaccount serviceaccounts sa endpoints ep endpointslice endpointslices event events ev ' +
    'replicationcontroller replicationcontrollers rc horizontalpodautoscaler horizontalpodautoscalers hpa ' +
    'poddisruptionbudget poddisruptionbudgets pdb networkpolicy networkpolicies netpol role roles rolebinding rolebindings ' +
    'clusterrole clusterroles clusterrolebinding clusterrolebindings storageclass storageclasses sc ' +
    'customresourcedefinition customresourcedefinitions crd crds limitrange limitranges limits resourcequota resourcequotas quota'
  ).split(' '),
);

const TARGETS = 'pod/NAME, svc/NAME, deploy/NAME, sts/NAME, rs/NAME or ds/NAME';

function portOf(what: string, text: string, min: number): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= 65535)) throw new UsageError(`${what} must be a port from ${min} to 65535, not '${text}'`);
  return n;
}

/** `pod/web`, `svc/web`, `deploy/web`, `sts/db`, `rs/…`, `ds/…` or a bare pod name; `[LOCAL:]REMOTE` (REMOTE a number or a port's name, looked up by the daemon; no LOCAL: the same port locally, as kubectl; LOCAL 0 or empty: any free port). */
export function parseForward(target: string, ports: string | undefined): Pick<StartParams, TargetKind | 'remotePort' | 'localPort' | 'sameLocalPort'> {
  const slash = target.indexOf('/');
  const prefix = target.slice(0, Math.max(slash, 0)).toLowerCase();
  const kind = slash < 0 ? 'pod' : KINDS[prefix];
  const name = slash < 0 ? target : target.slice(slash + 1);
  if (!kind) {
    const shown = target.slice(0, slash);
    if (OTHER_KINDS.has(prefix)) throw new UsageError(`cannot port-forward to '${shown}': name a ${TARGETS}`);
    // `shop/postgres-0` (namespace/name, as some tools write it) reads as a kind `shop`: say where the namespace goes.
    throw new UsageError(`cannot port-forward to '${shown}': name a ${TARGETS} (a namespace goes in --namespace, not before the name)`);
  }
  if (!name) throw new UsageError(`'${target}' names no object: ${TARGETS}`);
  const out: ReturnType<typeof parseForward> = { [kind]: name };
  if (ports !== undefined) {
    const m = /^(?:(\d*):)?([^:]+)$/.exec(ports);
    if (!m) throw new UsageError(`ports are REMOTE or LOCAL:REMOTE, like 80, 8080:80 or 8080:http, not '${ports}'`);
    const remote = m[2]!;
    if (/^\d+$/.test(remote)) out.remotePort = portOf('the remote port', remote, 1);
    else if (PORT_NAME.test(remote)) out.remotePort = remote;
    else throw new UsageError(`the remote port must be a number from 1 to 65535 or a port's name (lowercase letters, digits and dashes, like http), not '${remote}'`);
    // As kubectl: `8080` listens on 8080 (a name: on its number, which the daemon looks up), `:8080` on any free port.
    if (m[1] === undefined) {
      if (typeof out.remotePort === 'number') out.localPort = out.remotePort;
      else out.sameLocalPort = true;
    } else if (m[1]) out.localPort = portOf('the local port', m[1], 0);
  }
  return out;
}

/** The namespace of the context in use (kube/contexts), else `default`. */
async function defaultNamespace(client: DaemonClient, context: string | undefined): Promise<string> {
  const c = await client.request(Requests.kubeContexts, {});
  const name = context ?? c.current;
  return c.contexts.find((x) => x.name === name)?.namespace ?? 'default';
}

/** `kubetile pf list`. */
export async function runPfList(io: Io, socket: string | undefined, json: boolean): Promise<number> {
  return withScriptClient(io, socket, 'kubetile-pf', async (client) => {
    const { forwards } = await client.request(Requests.portForwardList, {});
    if (json) {
      io.out(`${JSON.stringify(forwards, null, 2)}\n`);
      return 0;
    }
    if (forwards.length === 0) {
      io.err('no port-forwards\n');
      return 0;
    }
    const rows = [['ID', 'TARGET', 'NAMESPACE', 'LOCAL', 'REMOTE', 'POD', 'STATE', 'CONNECTIONS']];
    for (const f of forwards) {
      rows.push([f.id, f.target, f.namespace, (f.localAddresses && f.localAddresses.length > 0 ? f.localAddresses : [f.localAddress]).map((a) => hostPort(a, f.localPort)).join(','), String(f.remotePort), f.pod ?? '-', f.state, String(f.connections)]);
    }
    io.out(`${alignColumns(rows).join('\n')}\n`);
    return 0;
  });
}

/** `kubetile pf start TARGET [[LOCAL:]REMOTE] [--namespace N] [--context C]`. */
export async function runPfStart(
  io: Io,
  cmd: { socket?: string; target: string; ports?: string; namespace?: string; context?: string; json: boolean },
): Promise<number> {
  let what: ReturnType<typeof parseForward>;
  try {
    what = parseForward(cmd.target, cmd.ports);
  } catch (e) {
    return reportError(io, e);
  }
  return withScriptClient(io, cmd.socket, 'kubetile-pf', async (client) => {
    const namespace = cmd.namespace ?? (await defaultNamespace(client, cmd.context));
    const params: StartParams = { ...what, namespace, ...(cmd.context !== undefined ? { context: cmd.context } : {}) };
    const r = await callInterruptibly(io, client, Requests.portForwardStart.name, params);
    if (!r.ok) return r.code;
    const res = r.result as { id: string; localPort: number; message: string };
    io.out(cmd.json ? `${JSON.stringify(res)}\n` : `${res.id}: ${res.message}\n`);
    return 0;
  });
}

/** `kubetile pf stop ID…`: each one it can; the status says whether all were. */
export async function runPfStop(io: Io, socket: string | undefined, ids: string[], json: boolean): Promise<number> {
  return withScriptClient(io, socket, 'kubetile-pf', async (client) => {
    let failed = 0;
    const stopped: string[] = [];
    for (const id of ids) {
      try {
        await client.request(Requests.portForwardStop, { id });
        stopped.push(id);
        if (!json) io.out(`stopped ${id}\n`);
      } catch (e) {
        failed++;
        reportError(io, e);
      }
    }
    if (json) io.out(`${JSON.stringify({ stopped })}\n`);
    return failed > 0 ? 1 : 0;
  });
}
