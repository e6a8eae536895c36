/**
 * What kube-apiserver does to a v1 Secret when it decodes one (any write): `data` values are
 * base64 (decoded into bytes: anything else is a 400), `stringData` values are strings, and
 * `stringData` is merged into `data`, its keys winning (Convert_v1_Secret_To_core_Secret). The
 * internal type has no stringData, so it is never stored or returned.
 */
import { badRequest } from '../api/status.js';
import { isRecord, type KubeObject } from '../types.js';

const BASE64 = /[A-Za-z0-9+/]/;

/**
 * Where Go's base64.StdEncoding.DecodeString fails ("illegal base64 data at input byte N"), or
 * undefined for valid input. A port of encoding/base64 decodeQuantum: \r and \n are skipped,
 * padding is required, nothing may follow it.
 */
export function base64ErrorOffset(src: string): number | undefined {
  const newline = (i: number): boolean => src[i] === '\n' || src[i] === '\r';
  let si = 0;
  for (;;) {
    let j = 0;
    while (j < 4) {
      if (si === src.length) return j === 0 ? undefined : si - j;
      const c = src[si++] as string;
      if (BASE64.test(c)) { j++; continue; }
      if (c === '\n' || c === '\r') continue;
      if (c !== '=' || j < 2) return si - 1;
      if (j === 2) {
        while (si < src.length && newline(si)) si++;
        if (si === src.length) return src.length;
        if (src[si] !== '=') return si - 1;
        si++;
      }
      while (si < src.length && newline(si)) si++;
      return si < src.length ? si : undefined;
    }
  }
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

function cannotHandle(detail: string): Error {
  return badRequest(`Secret in version "v1" cannot be handled as a Secret: ${detail}`);
}

function stringMap(obj: Record<string, unknown>, field: 'data' | 'stringData', goType: string): Record<string, string> | undefined {
  const m = obj[field];
  if (m === undefined || m === null) return undefined;
  if (!isRecord(m)) throw cannotHandle(`json: cannot unmarshal ${jsonType(m)} into Go struct field Secret.${field} of type map[string]${goType}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null) out[k] = '';
    else if (typeof v === 'string') out[k] = v;
    else throw cannotHandle(`json: cannot unmarshal ${jsonType(v)} into Go struct field Secret.${field} of type ${goType}`);
  }
  return out;
}

/** Decodes a Secret being written, in place (see above). Throws a 400 on bad data. */
export function decodeSecret(obj: KubeObject): void {
  const o = obj as Record<string, unknown>;
  const data = stringMap(o, 'data', '[]uint8');
  const stringData = stringMap(o, 'stringData', 'string');
  for (const v of Object.values(data ?? {})) {
    const at = base64ErrorOffset(v);
    if (at !== undefined) throw cannotHandle(`illegal base64 data at input byte ${at}`);
  }
  delete o['stringData'];
  if (data) {
    // Re-encoded as Go would return it (newlines inside the base64 are gone).
    for (const [k, v] of Object.entries(data)) data[k] = Buffer.from(v, 'base64').toString('base64');
  }
  if (stringData && Object.keys(stringData).length > 0) {
    const merged = data ?? {};
    for (const [k, v] of Object.entries(stringData)) merged[k] = Buffer.from(v, 'utf8').toString('base64');
    o['data'] = merged;
  } else if (data) o['data'] = data;
}
