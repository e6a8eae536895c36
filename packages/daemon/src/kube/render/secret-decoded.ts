import type { KubeObject } from '../types.js';
import { plain, spans, type Line } from './lines.js';
import { isRecord } from '../../util/is-record.js';
import { grouped } from '../../util/grouped.js';

/**
 * A Secret's data decoded (k9s's `x` on a Secret): each key with its value as text — a value of
 * several lines as an indented block — or `<binary, N bytes>` when it is not text a terminal can
 * show as it is (not UTF-8, or holding control characters other than newlines and tabs: an escape
 * sequence in a secret is data, never something the terminal runs). Keys in order; `type` first.
 */

/** Longest value shown; past it the rest is counted, not shown. */
const MAX_VALUE_CHARS = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of `bytes`, or null when it is not UTF-8 text without control characters (\n, \r\n and \t allowed). */
export function secretText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  const normal = text.replace(/\r\n/g, '\n');
  return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(normal) ? null : normal;
}

const bytesWord = (n: number): string => `${grouped(n)} byte${n === 1 ? '' : 's'}`;

export function renderDecodedSecret(obj: KubeObject): Line[] {
  if (obj.kind !== undefined && obj.kind !== 'Secret') return [plain(`${obj.kind} objects have no secret data to decode (Secrets do)`, 'error')];
  const out: Line[] = [];
  const type = typeof obj['type'] === 'string' ? obj['type'] : 'Opaque';
  out.push(spans([{ text: 'type', style: 'accent' }, { text: ': ' }, { text: type }]));
  const data = isRecord(obj['data']) ? obj['data'] : {};
  const keys = Object.keys(data).sort();
  if (keys.length === 0) {
    out.push(plain(''), plain('(no data)', 'dim'));
    return out;
  }
  out.push(plain(''));
  for (const key of keys) {
    const raw = data[key];
    const name = { text: key, style: 'accent' as const };
    if (typeof raw !== 'string') {
      out.push(spans([name, { text: ': ' }, { text: '<not base64 text>', style: 'error' }]));
      continue;
    }
    const bytes = Buffer.from(raw, 'base64');
    // Buffer.from skips what is not base64; a value it cannot read back the same way is not base64.
    if (bytes.toString('base64').replace(/=+$/, '') !== raw.replace(/\s+/g, '').replace(/=+$/, '')) {
      out.push(spans([name, { text: ': ' }, { text: '<not base64 text>', style: 'error' }]));
      continue;
    }
    const text = secretText(bytes);
    if (text === null) {
      out.push(spans([name, { text: ': ' }, { text: `<binary, ${bytesWord(bytes.length)}>`, style: 'dim' }]));
      continue;
    }
    const shown = text.length > MAX_VALUE_CHARS ? text.slice(0, MAX_VALUE_CHARS) : text;
    const more = text.length > MAX_VALUE_CHARS ? [plain(`  … ${grouped(text.length - MAX_VALUE_CHARS)} more characters`, 'dim')] : [];
    if (!shown.includes('\n')) {
      out.push(spans([name, { text: ': ' }, { text: shown }]), ...more);
      continue;
    }
    out.push(spans([name, { text: ': |' }]));
    const lines = shown.replace(/\n$/, '').split('\n');
    for (const l of lines) out.push(plain(`  ${l}`));
    out.push(...more);
  }
  return out;
}
