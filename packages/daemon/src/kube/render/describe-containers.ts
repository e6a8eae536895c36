import { at, isObj, num, numOrUndef, obj, objs, str, type JsonObject } from '../kinds/json.js';
import { statusStyle } from '../kinds/styles.js';
import { goList, intOrString, rfc1123z } from './describe-meta.js';
import type { DescribeWriter } from './describe-writer.js';
import { compareCodeUnits } from '../../util/compare-text.js';

/** `80/TCP, 443/TCP` (kubectl's `describeContainerPorts`). */
function containerPorts(c: JsonObject, key: 'containerPort' | 'hostPort'): string {
  return objs(c['ports'])
    .map((p) => `${num(p[key])}/${str(p['protocol']) || 'TCP'}`)
    .join(', ');
}

const orNone = (s: string): string => (s === '' ? '<none>' : s);

/** kubectl's `DescribeProbe`. */
export function describeProbe(p: JsonObject): string {
  const attrs = `delay=${num(p['initialDelaySeconds'])}s timeout=${num(p['timeoutSeconds'], 1)}s period=${num(p['periodSeconds'], 10)}s #success=${num(
    p['successThreshold'],
    1,
  )} #failure=${num(p['failureThreshold'], 3)}`;
  if (isObj(p['exec'])) return `exec ${goList(at(p, 'exec', 'command'))} ${attrs}`;
  if (isObj(p['httpGet'])) {
    const h = p['httpGet'];
    const scheme = (str(h['scheme']) || 'HTTP').toLowerCase();
    const port = intOrString(h['port']);
    const host = str(h['host']);
    const hostPort = port !== '' ? `${host.includes(':') ? `[${host}]` : host}:${port}` : host;
    return `http-get ${scheme}://${hostPort}${str(h['path'])} ${attrs}`;
  }
  if (isObj(p['tcpSocket'])) return `tcp-socket ${str(at(p, 'tcpSocket', 'host'))}:${intOrString(at(p, 'tcpSocket', 'port'))} ${attrs}`;
  if (isObj(p['grpc'])) return `grpc <pod>:${num(at(p, 'grpc', 'port'))} ${str(at(p, 'grpc', 'service'))} ${attrs}`;
  return `unknown ${attrs}`;
}

function writeState(w: DescribeWriter, name: string, state: unknown): void {
  const s = obj(state);
  if (isObj(s['running'])) {
    w.write(2, `${name}:`, { text: 'Running', style: 'ok' });
    w.write(3, 'Started:', rfc1123z(at(s, 'running', 'startedAt')));
  } else if (isObj(s['waiting'])) {
    const reason = str(at(s, 'waiting', 'reason'));
    w.write(2, `${name}:`, { text: 'Waiting', style: 'warn' });
    if (reason !== '') w.write(3, 'Reason:', { text: reason, style: statusStyle(reason) ?? 'warn' });
    const message = str(at(s, 'waiting', 'message'));
    if (message !== '') w.write(3, 'Message:', message);
  } else if (isObj(s['terminated'])) {
    const t = s['terminated'];
    const reason = str(t['reason']);
    const exit = num(t['exitCode']);
    w.write(2, `${name}:`, { text: 'Terminated', style: exit === 0 ? undefined : 'error' });
    if (reason !== '') w.write(3, 'Reason:', { text: reason, style: statusStyle(reason) });
    if (str(t['message']) !== '') w.write(3, 'Message:', str(t['message']));
    w.write(3, 'Exit Code:', String(exit));
    if (num(t['signal']) > 0) w.write(3, 'Signal:', String(num(t['signal'])));
    w.write(3, 'Started:', rfc1123z(t['startedAt']));
    w.write(3, 'Finished:', rfc1123z(t['finishedAt']));
  } else {
    w.write(2, `${name}:`, 'Waiting');
  }
}

function writeResources(w: DescribeWriter, resources: unknown): void {
  for (const [title, key] of [
    ['Limits', 'limits'],
    ['Requests', 'requests'],
  ] as const) {
    const list = obj(at(resources, key));
    const names = Object.keys(list).sort();
    if (names.length === 0) continue;
    w.write(2, `${title}:`);
    for (const n of names) w.write(3, `${n}:`, str(list[n]));
  }
}

