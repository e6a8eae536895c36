import type { Style } from '@kubetile/rpc-schema';
import { ageSince } from '../kinds/age.js';
import { at, num, obj, objs, str, strMap, timeMs, type JsonObject } from '../kinds/json.js';
import type { KubeObject } from '../types.js';
import type { DescribeWriter } from './describe-writer.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** Go's `time.RFC1123Z` in UTC: `Mon, 24 Nov 2025 12:00:00 +0000`; '' when the timestamp is absent or bad. */
export function rfc1123z(timestamp: unknown): string {
  const t = timeMs(timestamp);
  if (t === undefined) return '';
  const d = new Date(t);
  return `${DAYS[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(
    d.getUTCMinutes(),
  )}:${p2(d.getUTCSeconds())} +0000`;
}

/**
 * kubectl's `printLabelsMultilineWithIndent`: `Title:\tk=v`, one label per line, sorted; `<none>` when empty.
 * `indent` is text before the title (`'  '` inside a pod template).
 */
export function writeLabels(w: DescribeWriter, title: string, labels: unknown, indent = ''): void {
  const m = strMap(labels);
  const keys = Object.keys(m).sort();
  const titleCell = { text: `${indent}${title}:`, style: indent === '' ? ('accent' as Style) : undefined };
  if (keys.length === 0) {
    w.write(0, titleCell, '<none>');
    return;
  }
  keys.forEach((k, i) => w.write(0, i === 0 ? titleCell : indent, `${k}=${m[k] ?? ''}`));
}

const MAX_ANNOTATION_LEN = 140;
const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 3)}...` : s);

/** kubectl's `printAnnotationsMultiline`: `key: value`, long or multi-line values on their own indented lines. */
export function writeAnnotations(w: DescribeWriter, title: string, annotations: unknown, indent = ''): void {
  const m = strMap(annotations);
  const keys = Object.keys(m)
    .filter((k) => !SKIP_ANNOTATIONS.has(k))
    .sort();
  const titleCell = { text: `${indent}${title}:`, style: indent === '' ? ('accent' as Style) : undefined };
  if (keys.length === 0) {
    w.write(0, titleCell, '<none>');
    return;
  }
  keys.forEach((k, i) => {
    const first = i === 0 ? titleCell : indent;
    const value = (m[k] ?? '').replace(/\n$/, '');
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, first, `${k}:`);
      for (const s of value.split('\n')) w.write(0, indent, `  ${shorten(s, MAX_ANNOTATION_LEN - 2)}`);
    } else {
      w.write(0, first, `${k}: ${value}`);
    }
  });
}

/** `Kind/name` of the controlling owner reference, '' when none (kubectl's `printController`). */
export function controllerOf(o: unknown): string {
  const ref = objs(at(o, 'metadata', 'ownerReferences')).find((r) => r['controller'] === true);
  return ref ? `${str(ref['kind'])}/${str(ref['name'])}` : '';
}

/** Name, Namespace (namespaced objects), Labels, Annotations — the head most describers share. */
export function writeHead(w: DescribeWriter, o: KubeObject, namespaced: boolean): void {
  w.kv(0, 'Name', str(at(o, 'metadata', 'name')));
  if (namespaced) w.kv(0, 'Namespace', str(at(o, 'metadata', 'namespace')));
  writeLabels(w, 'Labels', at(o, 'metadata', 'labels'));
  writeAnnotations(w, 'Annotations', at(o, 'metadata', 'annotations'));
}

/** Go's `%v` of a string slice: `[a b]`. */
export function goList(v: unknown): string {
  return `[${(Array.isArray(v) ? v : []).map(str).join(' ')}]`;
}

/** Go's `%v` of a bool pointer as kubectl's `printBoolPtr`: True/False. */
export function boolPtr(v: unknown): string {
  return v === true ? 'True' : 'False';
}

/** An int-or-string (`25%`, `8080`, `http`). */
export function intOrString(v: unknown): string {
  return str(v);
}

// ---- events ----

function involved(e: JsonObject): JsonObject {
  return obj(e['involvedObject'] ?? e['regarding']);
}

/** Whether an Event (core/v1 or events.k8s.io/v1) is about `o`: same uid when both carry one, else same kind+name. */
export function eventIsAbout(e: JsonObject, o: KubeObject): boolean {
  const inv = involved(e);
  const uid = str(at(o, 'metadata', 'uid'));
  const invUid = str(inv['uid']);
  if (uid !== '' && invUid !== '') return uid === invUid;
  if (str(inv['name']) !== str(at(o, 'metadata', 'name'))) return false;
  const kind = str(o.kind);
  const invKind = str(inv['kind']);
  if (kind !== '' && invKind !== '' && kind !== invKind) return false;
  const ns = str(at(o, 'metadata', 'namespace'));
  const invNs = str(inv['namespace']);
  return ns === '' || invNs === '' || ns === invNs;
}

function lastSeen(e: JsonObject): number {
  return (
    timeMs(at(e, 'series', 'lastObservedTime')) ??
    timeMs(e['lastTimestamp']) ??
    timeMs(e['deprecatedLastTimestamp']) ??
    timeMs(e['eventTime']) ??
    timeMs(e['firstTimestamp']) ??
    timeMs(at(e, 'metadata', 'creationTimestamp')) ??
    0
  );
}

/** The events about `o`, oldest first (kubectl's `SortableEvents`). */
export function eventsAbout(o: KubeObject, events: readonly KubeObject[]): JsonObject[] {
  return events
    .map((e) => obj(e))
    .filter((e) => eventIsAbout(e, o))
    .map((e, i) => ({ e, i, t: lastSeen(e) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}

/** AGE of an event as kubectl describe prints it: `5m`, or `5m (x3 over 2d)` for repeats. */
export function eventInterval(e: JsonObject, now: number): string {
  const first = e['eventTime'] ? ageSince(e['eventTime'], now) : ageSince(e['firstTimestamp'] ?? e['deprecatedFirstTimestamp'], now);
  const series = obj(e['series']);
  if (Object.keys(series).length > 0) return `${ageSince(series['lastObservedTime'], now)} (x${num(series['count'])} over ${first})`;
  const count = num(e['count'] ?? e['deprecatedCount']);
  if (count > 1) return `${ageSince(e['lastTimestamp'] ?? e['deprecatedLastTimestamp'], now)} (x${count} over ${first})`;
  return first;
}

/** kubectl's `DescribeEvents`: `Events:\t<none>`, or a Type/Reason/Age/From/Message table. */
export function writeEvents(w: DescribeWriter, o: KubeObject, events: readonly KubeObject[], now: number): void {
  const list = eventsAbout(o, events);
  if (list.length === 0) {
    w.kv(0, 'Events', '<none>');
    return;
  }
  w.section(0, 'Events');
  w.row(1, ['Type', 'Reason', 'Age', 'From', 'Message'], 'header');
  w.row(1, ['----', '------', '----', '----', '-------'], 'dim');
  for (const e of list) {
    const type = str(e['type']);
    const from = str(at(e, 'source', 'component')) || str(at(e, 'deprecatedSource', 'component')) || str(e['reportingController']);
    const message = (str(e['message']) || str(e['note'])).trim();
    w.row(1, [{ text: type, style: type === 'Warning' ? 'warn' : undefined }, str(e['reason']), eventInterval(e, now), from, message]);
  }
}
