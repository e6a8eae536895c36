/**
 * A stored object's table row made ready when the object is stored: what its printer reads from it,
 * taken out once, so a list or watch printed as a Table (kubectl's every `get`) does not decode each
 * object again. kube-apiserver prints from the decoded objects of its watch cache; kube-sim keeps
 * objects as JSON text, and before this decoded every one per row (2 s of a 100k-pod Table list).
 */
import type { ResourceType } from '../api/resource-types.js';
import type { KubeObject } from '../types.js';
import type { Cell, RowCondition } from './columns.js';
import { printerFor } from './printers.js';

export interface PrintReady {
  /** The row's cells at `now` (ages are made then). */
  cells(now: number): Cell[];
  conditions: RowCondition[] | undefined;
}

/** The ready row of `obj`, or null when its kind's printer reads the whole object per row. */
export function printReady(rt: ResourceType, obj: KubeObject): PrintReady | null {
  const p = printerFor(rt);
  if (!p.prepare) return null;
  return { cells: p.prepare(obj), conditions: p.conditions?.(obj) };
}
