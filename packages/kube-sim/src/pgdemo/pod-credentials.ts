/** The database credentials a postgres pod was started with, read from its spec as the image reads its env. */
import type { KubeObject } from '../types.js';
import type { DbCredentials } from './front-door.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `read(kind, name)`: a ConfigMap's data or a Secret's decoded data in the pod's namespace, or null. */
export function podCredentials(pod: KubeObject, read: (kind: 'ConfigMap' | 'Secret', name: string) => Record<string, string> | null): DbCredentials {
  const spec = isObj(pod.spec) ? pod.spec : {};
  const containers = (Array.isArray(spec['containers']) ? spec['containers'] : []).filter(isObj);
  const c = containers.find((x) => (Array.isArray(x['ports']) ? x['ports'] : []).some((p) => isObj(p) && p['containerPort'] === 5432)) ?? containers[0];
  const env = new Map<string, string>();
  // envFrom first (a Secret's or ConfigMap's keys, with an optional prefix); env entries win, as in a kubelet.
  for (const f of (c && Array.isArray(c['envFrom']) ? c['envFrom'] : []).filter(isObj)) {
    const prefix = typeof f['prefix'] === 'string' ? f['prefix'] : '';
    for (const [kind, field] of [['Secret', 'secretRef'], ['ConfigMap', 'configMapRef']] as const) {
      const ref = f[field];
      if (!isObj(ref) || typeof ref['name'] !== 'string') continue;
      for (const [k, v] of Object.entries(read(kind, ref['name']) ?? {})) env.set(prefix + k, v);
    }
  }
  for (const e of (c && Array.isArray(c['env']) ? c['env'] : []).filter(isObj)) {
    const name = typeof e['name'] === 'string' ? e['name'] : '';
    if (typeof e['value'] === 'string') env.set(name, e['value']);
    const from = e['valueFrom'];
    if (!isObj(from)) continue;
    for (const [kind, field] of [['Secret', 'secretKeyRef'], ['ConfigMap', 'configMapKeyRef']] as const) {
      const ref = from[field];
      if (!isObj(ref) || typeof ref['name'] !== 'string' || typeof ref['key'] !== 'string') continue;
      const v = read(kind, ref['name'])?.[ref['key']];
      if (v !== undefined) env.set(name, v);
    }
  }
  const user = env.get('POSTGRES_USER') || 'postgres';
  return { user, password: env.get('POSTGRES_PASSWORD') ?? '', database: env.get('POSTGRES_DB') || user };
}
