import { describe, expect, it } from 'vitest';
import { discoverCredentials, type RefReader } from '../../src/query/credentials.js';
import type { KubeObject } from '../../src/kube/types.js';

/** Credential discovery from a pod spec: env, envFrom (with prefix), secretKeyRef/configMapKeyRef, PG* fallbacks. */

function podWith(containers: Array<Record<string, unknown>>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', namespace: 'shop' }, spec: { containers } } as KubeObject;
}

function refs(configMaps: Record<string, Record<string, string>>, secrets: Record<string, Record<string, string>>, denied: string[] = []): RefReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    configMap: async (name) => {
      reads.push(`cm/${name}`);
      return configMaps[name] ?? null;
    },
    secret: async (name) => {
      reads.push(`secret/${name}`);
      if (denied.includes(name)) throw new Error(`secrets "${name}" is forbidden: User "dev" cannot get resource "secrets"`);
      return secrets[name] ?? null;
    },
  };
}

describe('discoverCredentials', () => {
  it('reads literal env values the official image reads', async () => {
    const d = await discoverCredentials(podWith([{ name: 'postgres', image: 'postgres:16', ports: [{ containerPort: 5432 }], env: [{ name: 'POSTGRES_USER', value: 'app' }, { name: 'POSTGRES_PASSWORD', value: 'pw' }, { name: 'POSTGRES_DB', value: 'appdb' }] }]), refs({}, {}));
    expect(d).toMatchObject({ container: 'postgres', user: 'app', password: 'pw', database: 'appdb', port: 5432, problems: [] });
    expect(d.sources).toEqual({ user: 'env POSTGRES_USER', password: 'env POSTGRES_PASSWORD', database: 'env POSTGRES_DB', port: 'default' });
  });

  it('follows secretKeyRef and configMapKeyRef', async () => {
    const r = refs({ 'pg-cfg': { db: 'orders' } }, { 'pg-cred': { user: 'orders_rw', pass: 's3cret' } });
    const d = await discoverCredentials(
      podWith([{ name: 'db', image: 'postgres:16', env: [
        { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'pg-cred', key: 'user' } } },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'pg-cred', key: 'pass' } } },
        { name: 'POSTGRES_DB', valueFrom: { configMapKeyRef: { name: 'pg-cfg', key: 'db' } } },
      ] }]),
      r,
    );
    expect(d).toMatchObject({ user: 'orders_rw', password: 's3cret', database: 'orders' });
    expect(d.sources.password).toBe('POSTGRES_PASSWORD from secret pg-cred key pass');
    expect(d.sources.database).toBe('POSTGRES_DB from configmap pg-cfg key db');
    expect(r.reads.filter((x) => x === 'secret/pg-cred')).toHaveLength(1); // read once, cached
  });

  it('reads envFrom Secrets and ConfigMaps with their prefix; env entries win over envFrom', async () => {
    const d = await discoverCredentials(
      podWith([{ name: 'db', image: 'postgres:16', envFrom: [{ secretRef: { name: 'all' } }, { configMapRef: { name: 'more' }, prefix: 'PG' }], env: [{ name: 'POSTGRES_DB', value: 'explicit' }] }]),
      refs({ more: { PORT: '6543', DATABASE: 'fromcm' } }, { all: { POSTGRES_USER: 'u1', POSTGRES_PASSWORD: 'p1', POSTGRES_DB: 'fromsecret' } }),
    );
    expect(d).toMatchObject({ user: 'u1', password: 'p1', database: 'explicit', port: 6543 });
    expect(d.sources.user).toBe('POSTGRES_USER from secret all');
    expect(d.sources.port).toBe('PGPORT from configmap more');
  });

  it('falls back to the libpq PG* names, then to postgres/5432 with the database named after the user', async () => {
    const d = await discoverCredentials(podWith([{ name: 'app', image: 'myapp:1', env: [{ name: 'PGUSER', value: 'reader' }, { name: 'PGPASSWORD', value: 'r' }] }]), refs({}, {}));
    expect(d).toMatchObject({ user: 'reader', password: 'r', database: 'reader', port: 5432 });
    expect(d.sources.database).toBe('the user name (as the image does)');
    const none = await discoverCredentials(podWith([{ name: 'app', image: 'myapp:1' }]), refs({}, {}));
    expect(none).toMatchObject({ user: 'postgres', password: '', database: 'postgres', port: 5432 });
  });

  it('picks the container exposing 5432 over a sidecar and an exporter', async () => {
    const d = await discoverCredentials(
      podWith([
        { name: 'metrics', image: 'postgres-exporter:0.15', env: [{ name: 'POSTGRES_USER', value: 'exporter' }] },
        { name: 'main', image: 'custom-db:2', ports: [{ containerPort: 5432 }], env: [{ name: 'POSTGRES_USER', value: 'owner' }] },
      ]),
      refs({}, {}),
    );
    expect(d.container).toBe('main');
    expect(d.user).toBe('owner');
  });

  it('a Secret that cannot be read or a missing key is a problem shown in the dialog, never fatal', async () => {
    const d = await discoverCredentials(
      podWith([{ name: 'db', image: 'postgres:16', env: [
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'locked', key: 'password' } } },
        { name: 'POSTGRES_USER', valueFrom: { configMapKeyRef: { name: 'gone', key: 'user' } } },
        { name: 'POSTGRES_DB', valueFrom: { configMapKeyRef: { name: 'maybe', key: 'db', optional: true } } },
      ] }]),
      refs({}, {}, ['locked']),
    );
    expect(d).toMatchObject({ user: 'postgres', password: '', database: 'postgres' });
    expect(d.problems).toEqual([
      expect.stringContaining('cannot read Secret locked: secrets "locked" is forbidden'),
      'POSTGRES_PASSWORD: Secret locked key password cannot be read',
      'POSTGRES_USER: ConfigMap gone key user cannot be read',
    ]);
  });

  it('a hostile pod: huge values are clipped, a bad PGPORT is reported and 5432 used', async () => {
    const d = await discoverCredentials(podWith([{ name: 'db', image: 'postgres', env: [{ name: 'POSTGRES_PASSWORD', value: 'x'.repeat(1_000_000) }, { name: 'PGPORT', value: '99999' }] }]), refs({}, {}));
    expect(d.password.length).toBe(4096);
    expect(d.port).toBe(5432);
    expect(d.problems).toEqual(['port "99999" (env PGPORT) is not a port number; using 5432']);
  });
});
