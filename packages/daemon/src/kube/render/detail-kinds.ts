import type { Style } from '@kubetile/rpc-schema';
import { builtinKindName } from './builtin-kind-name.js';
import { arr, at, isObj, num, obj, objs, str } from '../kinds/json.js';
import { podSummary } from '../kinds/pod-status.js';
import { statusStyle } from '../kinds/styles.js';
import type { ColumnDef, KindDef } from '../kinds/types.js';
import type { KubeObject } from '../types.js';
import { base64Bytes } from './describe-config.js';
import { podQOS } from './describe-pod.js';
import { agoText, whenText } from './detail-sections.js';
import type { DetailWriter } from './detail-writer.js';

const LABELS: Record<string, string> = {
  ip: 'IP',
  'cluster-ip': 'Cluster IP',
  'external-ip': 'External IP',
  'internal-ip': 'Internal IP',
  'os-image': 'OS Image',
  'up-to-date': 'Up-to-date',
  ports: 'Ports',
  'node-selector': 'Node Selector',
  'last-schedule': 'Last Schedule',
  'access-modes': 'Access Modes',
  'reclaim-policy': 'Reclaim Policy',
  storageclass: 'Storage Class',
  volumeattributesclass: 'Volume Attributes Class',
  volumemode: 'Volume Mode',
  'nominated-node': 'Nominated Node',
  'readiness-gates': 'Readiness Gates',
  'kernel-version': 'Kernel Version',
  'container-runtime': 'Container Runtime',
};

