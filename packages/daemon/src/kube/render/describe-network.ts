import { formatLabels } from '../kinds/common.js';
import { arr, at, isObj, num, numOrUndef, obj, objs, str, type JsonObject } from '../kinds/json.js';
import { loadBalancerAddresses } from '../kinds/services.js';
import type { KubeObject } from '../types.js';
import { intOrString, writeAnnotations, writeHead, writeLabels } from './describe-meta.js';
import type { DescribeWriter } from './describe-writer.js';

/** kubectl's `describeService` (endpoints are not looked up, so there is no `Endpoints:` line). */
export function describeService(w: DescribeWriter, s: KubeObject): void {
  const spec = obj(s.spec);
  writeHead(w, s, true);
  w.kv(0, 'Selector', formatLabels(spec['selector']) === '<none>' ? '' : formatLabels(spec['selector']));
  const type = str(spec['type']) || 'ClusterIP';
  w.kv(0, 'Type', type);
  if (str(spec['ipFamilyPolicy']) !== '') w.kv(0, 'IP Family Policy', str(spec['ipFamilyPolicy']));
  const families = arr(spec['ipFamilies']).map(str);
  w.kv(0, 'IP Families', families.length > 0 ? families.join(',') : '<none>');
  w.kv(0, 'IP', str(spec['clusterIP']));
  const ips = arr(spec['clusterIPs']).map(str);
  w.kv(0, 'IPs', ips.length > 0 ? ips.join(',') : '<none>');
  const externalIPs = arr(spec['externalIPs']).map(str);
  if (externalIPs.length > 0) w.kv(0, 'External IPs', externalIPs.join(','));
  if (str(spec['loadBalancerIP']) !== '') w.kv(0, 'IP', str(spec['loadBalancerIP']));
  if (type === 'ExternalName') w.kv(0, 'External Name', str(spec['externalName']));
  const lb = loadBalancerAddresses(at(s, 'status', 'loadBalancer'));
  if (lb !== '') w.kv(0, 'LoadBalancer Ingress', lb);
  for (const p of objs(spec['ports'])) {
    const name = str(p['name']) || '<unset>';
    const proto = str(p['protocol']) || 'TCP';
    w.write(0, { text: 'Port:', style: 'accent' }, name, `${num(p['port'])}/${proto}`);
    const target = p['targetPort'] === undefined ? String(num(p['port'])) : intOrString(p['targetPort']);
    w.kv(0, 'TargetPort', `${target}/${proto}`);
    if (num(p['nodePort']) !== 0) w.write(0, { text: 'NodePort:', style: 'accent' }, name, `${num(p['nodePort'])}/${proto}`);
  }
  w.kv(0, 'Session Affinity', str(spec['sessionAffinity']) || 'None');
  if (str(spec['externalTrafficPolicy']) !== '') w.kv(0, 'External Traffic Policy', str(spec['externalTrafficPolicy']));
  if (str(spec['internalTrafficPolicy']) !== '') w.kv(0, 'Internal Traffic Policy', str(spec['internalTrafficPolicy']));
  if (numOrUndef(spec['healthCheckNodePort'])) w.kv(0, 'HealthCheck NodePort', String(num(spec['healthCheckNodePort'])));
  const ranges = arr(spec['loadBalancerSourceRanges']).map(str);
  if (ranges.length > 0) w.kv(0, 'LoadBalancer Source Ranges', ranges.join(','));
}

function backend(b: JsonObject): string {
  if (isObj(b['service'])) {
    const port = obj(at(b, 'service', 'port'));
    const p = str(port['name']) || String(num(port['number']));
    return `${str(at(b, 'service', 'name'))}:${p}`;
  }
  if (isObj(b['resource'])) {
    const r = b['resource'];
    return `APIGroup: ${str(r['apiGroup'])}, Kind: ${str(r['kind'])}, Name: ${str(r['name'])}`;
  }
  return '';
}

/** kubectl's `describeIngressV1` (backends without their endpoint addresses). */
export function describeIngress(w: DescribeWriter, ing: KubeObject): void {
  const spec = obj(ing.spec);
  w.kv(0, 'Name', str(at(ing, 'metadata', 'name')));
  writeLabels(w, 'Labels', at(ing, 'metadata', 'labels'));
  w.kv(0, 'Namespace', str(at(ing, 'metadata', 'namespace')));
  w.kv(0, 'Address', loadBalancerAddresses(at(ing, 'status', 'loadBalancer')));
  w.kv(0, 'Ingress Class', str(spec['ingressClassName']) || '<none>');
  const def = isObj(spec['defaultBackend']) ? backend(spec['defaultBackend']) : '<default>';
  w.kv(0, 'Default backend', def);
  const tls = objs(spec['tls']);
  if (tls.length > 0) {
    w.section(0, 'TLS');
    for (const t of tls) {
      const hosts = arr(t['hosts']).map(str).join(',');
      w.write(1, str(t['secretName']) === '' ? `SNI routes ${hosts}` : `${str(t['secretName'])} terminates ${hosts}`);
    }
  }
  w.section(0, 'Rules');
  w.row(1, ['Host', 'Path', 'Backends'], 'header');
  w.row(1, ['----', '----', '--------'], 'dim');
  let count = 0;
  for (const rule of objs(spec['rules'])) {
    if (!isObj(rule['http'])) continue;
    count++;
    w.write(1, str(rule['host']) || '*', '');
    for (const p of objs(at(rule, 'http', 'paths'))) w.write(2, '', `${str(p['path'])} `, backend(obj(p['backend'])));
  }
  if (count === 0) w.write(1, '*', '*', def);
  writeAnnotations(w, 'Annotations', at(ing, 'metadata', 'annotations'));
}
