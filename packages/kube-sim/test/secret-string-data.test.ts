// Secrets as kube-apiserver stores them: `stringData` is merged into `data` (base64, its keys
// winning) on every write (create, update, merge/strategic/JSON patch, dry run) and is never
// stored or returned; `data` must be base64 (400 otherwise) and keys valid config keys (422).
// The expected bodies are what a real kube-apiserver v1.20.2 answered to the same requests.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '../src/index.js';
import { raw, startSim, stopAll } from './helpers.js';

afterEach(stopAll);

const SECRETS = '/api/v1/namespaces/default/secrets';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

interface SecretBody {
  data?: Record<string, string>;
  stringData?: unknown;
  type?: string;
}

async function created(sim: KubeSim): Promise<void> {
  const r = await raw(sim, 'POST', SECRETS, {
    body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: b64('x'), keep: b64('keep') }, stringData: { a: 'y', b: 'zé' } },
  });
  expect(r.status).toBe(201);
  const body = r.json<SecretBody>();
  expect(body.data).toEqual({ a: 'eQ==', b: 'esOp', keep: 'a2VlcA==' });
  expect(body).not.toHaveProperty('stringData');
  expect(body.type).toBe('Opaque');
}

describe('Secret stringData', () => {
  it('create merges stringData into data and stores no stringData', async () => {
    const { sim } = await startSim();
    await created(sim);
    const got = (await raw(sim, 'GET', `${SECRETS}/s`)).json<SecretBody>();
    expect(got.data).toEqual({ a: 'eQ==', b: 'esOp', keep: 'a2VlcA==' });
    expect(got).not.toHaveProperty('stringData');
    // The Table printer counts the merged keys once.
    const table = (await raw(sim, 'GET', `${SECRETS}/s`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })).json<{ rows: Array<{ cells: unknown[] }> }>();
    expect(table.rows[0]?.cells[2]).toBe(3);
  });

  it('merge, strategic and JSON patches of stringData land in data', async () => {
    const { sim } = await startSim();
    await created(sim);
    const merge = await raw(sim, 'PATCH', `${SECRETS}/s`, { body: { stringData: { c: 'cc', a: 'patched' } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(merge.json<SecretBody>().data).toEqual({ a: 'cGF0Y2hlZA==', b: 'esOp', c: 'Y2M=', keep: 'a2VlcA==' });
    const strategic = await raw(sim, 'PATCH', `${SECRETS}/s`, { body: { stringData: { d: 'dd' } }, headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    expect(strategic.json<SecretBody>().data).toEqual({ a: 'cGF0Y2hlZA==', b: 'esOp', c: 'Y2M=', d: 'ZGQ=', keep: 'a2VlcA==' });
    const json = await raw(sim, 'PATCH', `${SECRETS}/s`, { body: [{ op: 'add', path: '/stringData', value: { e: 'ee' } }], headers: { 'Content-Type': 'application/json-patch+json' } });
    expect(json.json<SecretBody>().data?.['e']).toBe(b64('ee'));
    expect(json.json()).not.toHaveProperty('stringData');
    expect((await raw(sim, 'GET', `${SECRETS}/s`)).json()).not.toHaveProperty('stringData');
  });

  it('update (PUT) with only stringData replaces data', async () => {
    const { sim } = await startSim();
    await created(sim);
    const r = await raw(sim, 'PUT', `${SECRETS}/s`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { only: 'o' } } });
    expect(r.status).toBe(200);
    expect(r.json<SecretBody>().data).toEqual({ only: 'bw==' });
    expect((await raw(sim, 'GET', `${SECRETS}/s`)).json<SecretBody>().data).toEqual({ only: 'bw==' });
  });

  it('a dry run answers the merged secret and stores nothing', async () => {
    const { sim } = await startSim();
    const r = await raw(sim, 'POST', `${SECRETS}?dryRun=All`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's5' }, stringData: { k: 'v' } } });
    expect(r.status).toBe(201);
    expect(r.json<SecretBody>().data).toEqual({ k: 'dg==' });
    expect(r.json()).not.toHaveProperty('stringData');
    expect((await raw(sim, 'GET', `${SECRETS}/s5`)).status).toBe(404);
  });

  it('watchers never see stringData', async () => {
    const { sim } = await startSim();
    await created(sim);
    const w = await raw(sim, 'GET', `${SECRETS}?watch=1&timeoutSeconds=1`);
    expect(w.body).toContain('"eQ=="');
    expect(w.body).not.toContain('stringData');
  });

  it('data that is not base64 is a 400 naming the byte, as Go\'s decoder does', async () => {
    const { sim } = await startSim();
    for (const [value, at] of [['not base64!', 3], ['YQ=', 3], ['abc', 0], ['YQ==a', 4]] as const) {
      const r = await raw(sim, 'POST', SECRETS, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's2' }, data: { a: value } } });
      expect(r.status).toBe(400);
      expect(r.json()).toMatchObject({ reason: 'BadRequest', message: `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at}` });
    }
    expect((await raw(sim, 'POST', SECRETS, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ok' }, data: { a: 'YWJj\nZA==' } } })).status).toBe(201);
  });

  it('stringData values must be strings (400) and keys valid config keys (422)', async () => {
    const { sim } = await startSim();
    const num = await raw(sim, 'POST', SECRETS, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's4' }, stringData: { k: 5 } } });
    expect(num.status).toBe(400);
    expect(num.json()).toMatchObject({ reason: 'BadRequest', message: 'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal number into Go struct field Secret.stringData of type string' });
    const key = await raw(sim, 'POST', SECRETS, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's3' }, stringData: { 'bad key': 'v' } } });
    expect(key.status).toBe(422);
    const message = 'Invalid value: "bad key": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')';
    expect(key.json()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: `Secret "s3" is invalid: data[bad key]: ${message}`,
      reason: 'Invalid',
      details: { name: 's3', kind: 'Secret', causes: [{ reason: 'FieldValueInvalid', message, field: 'data[bad key]' }] },
      code: 422,
    });
    expect((await raw(sim, 'GET', `${SECRETS}/s3`)).status).toBe(404);
  });

  it('the admin API and in-process writes convert too', async () => {
    const { sim } = await startSim();
    const obj = sim.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'default' }, stringData: { k: 'v' } });
    expect(obj['data']).toEqual({ k: 'dg==' });
    expect(obj).not.toHaveProperty('stringData');
  });
});
