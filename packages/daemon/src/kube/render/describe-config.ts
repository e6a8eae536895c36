import { at, obj, str } from '../kinds/json.js';
import type { KubeObject } from '../types.js';
import { writeHead } from './describe-meta.js';
import type { DescribeWriter } from './describe-writer.js';

/** Decoded size of a base64 string. */
export function base64Bytes(b64: string): number {
  const s = b64.replace(/\s/g, '');
  if (s === '') return 0;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((s.length * 3) / 4) - pad);
}

/** kubectl's `describeConfigMap`: each key, a `----` rule, the value; binary keys by size. Keys sorted. */
export function describeConfigMap(w: DescribeWriter, cm: KubeObject): void {
  writeHead(w, cm, true);
  w.blank();
  w.row(0, ['Data'], 'header');
  w.row(0, ['===='], 'dim');
  const data = obj(cm['data']);
  for (const k of Object.keys(data).sort()) {
    w.row(0, [`${k}:`], 'accent');
    w.row(0, ['----'], 'dim');
    for (const line of str(data[k]).split('\n')) w.write(0, line);
    w.blank();
  }
  w.blank();
  w.row(0, ['BinaryData'], 'header');
  w.row(0, ['===='], 'dim');
  const bin = obj(cm['binaryData']);
  for (const k of Object.keys(bin).sort()) w.write(0, `${k}: ${base64Bytes(str(bin[k]))} bytes`);
  w.blank();
}

/** kubectl's `describeSecret`: values are never shown, only their decoded sizes. */
export function describeSecret(w: DescribeWriter, s: KubeObject): void {
  writeHead(w, s, true);
  w.blank();
  w.kv(0, 'Type', str(at(s, 'type')));
  w.blank();
  w.row(0, ['Data'], 'header');
  w.row(0, ['===='], 'dim');
  const data = obj(s['data']);
  for (const k of Object.keys(data).sort()) w.write(0, `${k}:`, `${base64Bytes(str(data[k]))} bytes`);
}
