/**
 * Label selectors as the API server reads them: a Service's `spec.selector` (a map) and a
 * workload's `spec.selector` (matchLabels + matchExpressions), matched against pod labels and
 * written as the `labelSelector` query parameter.
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

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
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
