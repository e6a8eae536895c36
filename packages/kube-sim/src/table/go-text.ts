/**
 * Values printed as Go prints them, for cells the apiserver makes with Go's fmt and
 * encoding/json (CRD printer columns of type string go through k8s.io/client-go/util/jsonpath).
 */

/** A float64 as fmt's %v prints it (%g, shortest digits, e-notation below 1e-4 or from 1e6). */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa = '0', e = '0'] = v.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(v);
}

/** A JSON number as Go's jsonpath prints it: int64 in decimal, float64 as %v. */
export function goNumber(v: number): string {
  // Decoded JSON integers are int64 in Go; larger ones are float64.
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
  return goFloat(v);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** encoding/json's Marshal: map keys sorted, <, > and & escaped for HTML, U+2028/9 escaped. */
export function goJson(v: unknown): string {
  return JSON.stringify(sortKeys(v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
