import { arr, at, isObj, obj, str } from '../kinds/json.js';
import type { KindDef } from '../kinds/types.js';
import type { KubeObject } from '../types.js';
import { builtinKindName } from './builtin-kind-name.js';
import { writeKindSections, writeStatusSection } from './detail-kinds.js';
import {
  writeAnnotationsSection,
  writeConditionsSection,
  writeContainersSection,
  writeLabelsSection,
  writeOwnerSection,
  whenText,
} from './detail-sections.js';
import { DetailWriter } from './detail-writer.js';
import { plain, type Line } from './lines.js';

/** Where a kind keeps its pod spec: pods directly, workloads in a template, cron jobs one level deeper. */
export function podSpecOf(o: KubeObject, kindName: string): { spec: unknown; isPod: boolean } | undefined {
  if (kindName === 'Pod') return { spec: o.spec, isPod: true };
  const template = at(o, 'spec', 'template', 'spec');
  if (isObj(template) && Array.isArray(template['containers'])) return { spec: template, isPod: false };
  const cron = at(o, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
  if (isObj(cron) && Array.isArray(cron['containers'])) return { spec: cron, isPod: false };
  return undefined;
}

function apiVersionOf(o: KubeObject, kind: KindDef | undefined): string {
  if (str(o.apiVersion)) return str(o.apiVersion);
  if (!kind) return '';
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/**
 * A structured summary of `obj` for the detail pane, in sections that each start with a `header` line:
 * Metadata, Status (the kind's list columns plus kind-specific facts), Owner, Labels, Annotations (long values
 * cut with …), Conditions (when the object has any), Containers (pods and pod templates), then kind extras
 * (service ports, ingress rules, data keys, node addresses/capacity…). Pass `now` for ages (`3d ago`);
 * without it timestamps are shown bare. Never throws.
 */
export function renderDetail(obj_: KubeObject, kind: KindDef | undefined, now?: number): Line[] {
  if (!isObj(obj_)) return [plain('<no object>', 'dim')];
  const o: KubeObject = isObj(obj_.metadata) ? obj_ : { ...obj_, metadata: { name: '', uid: '' } };
  const n = typeof now === 'number' && Number.isFinite(now) ? now : undefined;
  try {
    const w = new DetailWriter();
    const kindName = kind?.kind || str(o.kind);
    /** Kind-specific sections only for the built-in kind (a custom resource named `Pod` is not one). */
    const builtin = builtinKindName(o, kind);
    const meta = obj(o.metadata);
    w.section('Metadata');
    const av = apiVersionOf(o, kind);
    w.kv('Kind', av ? `${kindName || '<unknown>'} (${av})` : kindName || '<unknown>', 'accent');
    w.kv('Name', str(meta['name']));
    if (str(meta['namespace']) || kind?.namespaced) w.kv('Namespace', str(meta['namespace']) || '<none>');
    w.kv('UID', str(meta['uid']) || '<none>');
    w.kv('Created', whenText(meta['creationTimestamp'], n));
    if (str(meta['resourceVersion'])) w.kv('Resource Version', str(meta['resourceVersion']));
    if (meta['generation'] !== undefined) w.kv('Generation', str(meta['generation']));
    if (str(meta['deletionTimestamp'])) w.kv('Deleting Since', whenText(meta['deletionTimestamp'], n), 'warn');
    const finalizers = arr(meta['finalizers']).map(str);
    if (finalizers.length > 0) w.kv('Finalizers', finalizers.join(', '));

    writeStatusSection(w, o, kind, n);
    writeOwnerSection(w, o);
    writeLabelsSection(w, meta['labels']);
    writeAnnotationsSection(w, meta['annotations']);
    const conditions = at(o, 'status', 'conditions');
    if (Array.isArray(conditions) || ['Pod', 'Deployment', 'Node', 'Job', 'StatefulSet', 'DaemonSet'].includes(builtin)) {
      writeConditionsSection(w, conditions, n);
    }
    const pod = podSpecOf(o, builtin);
    if (pod) writeContainersSection(w, pod.spec, pod.isPod ? obj(o.status) : undefined, n);
    writeKindSections(w, o, kind);
    return w.lines();
  } catch (e) {
    return [plain(`cannot render details: ${e instanceof Error ? e.message : String(e)}`, 'error')];
  }
}
