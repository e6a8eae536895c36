/** Content negotiation for the Accept header (checklist E1). */

export type OutputFormat = 'json' | 'table' | 'partial';

export interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header || header.trim() === '') return [{ type: '*/*', params: {}, q: 1 }];
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [typeRaw, ...paramParts] = part.split(';');
    const type = (typeRaw ?? '').trim().toLowerCase();
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (k === 'q') q = Number(v);
      else params[k] = v;
    }
    if (!Number.isFinite(q)) q = 0;
    ranges.push({ type, params, q });
  }
  // Stable sort by q, preserving the client's order for equal q.
  return ranges.map((r, i) => ({ r, i })).sort((a, b) => b.r.q - a.r.q || a.i - b.i).map((x) => x.r);
}

/**
 * Chooses the output format. `tableCapable` is false for things that cannot be tables
 * (discovery documents). Returns undefined when nothing acceptable can be produced (406).
 */
export function negotiate(header: string | undefined, tableCapable = true): OutputFormat | undefined {
  for (const r of parseAccept(header)) {
    if (r.q <= 0) continue;
    const jsonish = r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*';
    if (!jsonish) continue;
    const as = r.params['as'];
    if (as === undefined) {
      // Aggregated discovery asks for g=apidiscovery.k8s.io; we only serve the legacy documents.
      if (r.params['g'] === 'apidiscovery.k8s.io') continue;
      return 'json';
    }
    const g = r.params['g'];
    const v = r.params['v'];
    if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
    if (as === 'Table' && tableCapable) return 'table';
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && tableCapable) return 'partial';
  }
  return undefined;
}
