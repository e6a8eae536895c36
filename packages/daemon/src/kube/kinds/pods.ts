import { ageCol, col, nameCol, namespaceCol, orNone, statusCol } from './common.js';
import { ratioStyle } from './styles.js';
import { at, objs, str } from './json.js';
import { podReady, podRestarts, podStatus } from './pod-status.js';
import type { KindDef } from './types.js';

/** Succeeded or Failed: its containers are done (the status column says how it ended). */
function finished(o: unknown): boolean {
  const phase = str(at(o, 'status', 'phase'));
  return phase === 'Succeeded' || phase === 'Failed';
}

function podIP(o: unknown): string {
  const first = objs(at(o, 'status', 'podIPs'))[0];
  return orNone(str(first?.['ip']) || str(at(o, 'status', 'podIP')));
}

function readinessGates(o: unknown): string {
  const gates = objs(at(o, 'spec', 'readinessGates'));
  if (gates.length === 0) return '<none>';
  const conds = objs(at(o, 'status', 'conditions'));
  let ok = 0;
  for (const g of gates) {
    const c = conds.find((x) => str(x['type']) === str(g['conditionType']));
    if (c && str(c['status']) === 'True') ok++;
  }
  return `${ok}/${gates.length}`;
}

export const podsKind: KindDef = {
  id: 'pods',
  kind: 'Pod',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['po'],
  alias: 'POD',
  display: 'Pods',
  columns: [
    nameCol,
    namespaceCol,
    // Not all ready is a warning while the pod runs; a finished one (Completed, 0/1) is not waiting for anything.
    col('ready', 'READY', 'ratio', (o) => podReady(o), (o) => (finished(o) ? undefined : ratioStyle(podReady(o)))),
    statusCol('status', 'STATUS', (o) => podStatus(o)),
    { ...col('restarts', 'RESTARTS', 'number', (o, now) => podRestarts(o, now), undefined, 'right'), clock: true },
    ageCol,
    col('ip', 'IP', 'text', podIP),
    col('node', 'NODE', 'text', (o) => orNone(str(at(o, 'spec', 'nodeName')))),
    col('nominated-node', 'NOMINATED NODE', 'text', (o) => orNone(str(at(o, 'status', 'nominatedNodeName')))),
    col('readiness-gates', 'READINESS GATES', 'ratio', readinessGates),
    col('uid', 'UID', 'text', (o) => str(at(o, 'metadata', 'uid'))),
  ],
  // kubectl's columns; IP and NODE are wide ones (`-o wide`).
  defaultColumns: ['name', 'ready', 'status', 'restarts', 'age'],
  wideColumns: ['ip', 'node', 'nominated-node', 'readiness-gates'],
};
