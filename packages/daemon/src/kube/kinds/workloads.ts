import { ageCol, col, containerNamesCol, formatLabels, formatSelector, imagesCol, nameCol, namespaceCol, numberCol, ratioCol } from './common.js';
import { at, num, numOrUndef } from './json.js';
import type { KindDef } from './types.js';

/** `spec.replicas` defaults to 1 when unset (the API server defaults it; be safe with partial objects). */
function desiredReplicas(o: unknown): number {
  return numOrUndef(at(o, 'spec', 'replicas')) ?? 1;
}

const selectorCol = col('selector', 'SELECTOR', 'text', (o) => formatSelector(at(o, 'spec', 'selector')));

export const deploymentsKind: KindDef = {
  id: 'deployments',
  kind: 'Deployment',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  shortNames: ['deploy'],
  alias: 'DEP',
  display: 'Deployments',
  columns: [
    nameCol,
    namespaceCol,
    ratioCol('ready', 'READY', (o) => `${num(at(o, 'status', 'readyReplicas'))}/${desiredReplicas(o)}`),
    numberCol('up-to-date', 'UP-TO-DATE', (o) => num(at(o, 'status', 'updatedReplicas'))),
    numberCol('available', 'AVAILABLE', (o) => num(at(o, 'status', 'availableReplicas'))),
    ageCol,
    containerNamesCol('spec', 'template', 'spec'),
    imagesCol('spec', 'template', 'spec'),
    selectorCol,
  ],
  defaultColumns: ['name', 'ready', 'up-to-date', 'available', 'age'],
  wideColumns: ['containers', 'images', 'selector'],
};

export const statefulSetsKind: KindDef = {
  id: 'statefulsets',
  kind: 'StatefulSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  shortNames: ['sts'],
  alias: 'STS',
  display: 'StatefulSets',
  columns: [
    nameCol,
    namespaceCol,
    ratioCol('ready', 'READY', (o) => `${num(at(o, 'status', 'readyReplicas'))}/${desiredReplicas(o)}`),
    ageCol,
    containerNamesCol('spec', 'template', 'spec'),
    imagesCol('spec', 'template', 'spec'),
  ],
  defaultColumns: ['name', 'ready', 'age'],
  wideColumns: ['containers', 'images'],
};

export const daemonSetsKind: KindDef = {
  id: 'daemonsets',
  kind: 'DaemonSet',
  group: 'apps',
  version: 'v1',
  namespaced: true,
  shortNames: ['ds'],
  alias: 'DMS',
  display: 'DaemonSets',
  columns: [
    nameCol,
    namespaceCol,
    numberCol('desired', 'DESIRED', (o) => num(at(o, 'status', 'desiredNumberScheduled'))),
    numberCol('current', 'CURRENT', (o) => num(at(o, 'status', 'currentNumberScheduled'))),
    // kubectl prints READY as a bare count for daemonsets; warn while it trails DESIRED.
    col(
      'ready',
      'READY',
      'number',
      (o) => String(num(at(o, 'status', 'numberReady'))),
      (o) => (num(at(o, 'status', 'numberReady')) < num(at(o, 'status', 'desiredNumberScheduled')) ? 'warn' : undefined),
      'right',
    ),
    numberCol('up-to-date', 'UP-TO-DATE', (o) => num(at(o, 'status', 'updatedNumberScheduled'))),
    numberCol('available', 'AVAILABLE', (o) => num(at(o, 'status', 'numberAvailable'))),
    col('node-selector', 'NODE SELECTOR', 'text', (o) => formatLabels(at(o, 'spec', 'template', 'spec', 'nodeSelector'))),
    ageCol,
    containerNamesCol('spec', 'template', 'spec'),
    imagesCol('spec', 'template', 'spec'),
    selectorCol,
  ],
  defaultColumns: ['name', 'desired', 'current', 'ready', 'up-to-date', 'available', 'node-selector', 'age'],
  wideColumns: ['containers', 'images', 'selector'],
};