/** A column's label in a detail view: `CLUSTER-IP` → `Cluster IP`, `COMPLETIONS` → `Completions`. */
export function columnLabel(c: ColumnDef): string {
  const known = LABELS[c.id];
  if (known) return known;
  const t = c.title.toLowerCase();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** Columns not repeated in the status summary (they are in Metadata, or pod-specific rows replace them). */
const SKIP = new Set(['name', 'namespace', 'age', 'uid', 'restarts']);
/** Wide columns left out of the summary when they have nothing to say. */
const OPTIONAL = new Set(['nominated-node', 'readiness-gates', 'selector', 'timezone', 'external-ip']);

/**
 * The kind's status summary: every list column except name/namespace/age (same text and style as the list),
 * then per-kind extras (pod phase/QoS/start, job timing, node info…).
 */
export function writeStatusSection(w: DetailWriter, o: KubeObject, kind: KindDef | undefined, now: number | undefined): void {
  w.section('Status');
  const k = builtinKindName(o, kind);
  let rows = 0;
  const kv = (key: string, value: string, style?: Style): void => {
    rows++;
    w.kv(key, value, style);
  };
  if (k === 'Pod') {
    const s = podSummary(o);
    kv('Status', s.status, statusStyle(s.status));
    kv('Phase', str(at(o, 'status', 'phase')) || '<unknown>');
  }
  for (const c of kind?.columns ?? []) {
    if (SKIP.has(c.id) || (k === 'Pod' && c.id === 'status')) continue;
    if (now === undefined && (c.sort === 'age' || c.id === 'duration')) continue;
    const value = c.cell(o, now ?? 0);
    if (OPTIONAL.has(c.id) && value === '<none>') continue;
    kv(columnLabel(c), value, c.style?.(o, now ?? 0));
  }
  switch (k) {
    case 'Pod': {
      const s = podSummary(o);
      const last = s.lastRestartMs !== undefined && now !== undefined ? ` (last ${agoText(new Date(s.lastRestartMs).toISOString(), now)})` : '';
      kv('Restarts', `${s.restarts}${s.restarts > 0 ? last : ''}`, s.restarts > 0 ? 'warn' : undefined);
      kv('QoS Class', podQOS(o));
      if (at(o, 'status', 'startTime')) kv('Started', whenText(at(o, 'status', 'startTime'), now));
      if (str(at(o, 'spec', 'serviceAccountName'))) kv('Service Account', str(at(o, 'spec', 'serviceAccountName')));
      if (str(at(o, 'status', 'message'))) kv('Message', str(at(o, 'status', 'message')), 'warn');
      break;
    }
    case 'Deployment':
      kv('Strategy', str(at(o, 'spec', 'strategy', 'type')));
      kv(
        'Replicas',
        `${num(at(o, 'status', 'replicas'))} total, ${num(at(o, 'status', 'updatedReplicas'))} updated, ${num(at(o, 'status', 'unavailableReplicas'))} unavailable`,
      );
      break;
    case 'Job':
      kv('Active / Succeeded / Failed', `${num(at(o, 'status', 'active'))} / ${num(at(o, 'status', 'succeeded'))} / ${num(at(o, 'status', 'failed'))}`, num(at(o, 'status', 'failed')) > 0 ? 'warn' : undefined);
      if (at(o, 'status', 'startTime')) kv('Started', whenText(at(o, 'status', 'startTime'), now));
      if (at(o, 'status', 'completionTime')) kv('Completed', whenText(at(o, 'status', 'completionTime'), now));
      break;
    case 'CronJob':
      kv('Concurrency Policy', str(at(o, 'spec', 'concurrencyPolicy')) || 'Allow');
      if (at(o, 'status', 'lastSuccessfulTime')) kv('Last Successful', whenText(at(o, 'status', 'lastSuccessfulTime'), now));
      break;
    case 'Service':
      kv('Session Affinity', str(at(o, 'spec', 'sessionAffinity')) || 'None');
      break;
    case 'Node':
      kv('Unschedulable', String(at(o, 'spec', 'unschedulable') === true), at(o, 'spec', 'unschedulable') === true ? 'warn' : undefined);
      kv('OS / Arch', `${str(at(o, 'status', 'nodeInfo', 'operatingSystem'))}/${str(at(o, 'status', 'nodeInfo', 'architecture'))}`);
      break;
    default:
      if (!kind || kind.columns.every((c) => SKIP.has(c.id))) {
        // Discovered kinds: the scalar fields of status (phase, observedGeneration, …).
        for (const [key, v] of Object.entries(obj(o.status))) {
          if (v === null || typeof v === 'object') continue;
          kv(key, str(v), key === 'phase' || key === 'state' ? statusStyle(str(v)) : undefined);
        }
      }
  }
  if (rows === 0) w.none();
}

/** Kind-specific extra sections: service ports, ingress rules, config data keys, node capacity, cron active jobs. */
export function writeKindSections(w: DetailWriter, o: KubeObject, kind: KindDef | undefined): void {
  const k = builtinKindName(o, kind);
  switch (k) {
    case 'Service': {
      w.section('Ports');
      const ports = objs(at(o, 'spec', 'ports'));
      if (ports.length === 0) w.none();
      else w.cells([{ text: 'NAME' }, { text: 'PORT' }, { text: 'TARGET' }, { text: 'NODE PORT' }], 'dim');
      for (const p of ports) {
        const proto = str(p['protocol']) || 'TCP';
        w.cells([
          { text: str(p['name']) || '<unset>' },
          { text: `${num(p['port'])}/${proto}` },
          { text: str(p['targetPort']) || String(num(p['port'])) },
          { text: num(p['nodePort']) > 0 ? String(num(p['nodePort'])) : '' },
        ]);
      }
      w.section('Selector');
      const sel = obj(at(o, 'spec', 'selector'));
      if (Object.keys(sel).length === 0) w.none();
      for (const key of Object.keys(sel).sort()) w.text(`${key}=${str(sel[key])}`);
      break;
    }
    case 'Ingress': {
      w.section('Rules');
      const rules = objs(at(o, 'spec', 'rules'));
      if (rules.length === 0) w.none();
      else w.cells([{ text: 'HOST' }, { text: 'PATH' }, { text: 'BACKEND' }], 'dim');
      for (const r of rules) {
        const paths = objs(at(r, 'http', 'paths'));
        if (paths.length === 0) w.cells([{ text: str(r['host']) || '*' }, { text: '' }, { text: '' }]);
        for (const p of paths) {
          const svc = obj(at(p, 'backend', 'service'));
          const port = str(at(svc, 'port', 'name')) || String(num(at(svc, 'port', 'number')));
          w.cells([{ text: str(r['host']) || '*' }, { text: str(p['path']) || '/' }, { text: isObj(at(p, 'backend', 'service')) ? `${str(svc['name'])}:${port}` : str(at(p, 'backend', 'resource', 'name')) }]);
        }
      }
      const tls = objs(at(o, 'spec', 'tls'));
      if (tls.length > 0) {
        w.section('TLS');
        for (const t of tls) w.text(`${str(t['secretName']) || '<SNI>'} terminates ${arr(t['hosts']).map(str).join(',')}`);
      }
      break;
    }
    case 'ConfigMap':
    case 'Secret': {
      w.section('Data');
      const data = obj(o['data']);
      const bin = obj(o['binaryData']);
      const keys = [...Object.keys(data), ...Object.keys(bin)].sort();
      if (keys.length === 0) w.none();
      for (const key of keys) {
        const v = str(data[key] ?? bin[key]);
        const size = k === 'Secret' || key in bin ? `${base64Bytes(v)} bytes` : `${v.length} chars, ${v === '' ? 0 : v.replace(/\n$/, '').split('\n').length} lines`;
        w.kv(key, size, 'dim');
      }
      break;
    }
    case 'Node': {
      w.section('Addresses');
      const addrs = objs(at(o, 'status', 'addresses'));
      if (addrs.length === 0) w.none();
      for (const a of addrs) w.kv(str(a['type']), str(a['address']));
      w.section('Capacity');
      const cap = obj(at(o, 'status', 'capacity'));
      const alloc = obj(at(o, 'status', 'allocatable'));
      const names = [...new Set([...Object.keys(cap), ...Object.keys(alloc)])].sort();
      if (names.length === 0) w.none();
      else w.cells([{ text: 'RESOURCE' }, { text: 'CAPACITY' }, { text: 'ALLOCATABLE' }], 'dim');
      for (const n of names) w.cells([{ text: n }, { text: str(cap[n]) }, { text: str(alloc[n]) }]);
      w.section('Taints');
      const taints = objs(at(o, 'spec', 'taints'));
      if (taints.length === 0) w.none();
      for (const t of taints) w.text(`${str(t['key'])}${str(t['value']) ? `=${str(t['value'])}` : ''}:${str(t['effect'])}`, 'warn');
      break;
    }
    case 'CronJob': {
      w.section('Active Jobs');
      const active = objs(at(o, 'status', 'active'));
      if (active.length === 0) w.none();
      for (const j of active) w.text(str(j['name']));
      break;
    }
    default:
      break;
  }
}
