/** Writes one stored object in the negotiated format. */
import type { ServerResponse } from 'node:http';
import type { ResourceType } from '../api/resource-types.js';
import type { OutputFormat } from '../http/accept.js';
import { sendJson } from '../http/respond.js';
import { parseStored, type StoredObject } from '../store/stored-object.js';
import { parseIncludeObject, partialObjectMetadata, singleRowTable } from '../table/table.js';

export function sendObject(res: ServerResponse, code: number, rt: ResourceType, rec: StoredObject, format: OutputFormat, q: URLSearchParams, now: number): void {
  if (format === 'json') {
    sendJson(res, code, rec.json);
    return;
  }
  const obj = parseStored(rec);
  if (format === 'partial') sendJson(res, code, partialObjectMetadata(obj));
  else sendJson(res, code, singleRowTable(rt, obj, parseIncludeObject(q.get('includeObject')), now, true));
}
