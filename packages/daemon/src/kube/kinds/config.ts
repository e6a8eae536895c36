import { ageCol, col, nameCol, namespaceCol, numberCol } from './common.js';
import { at, obj, str } from './json.js';
import type { KindDef } from './types.js';

const count = (v: unknown): number => Object.keys(obj(v)).length;

export const configMapsKind: KindDef = {
  id: 'configmaps',
  kind: 'ConfigMap',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['cm'],
  alias: 'CFG',
  display: 'ConfigMaps',
  columns: [nameCol, namespaceCol, numberCol('data', 'DATA', (o) => count(at(o, 'data')) + count(at(o, 'binaryData'))), ageCol],
  defaultColumns: ['name', 'data', 'age'],
};

export const secretsKind: KindDef = {
  id: 'secrets',
  kind: 'Secret',
  group: '',
  version: 'v1',
  namespaced: true,
  shortNames: ['secret'],
  alias: 'SEC',
  display: 'Secrets',
  columns: [
    nameCol,
    namespaceCol,
    col('type', 'TYPE', 'text', (o) => str(at(o, 'type'))),
    // `stringData` is write-only; the server folds it into `data`.
    numberCol('data', 'DATA', (o) => count(at(o, 'data'))),
    ageCol,
  ],
  defaultColumns: ['name', 'type', 'data', 'age'],
};
