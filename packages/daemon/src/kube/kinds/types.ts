import type { Style } from '@kubetile/rpc-schema';
import type { KubeObject } from '../types.js';

export type SortKind = 'text' | 'number' | 'age' | 'ratio';

/** One column of a resource list: cells are keyed by `id`, never by position. */
export interface ColumnDef {
  /** Stable id, lower-case kebab (`name`, `ready`, `ports`, `last-schedule`); what `views.<kind>.columns` names. */
  id: string;
  /** Header text as kubectl prints it (`PORT(S)`, `LAST SCHEDULE`). */
  title: string;
  align?: 'left' | 'right';
  /** How `s` sorts it: ages as durations, counts as numbers, `1/2` as ratios. */
  sort: SortKind;
  cell(obj: KubeObject, now: number): string;
  /** The text depends on the time (`5 (3m ago)`): recomputed for every frame, never cached. Age-sorted columns always are. */
  clock?: boolean;
  style?(obj: KubeObject, now: number): Style | undefined;
}

export interface KindDef {
  /** Plural resource name, the id used in ViewSpec args and the `:` switcher: `pods`, `deployments`. */
  id: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  /** Three-letter tag for tab titles: POD, DEP, SVC… */
  alias: string;
  /** `Pods`, `Deployments`… */
  display: string;
  /** Every column this kind can show (NAMESPACE included for namespaced kinds). */
  columns: ColumnDef[];
  /** Column ids shown by default, in order (without `namespace`; the list adds it in all-namespaces mode). */
  defaultColumns: string[];
  /** Column ids `-o wide` adds after the defaults (kubectl's wide columns), shown when the list is wide. */
  wideColumns?: string[];
  /** The order a new list starts in (events: newest first). */
  defaultSort?: { column: string; desc: boolean };
  /** A style for a whole row (a Warning event), applied to the cells without their own. */
  rowStyle?(obj: KubeObject): Style | undefined;
  /** Where the columns came from when not hand-written: `printer-columns` (a CRD's), `server-table`. */
  columnSource?: 'printer-columns' | 'server-table';
  /** For a kind made from pane args: which args named the plural and the group version (for error messages). */
  origin?: { plural: string; groupVersion: string };
}
