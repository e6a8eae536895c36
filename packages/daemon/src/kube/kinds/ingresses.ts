import { ageCol, col, nameCol, namespaceCol } from './common.js';
import { arr, at, objs, str } from './json.js';
import { loadBalancerAddresses } from './services.js';
import type { KindDef } from './types.js';

/** HOSTS as kubectl prints it: the first three rule hosts, `+ N more...`, `*` when no rule names a host. */
export function ingressHosts(o: unknown): string {
  const rules = objs(at(o, 'spec', 'rules'));
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const r of rules) {
    if (list.length === max) more = true;
    const host = str(r['host']);
    if (!more && host !== '') list.push(host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

export const ingressesKind: KindDef = {
  id: 'ingresses',
  kind: 'Ingress',
  group: 'networking.k8s.io',
  version: 'v1',
  namespaced: true,
  shortNames: ['ing'],
  alias: 'ING',
  display: 'Ingresses',
  columns: [
    nameCol,
    namespaceCol,
    col('class', 'CLASS', 'text', (o) => str(at(o, 'spec', 'ingressClassName')) || '<none>'),
    col('hosts', 'HOSTS', 'text', ingressHosts),
    col('address', 'ADDRESS', 'text', (o) => loadBalancerAddresses(at(o, 'status', 'loadBalancer'))),
    col('ports', 'PORTS', 'text', (o) => (arr(at(o, 'spec', 'tls')).length > 0 ? '80, 443' : '80')),
    ageCol,
  ],
  defaultColumns: ['name', 'class', 'hosts', 'address', 'ports', 'age'],
};
