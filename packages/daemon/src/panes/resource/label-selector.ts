/**
 * A label selector as kubectl takes it after `-l` (`app=web,tier!=db,env in (prod,qa),!canary`),
 * parsed for matching a list's rows (k9s's `/-l …` filter). Equality-based (`=`, `==`, `!=`) and
 * set-based (`in`, `notin`, `key`, `!key`) requirements, all of which must hold; the empty selector
 * selects everything, as the API server's does.
 */

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: readonly string[] }
  | { key: string; op: 'exists' | 'notexists' };

/** A label key: an optional DNS-subdomain prefix and `/`, then a name of 1–63 characters. */
const KEY = /^(?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or 1–63 characters starting and ending alphanumeric. */
const VALUE = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Splits on commas outside parentheses. */
function terms(s: string): string[] {
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

function key(k: string, term: string): string {
  if (!KEY.test(k)) throw new Error(`'${k}' in '${term}' is not a label key`);
  return k;
}

function value(v: string, term: string): string {
  if (!VALUE.test(v)) throw new Error(`'${v}' in '${term}' is not a label value`);
  return v;
}

/** The requirements of `selector`, or an Error saying which term is wrong and why. */
export function parseLabelSelector(selector: string): Requirement[] {
  const s = selector.trim();
  if (s === '') return [];
  const out: Requirement[] = [];
  for (const term of terms(s)) {
    if (term === '') throw new Error(`an empty requirement in '${s}' (two commas, or one at an end)`);
    const set = /^(\S+)\s+(in|notin)\s*(.*)$/.exec(term);
    if (set) {
      const list = /^\((.*)\)$/.exec(set[3]!.trim());
      if (!list) throw new Error(`'${term}': ${set[2]} takes values in parentheses, like ${set[1]} ${set[2]} (a,b)`);
      const values = list[1]!.split(',').map((v) => value(v.trim(), term));
      if (values.length === 1 && values[0] === '') throw new Error(`'${term}': ${set[2]} needs at least one value`);
      out.push({ key: key(set[1]!, term), op: set[2] as 'in' | 'notin', values });
      continue;
    }
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (eq) {
      out.push({ key: key(eq[1]!, term), op: eq[2] === '!=' ? 'notin' : 'in', values: [value(eq[3]!, term)] });
      continue;
    }
    if (term.startsWith('!')) {
      out.push({ key: key(term.slice(1).trim(), term), op: 'notexists' });
      continue;
    }
    if (/\s/.test(term)) throw new Error(`'${term}' is not a requirement (key=value, key!=value, key in (…), key notin (…), key or !key)`);
    out.push({ key: key(term, term), op: 'exists' });
  }
  return out;
}

/** Whether `labels` satisfy every requirement (`notin` and `!=` hold for a label that is not there). */
export function labelsMatch(reqs: readonly Requirement[], labels: Readonly<Record<string, unknown>> | undefined): boolean {
  for (const r of reqs) {
    const v = labels !== undefined && Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
    const has = typeof v === 'string';
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v)) return false;
        break;
    }
  }
  return true;
}
