import type { KubeObject } from '../kube/types.js';

/** What the connection dialog starts with; every field may be changed there. */
export interface DiscoveredCredentials {
  /** The container the values came from (the one exposing 5432, else a postgres one, else the first). */
  container: string | null;
  database: string;
  user: string;
  password: string;
  port: number;
  /** Where each value came from (`env POSTGRES_USER`, `secret shop/pg key password`, `default`), for the dialog. */
  sources: Partial<Record<'database' | 'user' | 'password' | 'port', string>>;
  /** References that could not be read (a Secret we may not get, a key that is missing): said in the dialog, never fatal. */
  problems: string[];
}

/** Reads ConfigMaps and Secrets of the pod's namespace; null when the object does not exist. */
export interface RefReader {
  configMap(name: string): Promise<Record<string, string> | null>;
  /** The Secret's data, base64-decoded. */
  secret(name: string): Promise<Record<string, string> | null>;
}

/** A value is at most this long (a password of a megabyte is a hostile pod). */
const MAX_VALUE = 4096;
/** At most this many env entries and envFrom sources are looked at per container. */
const MAX_ENV = 512;
const MAX_ENV_FROM = 32;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

interface Container {
  name: string;
  image: string;
  ports: number[];
  env: unknown[];
  envFrom: unknown[];
}

function containersOf(pod: KubeObject): Container[] {
  const spec = isObj(pod.spec) ? pod.spec : {};
  const list = Array.isArray(spec['containers']) ? spec['containers'] : [];
  return list.filter(isObj).map((c) => ({
    name: str(c['name']) ?? '',
    image: str(c['image']) ?? '',
    ports: (Array.isArray(c['ports']) ? c['ports'] : []).filter(isObj).map((p) => p['containerPort']).filter((p): p is number => typeof p === 'number'),
    env: Array.isArray(c['env']) ? c['env'].slice(0, MAX_ENV) : [],
    envFrom: Array.isArray(c['envFrom']) ? c['envFrom'].slice(0, MAX_ENV_FROM) : [],
  }));
}

/** KubeTile's choice: the first container exposing 5432, else the first named or imaged like postgres (not an exporter), else the first. */
export function chooseContainer(pod: KubeObject, wanted?: string): Container | null {
  const cs = containersOf(pod);
  if (wanted !== undefined) return cs.find((c) => c.name === wanted) ?? null;
  const pg = (c: Container): boolean => /postgres/i.test(`${c.name} ${c.image}`) && !/exporter/i.test(`${c.name} ${c.image}`);
  return cs.find((c) => c.ports.includes(5432)) ?? cs.find(pg) ?? cs[0] ?? null;
}

const clip = (v: string): string => (v.length > MAX_VALUE ? v.slice(0, MAX_VALUE) : v);

/**
 * The container's environment as the kubelet would build it: `envFrom` (ConfigMaps and Secrets, with
 * `prefix`) first, then `env` (literal values, `configMapKeyRef`, `secretKeyRef`), later entries
 * winning. `$(VAR)` references in literal values are expanded from what came before, as the kubelet does.
 */
