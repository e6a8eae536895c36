import { ageCol, col, nameCol, namespaceCol, statusCol } from './common.js';
import { arr, at, str } from './json.js';
import type { KindDef } from './types.js';

const MODES: Array<[string, string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** kubectl's `GetAccessModesAsString`: `RWO,ROX,RWX,RWOP` in that fixed order, each at most once. */
export function accessModes(v: unknown): string {
  const set = new Set(arr(v).map(str));
  return MODES.filter(([full]) => set.has(full))
    .map(([, short]) => short)
    .join(',');
}

const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** The storage class: the beta annotation wins (as in kubectl's helpers), then `spec.storageClassName`. */
export function storageClass(o: unknown): string {
  const beta = at(o, 'metadata', 'annotations', BETA_CLASS);
  if (typeof beta === 'string') return beta;
  return str(at(o, 'spec', 'storageClassName'));
}

function terminatingOr(o: unknown, phase: string): string {
  return str(at(o, 'metadata', 'deletionTimestamp')) !== '' ? 'Terminating' : phase;
}

export const persistentVolumesKind: KindDef = {
  id: 'persistentvolumes',
  kind: 'PersistentVolume',
  group: '',
  version: 'v1',
  namespaced: false,
  shortNames: ['pv'],
  alias: 'PVS',
  display: 'PersistentVolumes',
  columns: [
    nameCol,
    col('capacity', 'CAPACITY', 'text', (o) => str(at(o, 'spec', 'capacity', 'storage'))),
    col('access-modes', 'ACCESS MODES', 'text', (o) => accessModes(at(o, 'spec', 'accessModes'))),
    col('reclaim-policy', 'RECLAIM POLICY', 'text', (o) => str(at(o, 'spec', 'persistentVolumeReclaimPolicy'))),
    statusCol('status', 'STATUS', (o) => terminatingOr(o, str(at(o, 'status', 'phase')))),
    col('claim', 'CLAIM', 'text', (o) => {
      const ref = at(o, 'spec', 'claimRef');
      return ref === undefined || ref === null ? '' : `${str(at(ref, 'namespace'))}/${str(at(ref, 'name'))}`;
    }),
    col('storageclass', 'STORAGECLASS', 'text', storageClass),
    col('volumeattributesclass', 'VOLUMEATTRIBUTESCLASS', 'text', (o) => str(at(o, 'spec', 'volumeAttributesClassName')) || '<unset>'),
    col('reason', 'REASON', 'text', (o) => str(at(o, 'status', 'reason'))),
    ageCol,
    col('volumemode', 'VOLUMEMODE', 'text', (o) => str(at(o, 'spec', 'volumeMode')) || '<unset>'),
  ],
  defaultColumns: ['name', 'capacity', 'access-modes', 'reclaim-policy', 'status', 'claim', 'storageclass', 'volumeattributesclass', 'reason', 'age'],
  wideColumns: ['volumemode'],
};

export const persistentVolumeClaimsKind: KindDef = {
  id: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['pvc'],
  alias: 'PVC',
  display: 'PersistentVolumeClaims',
  columns: [
    nameCol,
    namespaceCol,
    statusCol('status', 'STATUS', (o) => terminatingOr(o, str(at(o, 'status', 'phase')))),
    col('volume', 'VOLUME', 'text', (o) => str(at(o, 'spec', 'volumeName'))),
    // kubectl shows capacity and access modes only once the claim is bound to a volume.
    // A bound claim without a capacity prints the zero quantity, `0`, as kubectl does.
    col('capacity', 'CAPACITY', 'text', (o) => (str(at(o, 'spec', 'volumeName')) ? str(at(o, 'status', 'capacity', 'storage')) || '0' : '')),
    col('access-modes', 'ACCESS MODES', 'text', (o) => (str(at(o, 'spec', 'volumeName')) ? accessModes(at(o, 'status', 'accessModes')) : '')),
    col('storageclass', 'STORAGECLASS', 'text', storageClass),
    col('volumeattributesclass', 'VOLUMEATTRIBUTESCLASS', 'text', (o) => str(at(o, 'spec', 'volumeAttributesClassName')) || '<unset>'),
    ageCol,
    col('volumemode', 'VOLUMEMODE', 'text', (o) => str(at(o, 'spec', 'volumeMode')) || '<unset>'),
  ],
  defaultColumns: ['name', 'status', 'volume', 'capacity', 'access-modes', 'storageclass', 'volumeattributesclass', 'age'],
  wideColumns: ['volumemode'],
};
