import { formatLabels } from '../kinds/common.js';
import { arr, at, isObj, num, numOrUndef, obj, objs, str, type JsonObject } from '../kinds/json.js';
import { writeAnnotations, writeLabels } from './describe-meta.js';
import { writeContainers } from './describe-containers.js';
import type { DescribeWriter } from './describe-writer.js';

type VolumeWriter = (w: DescribeWriter, src: JsonObject) => void;

const bool = (v: unknown): string => String(v === true);

/** kubectl's per-source volume descriptions for the common sources; others print their type name. */
const VOLUME_SOURCES: Record<string, VolumeWriter> = {
  emptyDir: (w, s) => {
    w.write(2, 'Type:', "EmptyDir (a temporary directory that shares a pod's lifetime)");
    w.write(2, 'Medium:', str(s['medium']));
    w.write(2, 'SizeLimit:', str(s['sizeLimit']) || '<unset>');
  },
  hostPath: (w, s) => {
    w.write(2, 'Type:', 'HostPath (bare host directory volume)');
    w.write(2, 'Path:', str(s['path']));
    w.write(2, 'HostPathType:', str(s['type']));
  },
  configMap: (w, s) => {
    w.write(2, 'Type:', 'ConfigMap (a volume populated by a ConfigMap)');
    w.write(2, 'Name:', str(s['name']));
    w.write(2, 'Optional:', bool(s['optional']));
  },
  secret: (w, s) => {
    w.write(2, 'Type:', 'Secret (a volume populated by a Secret)');
    w.write(2, 'SecretName:', str(s['secretName']));
    w.write(2, 'Optional:', bool(s['optional']));
  },
  persistentVolumeClaim: (w, s) => {
    w.write(2, 'Type:', 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)');
    w.write(2, 'ClaimName:', str(s['claimName']));
    w.write(2, 'ReadOnly:', bool(s['readOnly']));
  },
  downwardAPI: (w, s) => {
    w.write(2, 'Type:', 'DownwardAPI (a volume populated by information about the pod)');
    w.write(2, 'Items:');
    for (const i of objs(s['items'])) {
      const field = str(at(i, 'fieldRef', 'fieldPath')) || str(at(i, 'resourceFieldRef', 'resource'));
      w.write(3, `${field} -> ${str(i['path'])}`);
    }
  },
  projected: (w, s) => {
    w.write(2, 'Type:', 'Projected (a volume that contains injected data from multiple sources)');
    for (const src of objs(s['sources'])) {
      if (isObj(src['serviceAccountToken'])) w.write(2, 'TokenExpirationSeconds:', String(num(at(src, 'serviceAccountToken', 'expirationSeconds'), 3600)));
      if (isObj(src['configMap'])) {
        w.write(2, 'ConfigMapName:', str(at(src, 'configMap', 'name')));
        w.write(2, 'Optional:', bool(at(src, 'configMap', 'optional')));
      }
      if (isObj(src['secret'])) {
        w.write(2, 'SecretName:', str(at(src, 'secret', 'name')));
        w.write(2, 'Optional:', bool(at(src, 'secret', 'optional')));
      }
      if (isObj(src['downwardAPI'])) w.write(2, 'DownwardAPI:', 'true');
    }
  },
  nfs: (w, s) => {
    w.write(2, 'Type:', 'NFS (an NFS mount that lasts the lifetime of a pod)');
    w.write(2, 'Server:', str(s['server']));
    w.write(2, 'Path:', str(s['path']));
    w.write(2, 'ReadOnly:', bool(s['readOnly']));
  },
  csi: (w, s) => {
    w.write(2, 'Type:', 'CSI (a Container Storage Interface (CSI) volume source)');
    w.write(2, 'Driver:', str(s['driver']));
    w.write(2, 'FSType:', str(s['fsType']));
    w.write(2, 'ReadOnly:', bool(s['readOnly']));
  },
  ephemeral: (w) => {
    w.write(2, 'Type:', 'EphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)');
  },
};

/** kubectl's `describeVolumes`; `space` is `'  '` inside a pod template. */
export function writeVolumes(w: DescribeWriter, volumes: unknown, space = ''): void {
  const list = objs(volumes);
  const title = `${space}Volumes:`;
  if (list.length === 0) {
    w.write(0, space === '' ? { text: title, style: 'accent' } : title, '<none>');
    return;
  }
  if (space === '') w.section(0, 'Volumes');
  else w.write(0, title);
  for (const v of list) {
    w.write(1, `${space === '' ? '' : ' '}${str(v['name'])}:`);
    const key = Object.keys(v).find((k) => k !== 'name' && isObj(v[k]));
    const writer = key ? VOLUME_SOURCES[key] : undefined;
    if (key && writer) writer(w, obj(v[key]));
    else w.write(2, 'Type:', key ?? '<unknown>');
  }
}

/** `key=value:effect op=Exists for 300s`, as kubectl's `printPodTolerationsMultiline`. */
export function formatToleration(t: JsonObject): string {
  let s = str(t['key']);
  if (str(t['value']) !== '') s += `=${str(t['value'])}`;
  if (str(t['effect']) !== '') s += `:${str(t['effect'])}`;
  if (str(t['operator']) === 'Exists' && str(t['value']) === '') s += s === '' ? 'op=Exists' : ' op=Exists';
  const secs = numOrUndef(t['tolerationSeconds']);
  if (secs !== undefined) s += ` for ${secs}s`;
  return s;
}

/** `Title:\tline` per item, `<none>` when empty; `indent` before the title. */
export function writeList(w: DescribeWriter, title: string, items: string[], indent = ''): void {
  const titleCell = indent === '' ? { text: `${title}:`, style: 'accent' as const } : `${indent}${title}:`;
  if (items.length === 0) {
    w.write(0, titleCell, '<none>');
    return;
  }
  items.forEach((it, i) => w.write(0, i === 0 ? titleCell : indent, it));
}

/** kubectl's `DescribePodTemplate` (workloads' `Pod Template:` section). */
export function writePodTemplate(w: DescribeWriter, template: unknown): void {
  w.section(0, 'Pod Template');
  if (!isObj(template)) {
    w.write(1, '<unset>');
    return;
  }
  writeLabels(w, 'Labels', at(template, 'metadata', 'labels'), '  ');
  if (Object.keys(obj(at(template, 'metadata', 'annotations'))).length > 0) writeAnnotations(w, 'Annotations', at(template, 'metadata', 'annotations'), '  ');
  const spec = obj(template['spec']);
  if (str(spec['serviceAccountName']) !== '') w.write(1, 'Service Account:', str(spec['serviceAccountName']));
  if (arr(spec['initContainers']).length > 0) writeContainers(w, 'Init Containers', spec['initContainers'], undefined, '  ');
  writeContainers(w, 'Containers', spec['containers'], undefined, '  ');
  writeVolumes(w, spec['volumes'], '  ');
  if (str(spec['priorityClassName']) !== '') w.write(1, 'Priority Class Name:', str(spec['priorityClassName']));
  const ns = formatLabels(spec['nodeSelector']);
  writeList(w, 'Node-Selectors', ns === '<none>' ? [] : ns.split(','), '  ');
  writeList(w, 'Tolerations', objs(spec['tolerations']).map(formatToleration), '  ');
}