function writeEnv(w: DescribeWriter, c: JsonObject): void {
  const envFrom = objs(c['envFrom']);
  if (envFrom.length > 0) {
    w.write(2, 'Environment Variables from:');
    for (const e of envFrom) {
      const cm = obj(e['configMapRef']);
      const sec = obj(e['secretRef']);
      const [from, ref] = Object.keys(cm).length > 0 ? ['ConfigMap', cm] : ['Secret', sec];
      const prefix = str(e['prefix']);
      w.write(3, str(ref['name']), prefix === '' ? from : `${from} with prefix '${prefix}'`, `Optional: ${ref['optional'] === true}`);
    }
  }
  const env = objs(c['env']);
  if (env.length === 0) {
    w.write(2, 'Environment:', '<none>');
  } else {
    w.write(2, 'Environment:');
  }
  for (const e of env) {
    const name = str(e['name']);
    const from = obj(e['valueFrom']);
    if (Object.keys(from).length === 0) {
      str(e['value'])
        .split('\n')
        .forEach((s, i) => (i === 0 ? w.write(3, `${name}:`, s) : w.write(3, '', s)));
    } else if (isObj(from['fieldRef'])) {
      w.write(3, `${name}:`, ` (${str(at(from, 'fieldRef', 'apiVersion')) || 'v1'}:${str(at(from, 'fieldRef', 'fieldPath'))})`);
    } else if (isObj(from['resourceFieldRef'])) {
      w.write(3, `${name}:`, ` (${str(at(from, 'resourceFieldRef', 'resource'))})`);
    } else if (isObj(from['secretKeyRef'])) {
      const r = from['secretKeyRef'];
      w.write(3, `${name}:`, `<set to the key '${str(r['key'])}' in secret '${str(r['name'])}'>`, `Optional: ${r['optional'] === true}`);
    } else if (isObj(from['configMapKeyRef'])) {
      const r = from['configMapKeyRef'];
      w.write(3, `${name}:`, `<set to the key '${str(r['key'])}' of config map '${str(r['name'])}'>`, `Optional: ${r['optional'] === true}`);
    } else {
      w.write(3, `${name}:`, '<unknown source>');
    }
  }
}

function writeMounts(w: DescribeWriter, c: JsonObject): void {
  const mounts = objs(c['volumeMounts']).sort((a, b) => compareCodeUnits(str(a['mountPath']), str(b['mountPath'])));
  if (mounts.length === 0) {
    w.write(2, 'Mounts:', '<none>');
    return;
  }
  w.write(2, 'Mounts:');
  for (const m of mounts) {
    const flags = [m['readOnly'] === true ? 'ro' : 'rw'];
    if (str(m['subPath']) !== '') flags.push(`path=${JSON.stringify(str(m['subPath']))}`);
    w.write(3, `${str(m['mountPath'])} from ${str(m['name'])} (${flags.join(',')})`);
  }
}

/**
 * kubectl's `describeContainers`: each container's image, ports, command, state (when `statuses` is given, i.e. a
 * pod rather than a template), resources, probes, environment and mounts. `space` is `'  '` inside a pod template.
 */
export function writeContainers(w: DescribeWriter, label: string, containers: unknown, statuses: unknown[] | undefined, space = ''): void {
  const byName = new Map<string, JsonObject>();
  for (const s of objs(statuses)) byName.set(str(s['name']), s);
  const list = objs(containers);
  if (space === '') w.section(0, label);
  else w.write(0, `${space}${label}:`);
  for (const c of list) {
    const st = statuses ? byName.get(str(c['name'])) : undefined;
    w.write(1, `${space === '' ? '' : ' '}${str(c['name'])}:`);
    if (st) w.write(2, 'Container ID:', str(st['containerID']));
    w.write(2, 'Image:', str(c['image']));
    if (st) w.write(2, 'Image ID:', str(st['imageID']));
    const ports = containerPorts(c, 'containerPort');
    w.write(2, ports.includes(',') ? 'Ports:' : 'Port:', orNone(ports));
    const hostPorts = containerPorts(c, 'hostPort');
    w.write(2, hostPorts.includes(',') ? 'Host Ports:' : 'Host Port:', orNone(hostPorts));
    for (const [title, key] of [
      ['Command', 'command'],
      ['Args', 'args'],
    ] as const) {
      const items = Array.isArray(c[key]) ? (c[key] as unknown[]).map(str) : [];
      if (items.length === 0) continue;
      w.write(2, `${title}:`);
      for (const item of items) for (const s of item.split('\n')) w.write(3, s);
    }
    if (st) {
      writeState(w, 'State', st['state']);
      if (isObj(at(st, 'lastState', 'terminated'))) writeState(w, 'Last State', st['lastState']);
      w.write(2, 'Ready:', { text: st['ready'] === true ? 'True' : 'False', style: st['ready'] === true ? undefined : 'warn' });
      const restarts = numOrUndef(st['restartCount']) ?? 0;
      w.write(2, 'Restart Count:', { text: String(restarts), style: restarts > 0 ? 'warn' : undefined });
    }
    writeResources(w, c['resources']);
    for (const [title, key] of [
      ['Liveness', 'livenessProbe'],
      ['Readiness', 'readinessProbe'],
      ['Startup', 'startupProbe'],
    ] as const) {
      if (isObj(c[key])) w.write(2, `${title}:`, describeProbe(c[key]));
    }
    writeEnv(w, c);
    writeMounts(w, c);
  }
}
