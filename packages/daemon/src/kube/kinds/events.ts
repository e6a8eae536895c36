import type { KubeObject } from '../types.js';
import { ageSince } from './age.js';
import { col, nameCol, namespaceCol, numberCol } from './common.js';
import { at, num, str, timeMs } from './json.js';
import type { KindDef } from './types.js';

/** An event's first and last sighting and count as kubectl's `printEvent` works them out (series, eventTime, singletons). */
export function eventTimes(o: unknown): { first: unknown; last: unknown; count: number } {
  const first = timeMs(at(o, 'firstTimestamp')) !== undefined ? at(o, 'firstTimestamp') : at(o, 'eventTime');
  let last = timeMs(at(o, 'lastTimestamp')) !== undefined ? at(o, 'lastTimestamp') : first;
  let count = num(at(o, 'count'));
  const series = at(o, 'series');
  if (series !== undefined && series !== null) {
    last = at(series, 'lastObservedTime');
    count = num(at(series, 'count'));
  } else if (count === 0) count = 1; // singleton events of the new API carry no count
  return { first, last, count };
}

/** OBJECT: `pod/web-1` (the kind lower-cased), or the kind alone when the event names no object. */
export function eventObject(o: unknown): string {
  const kind = str(at(o, 'involvedObject', 'kind')).toLowerCase();
  const name = str(at(o, 'involvedObject', 'name'));
  return name !== '' ? `${kind}/${name}` : kind;
}

/** SOURCE: `component, host` (or the reporting controller and instance of the new API). */
function eventSource(o: unknown): string {
  const component = str(at(o, 'source', 'component')) || str(at(o, 'reportingComponent'));
  const host = str(at(o, 'source', 'host')) || str(at(o, 'reportingInstance'));
  if (component === '' && host === '') return '';
  return host === '' ? component : `${component}, ${host}`;
}

/**
 * A message on one line: a table row cannot hold line breaks (kubectl trims the ends too) — each run
 * of white space holding a line break is one space. In linear time: `/\s*[\r\n]+\s*` backtracked
 * over every run of spaces without a break (a message of 1 MB of spaces held the daemon for minutes).
 */
export function oneLine(s: string): string {
  return s.trim().replace(/\s+/g, (run) => (/[\r\n]/.test(run) ? ' ' : run));
}

const isWarning = (o: KubeObject): boolean => str(at(o, 'type')) === 'Warning';

/** Events as `kubectl get events` shows them, plus COUNT; newest first; Warning rows highlighted. */
export const eventsKind: KindDef = {
  id: 'events',
  kind: 'Event',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['ev'],
  alias: 'EVT',
  display: 'Events',
  columns: [
    nameCol,
    namespaceCol,
    col('last-seen', 'LAST SEEN', 'age', (o, now) => ageSince(eventTimes(o).last, now)),
    col('type', 'TYPE', 'text', (o) => str(at(o, 'type')), (o) => (isWarning(o) ? 'warn' : undefined)),
    col('reason', 'REASON', 'text', (o) => str(at(o, 'reason'))),
    col('object', 'OBJECT', 'text', eventObject),
    col('subobject', 'SUBOBJECT', 'text', (o) => str(at(o, 'involvedObject', 'fieldPath'))),
    col('source', 'SOURCE', 'text', eventSource),
    col('message', 'MESSAGE', 'text', (o) => oneLine(str(at(o, 'message')))),
    col('first-seen', 'FIRST SEEN', 'age', (o, now) => ageSince(eventTimes(o).first, now)),
    numberCol('count', 'COUNT', (o) => eventTimes(o).count),
  ],
  defaultColumns: ['last-seen', 'type', 'reason', 'object', 'count', 'message'],
  wideColumns: ['subobject', 'source', 'first-seen', 'name'],
  defaultSort: { column: 'last-seen', desc: false },
  rowStyle: (o) => (isWarning(o) ? 'warn' : undefined),
};
