/** Label and field selectors, parsed once and matched against stored objects (checklist B4). */
import { badRequest } from '../api/status.js';

export type LabelRequirement =
  | { op: 'exists'; key: string }
  | { op: 'notexists'; key: string }
  | { op: 'in'; key: string; values: string[] }
  | { op: 'notin'; key: string; values: string[] }
  | { op: 'eq'; key: string; value: string }
  | { op: 'neq'; key: string; value: string }
  | { op: 'gt'; key: string; value: number }
  | { op: 'lt'; key: string; value: number };

export type LabelSelector = readonly LabelRequirement[];

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p.length > 0);
}

function checkKey(key: string, raw: string): string {
  if (!KEY_RE.test(key) || key.length > 317) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${raw}"`);
  return key;
}

function checkValue(value: string, raw: string): string {
  if (value.length > 63 || !VALUE_RE.test(value)) throw badRequest(`unable to parse requirement: invalid label value: "${value}" in "${raw}"`);
  return value;
}

export function parseLabelSelector(raw: string | null | undefined): LabelSelector | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const reqs: LabelRequirement[] = [];
  for (const part of splitTopLevel(raw)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^!\s*([^\s=!<>()]+)$/))) {
      reqs.push({ op: 'notexists', key: checkKey(m[1] ?? '', raw) });
    } else if ((m = part.match(/^([^\s=!<>()]+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = (m[3] ?? '').split(',').map((v) => checkValue(v.trim(), raw));
      const key = checkKey(m[1] ?? '', raw);
      reqs.push(m[2] === 'in' ? { op: 'in', key, values } : { op: 'notin', key, values });
    } else if ((m = part.match(/^([^\s=!<>()]+)\s*(==|=|!=)\s*([^\s=!<>()]*)$/))) {
      const key = checkKey(m[1] ?? '', raw);
      const value = checkValue(m[3] ?? '', raw);
      reqs.push(m[2] === '!=' ? { op: 'neq', key, value } : { op: 'eq', key, value });
    } else if ((m = part.match(/^([^\s=!<>()]+)\s*(<|>)\s*(-?\d+)$/))) {
      const key = checkKey(m[1] ?? '', raw);
      reqs.push({ op: m[2] === '<' ? 'lt' : 'gt', key, value: Number(m[3]) });
    } else if ((m = part.match(/^([^\s=!<>()]+)$/))) {
      reqs.push({ op: 'exists', key: checkKey(m[1] ?? '', raw) });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: key, !key, key=value, key!=value, key in (a,b), key notin (a,b)`);
    }
  }
  return reqs;
}

export function matchLabels(sel: LabelSelector, labels: Readonly<Record<string, string>> | null): boolean {
  for (const r of sel) {
    const v = labels ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists': if (v === undefined) return false; break;
      case 'notexists': if (v !== undefined) return false; break;
      case 'in': if (v === undefined || !r.values.includes(v)) return false; break;
      case 'notin': if (v !== undefined && r.values.includes(v)) return false; break;
      case 'eq': if (v !== r.value) return false; break;
      case 'neq': if (v === r.value) return false; break;
      case 'gt': if (v === undefined || !(Number(v) > r.value)) return false; break;
      case 'lt': if (v === undefined || !(Number(v) < r.value)) return false; break;
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}

export type FieldSelector = readonly FieldRequirement[];

/**
 * Parses a field selector; `allowed` is the kind's selectable fields (metadata.name and
 * metadata.namespace are always allowed). An unknown field gives 400 BadRequest.
 */
export function parseFieldSelector(raw: string | null | undefined, allowed: readonly string[]): FieldSelector | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const reqs: FieldRequirement[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter((p) => p)) {
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${part}'`);
    const field = (m[1] ?? '').trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !allowed.includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    reqs.push({ field, negate: m[2] === '!=', value: (m[3] ?? '').trim() });
  }
  return reqs;
}

export interface FieldSource {
  readonly name: string;
  readonly namespace: string;
  readonly fields: readonly string[] | null;
}

export function matchFields(sel: FieldSelector, allowed: readonly string[], obj: FieldSource): boolean {
  for (const r of sel) {
    let v: string;
    if (r.field === 'metadata.name') v = obj.name;
    else if (r.field === 'metadata.namespace') v = obj.namespace;
    else {
      const i = allowed.indexOf(r.field);
      v = i >= 0 && obj.fields ? obj.fields[i] ?? '' : '';
    }
    if ((v === r.value) === r.negate) return false;
  }
  return true;
}
