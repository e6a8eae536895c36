import type { ApiConfig as KubeConfig } from './api-config.js';
import type { PrinterColumn } from './kinds/printer-columns.js';
import { KubeApiError } from './api-error.js';
import { collectionPath, kubeRequest } from './kube-http.js';
import type { ResourceRef } from './resource-ref.js';
import { isRecord } from '../util/is-record.js';

/**
 * The server's own columns for a resource, as kubectl gets them: a CRD's `additionalPrinterColumns`
 * (read from the CustomResourceDefinition), and `as=Table` output (meta.k8s.io/v1 Table) for any other
 * kind. Everything read here is validated and bounded: a column list, a name, a path or a row count the
 * API server should never send is cut or refused, never trusted.
 */

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io, application/json';
/** More columns than this is not a printer a person reads. */
const MAX_COLUMNS = 48;
const MAX_NAME = 128;
const MAX_PATH = 512;
/** The most rows one Table request asks for (a bigger collection keeps its first rows' cells). */
export const MAX_TABLE_ROWS = 5000;

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  priority: number;
}

export interface ServerTable {
  columns: TableColumnDefinition[];
  /** Cells by object uid (rows carry PartialObjectMetadata). */
  rows: Map<string, unknown[]>;
  /** More objects exist than were asked for. */
  truncated: boolean;
}

const text = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : null);

/** The printer columns of a CRD version, or null when `ref` is not served by a CRD (or the CRD cannot be read). */
export async function fetchPrinterColumns(kc: KubeConfig, ref: ResourceRef): Promise<PrinterColumn[] | null> {
  if (ref.group === '' || !ref.group.includes('.')) return null; // built-in groups have no CRDs
  let crd: unknown;
  try {
    crd = await kubeRequest(kc, { path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(`${ref.plural}.${ref.group}`)}` });
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 404 || err.status === 403 || err.status === 401)) return null;
    throw err;
  }
  const versions = isRecord(crd) && isRecord(crd['spec']) && Array.isArray(crd['spec']['versions']) ? (crd['spec']['versions'] as unknown[]) : [];
  const version = versions.find((v) => isRecord(v) && v['name'] === ref.version);
  if (!isRecord(version)) return null;
  return parsePrinterColumns(version['additionalPrinterColumns']);
}

/** C0 and C1 controls and DEL, dropped from column names (a terminal takes U+009B for CSI, U+009D for OSC). */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Validated printer columns: entries without a usable name, type or path are dropped; at most 48. */
export function parsePrinterColumns(v: unknown): PrinterColumn[] {
  const out: PrinterColumn[] = [];
  for (const c of Array.isArray(v) ? v : []) {
    if (!isRecord(c)) continue;
    const name = text(c['name'], MAX_NAME);
    const type = text(c['type'], 32);
    const jsonPath = text(c['jsonPath'], MAX_PATH);
    if (!name || !type || !jsonPath) continue;
    const priority = typeof c['priority'] === 'number' && Number.isInteger(c['priority']) ? c['priority'] : 0;
    const format = text(c['format'], 32);
    out.push({ name: name.replace(CONTROLS, ''), type, jsonPath, priority, ...(format ? { format } : {}) });
    if (out.length >= MAX_COLUMNS) break;
  }
  return out;
}

/** `GET <collection>` as a Table (includeObject=Metadata): the column definitions and the cells by uid. */
export async function fetchTable(kc: KubeConfig, ref: ResourceRef, namespace: string | null, limit = MAX_TABLE_ROWS): Promise<ServerTable> {
  const body = await kubeRequest<unknown>(kc, {
    path: collectionPath(ref, namespace),
    accept: TABLE_ACCEPT,
    query: { limit: Math.max(1, Math.min(limit, MAX_TABLE_ROWS)), includeObject: 'Metadata' },
  });
  return parseTable(body);
}

/** A Table document read defensively (a plain list back means the server does not do Tables: no columns). */
export function parseTable(body: unknown): ServerTable {
  if (!isRecord(body) || body['kind'] !== 'Table') throw new KubeApiError('the API server did not answer with a Table (as=Table)', 406, 'NotAcceptable');
  const columns: TableColumnDefinition[] = [];
  for (const c of Array.isArray(body['columnDefinitions']) ? body['columnDefinitions'] : []) {
    if (columns.length >= MAX_COLUMNS) break;
    const name = isRecord(c) ? text(c['name'], MAX_NAME) : null;
    if (!isRecord(c) || !name) {
      columns.push({ name: `Column ${columns.length + 1}`, type: 'string', format: '', priority: 0 });
      continue;
    }
    columns.push({
      name: name.replace(CONTROLS, ''),
      type: text(c['type'], 32) ?? 'string',
      format: text(c['format'], 32) ?? '',
      priority: typeof c['priority'] === 'number' && Number.isInteger(c['priority']) ? c['priority'] : 0,
    });
  }
  const rows = new Map<string, unknown[]>();
  const list = Array.isArray(body['rows']) ? body['rows'] : [];
  for (const r of list.slice(0, MAX_TABLE_ROWS)) {
    if (!isRecord(r) || !Array.isArray(r['cells'])) continue;
    const o = r['object'];
    const uid = isRecord(o) && isRecord(o['metadata']) ? o['metadata']['uid'] : undefined;
    if (typeof uid !== 'string' || uid === '') continue;
    rows.set(uid, (r['cells'] as unknown[]).slice(0, columns.length));
  }
  const md = body['metadata'];
  const truncated = isRecord(md) && typeof md['continue'] === 'string' && md['continue'] !== '';
  return { columns, rows, truncated };
}
