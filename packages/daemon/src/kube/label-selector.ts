import { isRecord } from '../util/is-record.js';
/**
 * Label selectors as the API server reads them: a Service's `spec.selector` (a map), a workload's
 * `spec.selector` (matchLabels + matchExpressions) and the text kubectl takes after `-l` (a list's
 * `/-l` filter), matched against labels and written as the `labelSelector` query parameter.
 */

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A parsed selector: every requirement must hold. */
export interface Selector {
  requirements: Requirement[];
}

/** Label keys and values: `prefix/name` of letters, digits, `-_./`; nothing that could break the query. */
const LABEL_TEXT = /^[A-Za-z0-9]([-A-Za-z0-9_./]{0,315}[A-Za-z0-9])?$/;
const badLabel = (v: string): boolean => !LABEL_TEXT.test(v);

/** A Service's map selector; null when it has none (a Service whose endpoints are managed by hand). */
export function mapSelector(v: unknown, what: string): Selector | null {
  if (v === undefined || v === null) return null;
  if (!isRecord(v)) throw new Error(`${what} has a selector that is not a map of labels`);
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string' || badLabel(key) || (value !== '' && badLabel(value))) throw new Error(`${what} has a selector entry that is not a label: ${JSON.stringify(key).slice(0, 80)}`);
    requirements.push({ key, operator: 'In', values: [value] });
  }
  return requirements.length ? { requirements } : null;
}

/** A workload's LabelSelector (matchLabels, matchExpressions); null when it selects nothing. */
export function labelSelector(v: unknown, what: string): Selector | null {
  if (!isRecord(v)) return null;
  const fromMap = mapSelector(v.matchLabels, what);
  const requirements = [...(fromMap?.requirements ?? [])];
  const exprs = v.matchExpressions;
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) throw new Error(`${what} has matchExpressions that are not a list`);
    for (const e of exprs) {
      if (!isRecord(e) || typeof e.key !== 'string' || badLabel(e.key)) throw new Error(`${what} has a match expression without a valid key`);
      const op = e.operator;
      if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') throw new Error(`${what} has a match expression with operator ${JSON.stringify(op)}`);
      const values = Array.isArray(e.values) ? e.values : [];
      if (!values.every((x): x is string => typeof x === 'string' && (x === '' || !badLabel(x)))) throw new Error(`${what} has a match expression with values that are not labels`);
      requirements.push({ key: e.key, operator: op, values });
    }
  }
  return requirements.length ? { requirements } : null;
}

export function matches(sel: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return sel.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'In':
        return has && r.values.includes(l[r.key]!);
      case 'NotIn':
        return !has || !r.values.includes(l[r.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}

/** The `labelSelector` query parameter for `sel`. */
export function selectorQuery(sel: Selector): string {
  return sel.requirements
    .map((r) => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
      }
    })
    .join(',');
}

/** A label key: an optional DNS-subdomain prefix and `/`, then a name of 1–63 characters. */
const TEXT_KEY = /^(?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or 1–63 characters starting and ending alphanumeric. */
const TEXT_VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses. */
function textTerms(s: string): string[] {
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
  return out.map((t) => t.trim());
}

function textKey(k: string, term: string): string {
  if (!TEXT_KEY.test(k)) throw new Error(`'${k}' in '${term}' is not a label key`);
  return k;
}

function textValue(v: string, term: string): string {
  if (!TEXT_VALUE.test(v)) throw new Error(`'${v}' in '${term}' is not a label value`);
  return v;
}

/**
 * A label selector as kubectl takes it after `-l` (`app=web,tier!=db,env in (prod,qa),!canary`; the
 * empty one selects everything), or an Error saying which term is wrong and why.
 */
export function parseSelectorText(selector: string): Selector {
  const s = selector.trim();
  const out: Requirement[] = [];
  if (s === '') return { requirements: out };
  for (const term of textTerms(s)) {
    if (term === '') throw new Error(`an empty requirement in '${s}' (two commas, or one at an end)`);
    const set = /^(\S+)\s+(in|notin)\s*(.*)$/.exec(term);
    if (set) {
      const list = /^\((.*)\)$/.exec(set[3]!.trim());
      if (!list) throw new Error(`'${term}': ${set[2]} takes values in parentheses, like ${set[1]} ${set[2]} (a,b)`);
      const values = list[1]!.split(',').map((v) => textValue(v.trim(), term));
      if (values.length === 1 && values[0] === '') throw new Error(`'${term}': ${set[2]} needs at least one value`);
      out.push({ key: textKey(set[1]!, term), operator: set[2] === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (eq) {
      out.push({ key: textKey(eq[1]!, term), operator: eq[2] === '!=' ? 'NotIn' : 'In', values: [textValue(eq[3]!, term)] });
      continue;
    }
    if (term.startsWith('!')) {
      out.push({ key: textKey(term.slice(1).trim(), term), operator: 'DoesNotExist', values: [] });
      continue;
    }
    if (/\s/.test(term)) throw new Error(`'${term}' is not a requirement (key=value, key!=value, key in (…), key notin (…), key or !key)`);
    out.push({ key: textKey(term, term), operator: 'Exists', values: [] });
  }
  return { requirements: out };
}
