import { ageCol, col, formatLabels, nameCol, namespaceCol, orNone } from './common.js';
import { arr, at, num, objs, str } from './json.js';
import type { KindDef } from './types.js';

/** PORT(S) as kubectl prints it: `80/TCP,443:30443/TCP`; `<none>` when the service has no ports. */
export function servicePorts(o: unknown): string {
  const pieces = objs(at(o, 'spec', 'ports')).map((p) => {
    const proto = str(p['protocol']) || 'TCP';
    const nodePort = num(p['nodePort']);
    return nodePort > 0 ? `${num(p['port'])}:${nodePort}/${proto}` : `${num(p['port'])}/${proto}`;
  });
  return orNone(pieces.join(','));
}

/**
 * kubectl's `loadBalancerStatusStringer`: unique IPs/hostnames sorted. kubectl clips them to 16 characters unless
 * `-o wide`; a pane scrolls sideways, so the whole value is shown (a cut address cannot be copied or read).
 */
export function loadBalancerAddresses(status: unknown): string {
  const set = new Set<string>();
  for (const i of objs(at(status, 'ingress'))) {
    const ip = str(i['ip']);
    const host = str(i['hostname']);
    if (ip !== '') set.add(ip);
    else if (host !== '') set.add(host);
  }
  return [...set].sort().join(',');
}

/** EXTERNAL-IP as kubectl prints it (spec.externalIPs, load-balancer ingress, `<pending>`, the external name). */
export function serviceExternalIP(o: unknown): string {
  const type = str(at(o, 'spec', 'type')) || 'ClusterIP';
  const externalIPs = arr(at(o, 'spec', 'externalIPs')).map(str).filter((s) => s !== '');
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(at(o, 'status', 'loadBalancer'));
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return str(at(o, 'spec', 'externalName'));
    default:
      return '<unknown>';
  }
}

export function serviceClusterIP(o: unknown): string {
  const ips = arr(at(o, 'spec', 'clusterIPs')).map(str);
  return orNone(ips[0] ?? str(at(o, 'spec', 'clusterIP')));
}

export const servicesKind: KindDef = {
  id: 'services',
  kind: 'Service',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['svc'],
  alias: 'SVC',
  display: 'Services',
  columns: [
    nameCol,
    namespaceCol,
    col('type', 'TYPE', 'text', (o) => str(at(o, 'spec', 'type')) || 'ClusterIP'),
    col('cluster-ip', 'CLUSTER-IP', 'text', serviceClusterIP),
    col('external-ip', 'EXTERNAL-IP', 'text', serviceExternalIP, (o) => (serviceExternalIP(o) === '<pending>' ? 'warn' : undefined)),
    col('ports', 'PORT(S)', 'text', servicePorts),
    ageCol,
    col('selector', 'SELECTOR', 'text', (o) => formatLabels(at(o, 'spec', 'selector'))),
  ],
  defaultColumns: ['name', 'type', 'cluster-ip', 'external-ip', 'ports', 'age'],
  wideColumns: ['selector'],
};