export async function containerEnv(c: Container, refs: RefReader, problems: string[]): Promise<Map<string, { value: string; source: string }>> {
  const env = new Map<string, { value: string; source: string }>();
  const cmCache = new Map<string, Promise<Record<string, string> | null>>();
  const secCache = new Map<string, Promise<Record<string, string> | null>>();
  const read = (kind: 'configmap' | 'secret', name: string): Promise<Record<string, string> | null> => {
    const cache = kind === 'secret' ? secCache : cmCache;
    let p = cache.get(name);
    if (!p) {
      p = (kind === 'secret' ? refs.secret(name) : refs.configMap(name)).catch((err: unknown) => {
        problems.push(`cannot read ${kind === 'secret' ? 'Secret' : 'ConfigMap'} ${name}: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      });
      cache.set(name, p);
    }
    return p;
  };
  for (const src of c.envFrom) {
    if (!isObj(src)) continue;
    const prefix = str(src['prefix']) ?? '';
    for (const [kind, field] of [['configmap', 'configMapRef'], ['secret', 'secretRef']] as const) {
      const ref = src[field];
      if (!isObj(ref)) continue;
      const name = str(ref['name']);
      if (!name) continue;
      const data = await read(kind, name);
      if (!data) {
        if (ref['optional'] !== true) problems.push(`${kind === 'secret' ? 'Secret' : 'ConfigMap'} ${name} (envFrom) is missing`);
        continue;
      }
      for (const [k, v] of Object.entries(data)) env.set(`${prefix}${k}`, { value: clip(v), source: `${kind === 'secret' ? 'secret' : 'configmap'} ${name}` });
    }
  }
  for (const e of c.env) {
    if (!isObj(e)) continue;
    const name = str(e['name']);
    if (!name) continue;
    const literal = str(e['value']);
    if (literal !== undefined) {
      const expanded = literal.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => env.get(v)?.value ?? m);
      env.set(name, { value: clip(expanded), source: `env ${name}` });
      continue;
    }
    const from = e['valueFrom'];
    if (!isObj(from)) continue;
    for (const [kind, field] of [['configmap', 'configMapKeyRef'], ['secret', 'secretKeyRef']] as const) {
      const ref = from[field];
      if (!isObj(ref)) continue;
      const refName = str(ref['name']);
      const key = str(ref['key']);
      if (!refName || !key) continue;
      const data = await read(kind, refName);
      const what = `${kind === 'secret' ? 'Secret' : 'ConfigMap'} ${refName} key ${key}`;
      if (!data || data[key] === undefined) {
        if (ref['optional'] !== true) problems.push(`${name}: ${what} ${data ? 'is missing' : 'cannot be read'}`);
        continue;
      }
      env.set(name, { value: clip(data[key]), source: `${kind === 'secret' ? 'secret' : 'configmap'} ${refName} key ${key}` });
    }
  }
  return env;
}

/**
 * The connection dialog's values for a pod: from the chosen container's environment, with the
 * names the official image reads (`POSTGRES_DB`, `POSTGRES_USER`, `POSTGRES_PASSWORD`), then the
 * libpq names (`PGDATABASE`, `PGUSER`, `PGPASSWORD`, `PGPORT`), then `POSTGRES_PORT`; the user
 * defaults to `postgres` and the database to the user, as the image does; the port to 5432.
 */
export async function discoverCredentials(pod: KubeObject, refs: RefReader, container?: string): Promise<DiscoveredCredentials> {
  const problems: string[] = [];
  const c = chooseContainer(pod, container);
  const env = c ? await containerEnv(c, refs, problems) : new Map<string, { value: string; source: string }>();
  const sources: DiscoveredCredentials['sources'] = {};
  const pick = (field: keyof DiscoveredCredentials['sources'], names: string[]): string | undefined => {
    for (const n of names) {
      const v = env.get(n);
      if (v !== undefined && v.value !== '') {
        sources[field] = v.source === `env ${n}` ? `env ${n}` : `${n} from ${v.source}`;
        return v.value;
      }
    }
    return undefined;
  };
  const user = pick('user', ['POSTGRES_USER', 'PGUSER']) ?? 'postgres';
  if (!sources.user) sources.user = 'default';
  const database = pick('database', ['POSTGRES_DB', 'PGDATABASE']) ?? user;
  if (!sources.database) sources.database = sources.user === 'default' ? 'default' : 'the user name (as the image does)';
  const password = pick('password', ['POSTGRES_PASSWORD', 'PGPASSWORD']) ?? '';
  const portText = pick('port', ['PGPORT', 'POSTGRES_PORT']);
  let port = 5432;
  if (portText !== undefined) {
    const n = Number(portText);
    if (/^\d+$/.test(portText) && n >= 1 && n <= 65535) port = n;
    else {
      problems.push(`port ${JSON.stringify(portText.slice(0, 40))} (${sources.port}) is not a port number; using 5432`);
      sources.port = 'default';
    }
  } else if (c && c.ports.length > 0 && !c.ports.includes(5432) && c.ports.length === 1) {
    port = c.ports[0]!;
    sources.port = `containerPort of ${c.name}`;
  } else sources.port = 'default';
  return { container: c?.name ?? null, database, user, password, port, sources, problems };
}
