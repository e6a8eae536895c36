import { ageSince } from '../kinds/age.js';
import { arr, at, isObj, obj, objs, str } from '../kinds/json.js';
import { nodeRoles } from '../kinds/nodes.js';
import { accessModes, storageClass } from '../kinds/storage.js';
import { statusStyle } from '../kinds/styles.js';
import type { KubeObject } from '../types.js';
import { goList, rfc1123z, writeAnnotations, writeHead, writeLabels } from './describe-meta.js';
import { writeList } from './describe-volumes.js';
import type { DescribeWriter } from './describe-writer.js';

/** Resource names sorted like kubectl's `SortableResourceNames` (plain alphabetical). */
function writeResourceList(w: DescribeWriter, title: string, list: unknown): void {
  const m = obj(list);
  const names = Object.keys(m).sort();
  if (names.length === 0) return;
  w.section(0, title);
  for (const n of names) w.write(0, `  ${n}:`, str(m[n]));
}

/** Node conditions where False is the healthy value (pressure conditions). */
const PRESSURE = new Set(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']);

/** kubectl's `describeNode` (without the non-terminated pods and allocated resources it would list). */
export function describeNode(w: DescribeWriter, n: KubeObject): void {
  const spec = obj(n.spec);
  const status = obj(n.status);
  w.kv(0, 'Name', str(at(n, 'metadata', 'name')));
  const roles = nodeRoles(n);
  w.kv(0, 'Roles', roles.length > 0 ? roles.join(',') : '<none>');
  writeLabels(w, 'Labels', at(n, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(n, 'metadata', 'annotations'));
  w.kv(0, 'CreationTimestamp', rfc1123z(at(n, 'metadata', 'creationTimestamp')));
  writeList(
    w,
    'Taints',
    objs(spec['taints']).map((t) => `${str(t['key'])}${str(t['value']) !== '' ? `=${str(t['value'])}` : ''}:${str(t['effect'])}`),
  );
  w.kv(0, 'Unschedulable', String(spec['unschedulable'] === true), spec['unschedulable'] === true ? 'warn' : undefined);
  const conditions = objs(status['conditions']);
  if (conditions.length > 0) {
    w.section(0, 'Conditions');
    w.row(1, ['Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message'], 'header');
    w.row(1, ['----', '------', '-----------------', '------------------', '------', '-------'], 'dim');
    for (const c of conditions) {
      const type = str(c['type']);
      const s = str(c['status']);
      const healthy = PRESSURE.has(type) ? s === 'False' : s === 'True';
      w.write(
        1,
        `${type} `,
        { text: `${s} `, style: s === 'Unknown' ? 'warn' : healthy ? undefined : 'error' },
        `${rfc1123z(c['lastHeartbeatTime'])} `,
        `${rfc1123z(c['lastTransitionTime'])} `,
        `${str(c['reason'])} `,
        str(c['message']),
      );
    }
  }
  w.section(0, 'Addresses');
  for (const a of objs(status['addresses'])) w.write(1, `${str(a['type'])}:`, str(a['address']));
  writeResourceList(w, 'Capacity', status['capacity']);
  writeResourceList(w, 'Allocatable', status['allocatable']);
  w.section(0, 'System Info');
  const info = obj(status['nodeInfo']);
  for (const [label, key] of [
    ['Machine ID', 'machineID'],
    ['System UUID', 'systemUUID'],
    ['Boot ID', 'bootID'],
    ['Kernel Version', 'kernelVersion'],
    ['OS Image', 'osImage'],
    ['Operating System', 'operatingSystem'],
    ['Architecture', 'architecture'],
    ['Container Runtime Version', 'containerRuntimeVersion'],
    ['Kubelet Version', 'kubeletVersion'],
    ['Kube-Proxy Version', 'kubeProxyVersion'],
  ] as const) {
    w.write(0, `  ${label}:`, str(info[key]));
  }
  if (str(spec['podCIDR']) !== '') w.kv(0, 'PodCIDR', str(spec['podCIDR']));
  const cidrs = arr(spec['podCIDRs']).map(str);
  if (cidrs.length > 0) w.kv(0, 'PodCIDRs', cidrs.join(','));
  if (str(spec['providerID']) !== '') w.kv(0, 'ProviderID', str(spec['providerID']));
}

/** kubectl's `describeNamespace` (quotas and limit ranges are not looked up). */
export function describeNamespace(w: DescribeWriter, ns: KubeObject): void {
  writeHead(w, ns, false);
  const phase = str(at(ns, 'status', 'phase'));
  w.kv(0, 'Status', phase, statusStyle(phase));
}

function statusOrTerminating(w: DescribeWriter, o: KubeObject, now: number): void {
  const deletion = at(o, 'metadata', 'deletionTimestamp');
  if (deletion) w.kv(0, 'Status', `Terminating (lasts ${ageSince(deletion, now)})`, 'warn');
  else {
    const phase = str(at(o, 'status', 'phase'));
    w.kv(0, 'Status', phase, statusStyle(phase));
  }
}

const PV_SOURCES: Record<string, string> = {
  hostPath: 'HostPath (bare host directory volume)',
  nfs: 'NFS (an NFS mount that lasts the lifetime of a pod)',
  csi: 'CSI (a Container Storage Interface (CSI) volume source)',
  local: 'LocalVolume (a persistent volume backed by local storage on a node)',
  awsElasticBlockStore: 'AWSElasticBlockStore (a Persistent Disk resource in AWS)',
  gcePersistentDisk: 'GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)',
  azureDisk: 'AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)',
  iscsi: 'ISCSI (an ISCSI Disk resource that is attached to a kubelet\'s host machine and then exposed to the pod)',
};

/** kubectl's `describePersistentVolume` (source details for the common sources). */
export function describePersistentVolume(w: DescribeWriter, pv: KubeObject, now: number): void {
  const spec = obj(pv.spec);
  w.kv(0, 'Name', str(at(pv, 'metadata', 'name')));
  writeLabels(w, 'Labels', at(pv, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(pv, 'metadata', 'annotations'));
  w.kv(0, 'Finalizers', goList(at(pv, 'metadata', 'finalizers')));
  w.kv(0, 'StorageClass', storageClass(pv));
  statusOrTerminating(w, pv, now);
  const ref = spec['claimRef'];
  w.kv(0, 'Claim', isObj(ref) ? `${str(ref['namespace'])}/${str(ref['name'])}` : '');
  w.kv(0, 'Reclaim Policy', str(spec['persistentVolumeReclaimPolicy']));
  w.kv(0, 'Access Modes', accessModes(spec['accessModes']));
  if (str(spec['volumeMode']) !== '') w.kv(0, 'VolumeMode', str(spec['volumeMode']));
  w.kv(0, 'Capacity', str(at(spec, 'capacity', 'storage')));
  w.kv(0, 'Node Affinity', isObj(spec['nodeAffinity']) ? '' : '<none>');
  w.kv(0, 'Message', str(at(pv, 'status', 'message')));
  w.section(0, 'Source');
  const key = Object.keys(PV_SOURCES).find((k) => isObj(spec[k]));
  if (key) {
    const src = obj(spec[key]);
    w.write(1, 'Type:', PV_SOURCES[key] ?? key);
    for (const [k, v] of Object.entries(src)) {
      if (!isObj(v) && !Array.isArray(v)) w.write(1, `${k.charAt(0).toUpperCase()}${k.slice(1)}:`, str(v));
    }
  }
}

/** kubectl's `describePersistentVolumeClaim` (without `Used By`, which needs the pods). */
export function describePersistentVolumeClaim(w: DescribeWriter, pvc: KubeObject, now: number): void {
  const spec = obj(pvc.spec);
  w.kv(0, 'Name', str(at(pvc, 'metadata', 'name')));
  w.kv(0, 'Namespace', str(at(pvc, 'metadata', 'namespace')));
  w.kv(0, 'StorageClass', storageClass(pvc));
  statusOrTerminating(w, pvc, now);
  w.kv(0, 'Volume', str(spec['volumeName']));
  writeLabels(w, 'Labels', at(pvc, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(pvc, 'metadata', 'annotations'));
  w.kv(0, 'Finalizers', goList(at(pvc, 'metadata', 'finalizers')));
  const bound = str(spec['volumeName']) !== '';
  w.kv(0, 'Capacity', bound ? str(at(pvc, 'status', 'capacity', 'storage')) : '');
  w.kv(0, 'Access Modes', bound ? accessModes(at(pvc, 'status', 'accessModes')) : '');
  if (str(spec['volumeMode']) !== '') w.kv(0, 'VolumeMode', str(spec['volumeMode']));
  if (isObj(spec['dataSource'])) {
    w.section(0, 'DataSource');
    w.write(1, 'Kind:', str(at(spec, 'dataSource', 'kind')));
    w.write(1, 'Name:', str(at(spec, 'dataSource', 'name')));
  }
  const conditions = objs(at(pvc, 'status', 'conditions'));
  if (conditions.length > 0) {
    w.section(0, 'Conditions');
    w.row(1, ['Type', 'Status', 'LastProbeTime', 'LastTransitionTime', 'Reason', 'Message'], 'header');
    w.row(1, ['----', '------', '-----------------', '------------------', '------', '-------'], 'dim');
    for (const c of conditions) {
      w.write(1, `${str(c['type'])} `, `${str(c['status'])} `, `${rfc1123z(c['lastProbeTime'])} `, `${rfc1123z(c['lastTransitionTime'])} `, `${str(c['reason'])} `, str(c['message']));
    }
  }
}
