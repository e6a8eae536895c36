import { ageCol, nameCol, statusCol } from './common.js';
import { at, str } from './json.js';
import type { KindDef } from './types.js';

export const namespacesKind: KindDef = {
  id: 'namespaces',
  kind: 'Namespace',
  group: '',
  version: 'v1',
  namespaced: false,
  shortNames: ['ns'],
  alias: 'NSP',
  display: 'Namespaces',
  columns: [nameCol, statusCol('status', 'STATUS', (o) => str(at(o, 'status', 'phase'))), ageCol],
  defaultColumns: ['name', 'status', 'age'],
};
