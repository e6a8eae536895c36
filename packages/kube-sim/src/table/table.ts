/** Builds meta.k8s.io/v1 Table documents and rows (checklist E2, E3). */
import type { ResourceType } from '../api/resource-types.js';
import { metadataJson, parseStored, type StoredObject } from '../store/stored-object.js';
import type { KubeObject } from '../types.js';
import type { ColumnDefinition, RowCondition } from './columns.js';
import { printerFor } from './printers.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

export function partialObjectMetadata(obj: KubeObject): { kind: string; apiVersion: string; metadata: KubeObject['metadata'] } {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
  conditions?: RowCondition[];
}

export function columnsFor(rt: ResourceType): readonly ColumnDefinition[] {
  return printerFor(rt).columns;
}

export function tableRow(rt: ResourceType, obj: KubeObject, include: IncludeObject, now: number): TableRow {
  const p = printerFor(rt);
  const row: TableRow = { cells: p.cells(obj, now) };
  const conds = p.conditions?.(obj);
  if (conds) row.conditions = conds;
  if (include === 'Metadata') row.object = partialObjectMetadata(obj);
  else if (include === 'Object') row.object = obj;
  return row;
}

const PARTIAL_HEAD = '{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":';

/** JSON.stringify(partialObjectMetadata(obj)) of a stored object, without decoding it. */
export function partialJson(rec: StoredObject): string {
  return `${PARTIAL_HEAD}${metadataJson(rec)}}`;
}

/**
 * JSON.stringify(tableRow(rt, obj, include, now)) of a stored object: from its ready row when it has
 * one (no decode), else by decoding it.
 */
export function tableRowJson(rt: ResourceType, rec: StoredObject, include: IncludeObject, now: number): string {
  const ready = rec.printed;
  if (!ready) return JSON.stringify(tableRow(rt, parseStored(rec), include, now));
  let row = `{"cells":${JSON.stringify(ready.cells(now))}`;
  if (ready.conditions) row += `,"conditions":${JSON.stringify(ready.conditions)}`;
  if (include === 'Metadata') row += `,"object":${partialJson(rec)}`;
  else if (include === 'Object') row += `,"object":${rec.json}`;
  return `${row}}`;
}

export interface TableMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** The Table envelope without rows: `{...,"rows":[` is where rows go. */
export function tableHead(rt: ResourceType, meta: TableMeta, withColumns: boolean): string {
  const md: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue) md['continue'] = meta.continue;
  if (meta.remainingItemCount !== undefined) md['remainingItemCount'] = meta.remainingItemCount;
  const head = JSON.stringify({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: md, columnDefinitions: withColumns ? columnsFor(rt) : [] });
  return `${head.slice(0, -1)},"rows":[`;
}

export function singleRowTable(rt: ResourceType, obj: KubeObject, include: IncludeObject, now: number, withColumns: boolean): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: obj.metadata.resourceVersion ?? '' },
    columnDefinitions: withColumns ? columnsFor(rt) : null,
    rows: [tableRow(rt, obj, include, now)],
  };
}

/** JSON.stringify(singleRowTable(…)) of a stored object (a watch event's Table), without decoding it. */
export function singleRowTableJson(rt: ResourceType, rec: StoredObject, include: IncludeObject, now: number, withColumns: boolean): string {
  if (!rec.printed) return JSON.stringify(singleRowTable(rt, parseStored(rec), include, now, withColumns));
  const columns = withColumns ? JSON.stringify(columnsFor(rt)) : 'null';
  return `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":${JSON.stringify(String(rec.rv))}},"columnDefinitions":${columns},"rows":[${tableRowJson(rt, rec, include, now)}]}`;
}
