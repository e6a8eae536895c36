import { ageSince } from '../kinds/age.js';
import { arr, at, num, numOrUndef, obj, objs, str } from '../kinds/json.js';
import { statusStyle } from '../kinds/styles.js';
import type { KubeObject } from '../types.js';
import { writeContainers } from './describe-containers.js';
import { controllerOf, rfc1123z, writeAnnotations, writeLabels } from './describe-meta.js';
import { formatToleration, writeList, writeVolumes } from './describe-volumes.js';
import type { DescribeWriter } from './describe-writer.js';
import { formatLabels } from '../kinds/common.js';

/** The QoS class the API server reports, else computed roughly like `qos.GetPodQOS`. */
export function podQOS(pod: KubeObject): string {
  const reported = str(at(pod, 'status', 'qosClass'));
  if (reported !== '') return reported;
  const containers = [...objs(at(pod, 'spec', 'containers')), ...objs(at(pod, 'spec', 'initContainers'))];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = obj(at(c, 'resources', 'requests'));
    const lim = obj(at(c, 'resources', 'limits'));
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      if (lim[r] === undefined || (req[r] !== undefined && str(req[r]) !== str(lim[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** kubectl's `describePod` (without the node/pod look-ups it would make). */
export function describePod(w: DescribeWriter, pod: KubeObject, now: number): void {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  w.kv(0, 'Name', str(at(pod, 'metadata', 'name')));
  w.kv(0, 'Namespace', str(at(pod, 'metadata', 'namespace')));
  const priority = numOrUndef(spec['priority']);
  if (priority !== undefined) w.kv(0, 'Priority', String(priority));
  if (str(spec['priorityClassName']) !== '') w.kv(0, 'Priority Class Name', str(spec['priorityClassName']));
  if (str(spec['runtimeClassName']) !== '') w.kv(0, 'Runtime Class Name', str(spec['runtimeClassName']));
  if (str(spec['serviceAccountName']) !== '') w.kv(0, 'Service Account', str(spec['serviceAccountName']));
  const node = str(spec['nodeName']);
  w.kv(0, 'Node', node === '' ? '<none>' : `${node}/${str(status['hostIP'])}`);
  if (status['startTime']) w.kv(0, 'Start Time', rfc1123z(status['startTime']));
  writeLabels(w, 'Labels', at(pod, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(pod, 'metadata', 'annotations'));
  const phase = str(status['phase']);
  const deletion = at(pod, 'metadata', 'deletionTimestamp');
  if (deletion && phase !== 'Failed' && phase !== 'Succeeded') {
    // kubectl: "Terminating (lasts <time since the deletion deadline>)"
    w.kv(0, 'Status', `Terminating (lasts ${ageSince(deletion, now)})`, 'warn');
    const grace = numOrUndef(at(pod, 'metadata', 'deletionGracePeriodSeconds'));
    if (grace !== undefined) w.kv(0, 'Termination Grace Period', `${grace}s`);
  } else {
    w.kv(0, 'Status', phase, statusStyle(phase));
  }
  if (str(status['reason']) !== '') w.kv(0, 'Reason', str(status['reason']));
  if (str(status['message']) !== '') w.kv(0, 'Message', str(status['message']));
  w.kv(0, 'IP', str(status['podIP']));
  const ips = objs(status['podIPs']);
  if (ips.length === 0) w.kv(0, 'IPs', '<none>');
  else {
    w.section(0, 'IPs');
    for (const ip of ips) w.write(1, 'IP:', str(ip['ip']));
  }
  const controlledBy = controllerOf(pod);
  if (controlledBy !== '') w.kv(0, 'Controlled By', controlledBy);
  if (str(status['nominatedNodeName']) !== '') w.kv(0, 'NominatedNodeName', str(status['nominatedNodeName']));
  if (arr(spec['initContainers']).length > 0) writeContainers(w, 'Init Containers', spec['initContainers'], arr(status['initContainerStatuses']));
  writeContainers(w, 'Containers', spec['containers'], arr(status['containerStatuses']));
  const gates = objs(spec['readinessGates']);
  if (gates.length > 0) {
    w.section(0, 'Readiness Gates');
    w.row(1, ['Type', 'Status'], 'header');
    for (const g of gates) {
      const c = objs(status['conditions']).find((x) => str(x['type']) === str(g['conditionType']));
      w.write(1, str(g['conditionType']), c ? str(c['status']) : '<none>');
    }
  }
  const conditions = objs(status['conditions']);
  if (conditions.length > 0) {
    w.section(0, 'Conditions');
    w.row(1, ['Type', 'Status'], 'header');
    for (const c of conditions) {
      const s = str(c['status']);
      w.write(1, `${str(c['type'])} `, { text: `${s} `, style: s === 'True' ? 'ok' : s === 'False' ? 'warn' : undefined });
    }
  }
  writeVolumes(w, spec['volumes']);
  w.kv(0, 'QoS Class', podQOS(pod));
  const ns = formatLabels(spec['nodeSelector']);
  writeList(w, 'Node-Selectors', ns === '<none>' ? [] : ns.split(','));
  writeList(w, 'Tolerations', objs(spec['tolerations']).map(formatToleration));
  const spread = objs(spec['topologySpreadConstraints']);
  if (spread.length > 0) {
    writeList(
      w,
      'Topology Spread Constraints',
      spread.map((t) => `${str(t['topologyKey'])}:${str(t['whenUnsatisfiable'])} when max skew ${num(t['maxSkew'])} is exceeded`),
    );
  }
}
