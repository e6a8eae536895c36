// Status bodies carry `details` as kube-apiserver's do (apimachinery's errors constructors):
// NotFound/AlreadyExists/Conflict {name, group, kind = resource plural}; Forbidden {name?,
// group?, kind}; Invalid {name?, group, kind = Kind, causes}; an unknown path or subresource and
// 405 an empty `{}` (NewGenericServerResponse); Unauthorized and BadRequest none. The expected
// bodies are what a real kube-apiserver v1.20.2 answered. kubectl debug reads
// `details.name` of a 404 without checking and crashed on the sim's old bodies.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pod, raw, runningPod, startSim, stopAll } from './helpers.js';
import { haveKubectl, kubectlRunner } from './kubectl-runner.js';

afterEach(stopAll);

const NOT_FOUND_PATH = {
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
  message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404,
};
const METHOD_NOT_ALLOWED = {
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
  message: 'the server does not allow this method on the requested resource', reason: 'MethodNotAllowed', details: {}, code: 405,
};

describe('Status details', () => {
  it('an unknown resource, path or subresource: 404 with empty details', async () => {
    // ephemeralcontainers is not served by a v1.20 API server (the expected bodies are that server's).
    const { sim } = await startSim({ config: { ephemeralContainers: false } });
    sim.createObject(pod('p'));
    for (const [method, path] of [
      ['GET', '/api/v1/foos'],
      ['GET', '/api/v2/foo'],
      ['GET', '/api/v1/namespaces/default/pods/p/ephemeralcontainers'],
      ['PATCH', '/api/v1/namespaces/default/pods/p/ephemeralcontainers'],
      ['GET', '/api/v1/namespaces/default/pods/p/bogus'],
    ] as const) {
      const r = await raw(sim, method, path, method === 'PATCH' ? { body: { spec: {} }, headers: { 'Content-Type': 'application/strategic-merge-patch+json' } } : {});
      expect({ path, status: r.status, body: r.json() }).toEqual({ path, status: 404, body: NOT_FOUND_PATH });
    }
  });

  it('a missing object: name, group and the resource plural', async () => {
    const { sim } = await startSim();
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/pods/nope')).json()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'pods' }, code: 404,
    });
    expect((await raw(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments/nope')).json()).toMatchObject({
      message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
    expect((await raw(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/nope')).json()).toMatchObject({ details: { name: 'nope', kind: 'configmaps' } });
    expect((await raw(sim, 'POST', '/api/v1/namespaces/nope/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } })).json()).toMatchObject({
      message: 'namespaces "nope" not found', details: { name: 'nope', kind: 'namespaces' },
    });
  });

  it('405: empty details', async () => {
    const { sim } = await startSim();
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
    const named = await raw(sim, 'POST', '/api/v1/namespaces/default/configmaps/x', { body });
    expect([named.status, named.json()]).toEqual([405, METHOD_NOT_ALLOWED]);
    const coll = await raw(sim, 'PUT', '/api/v1/namespaces/default/configmaps', { body });
    expect([coll.status, coll.json()]).toEqual([405, METHOD_NOT_ALLOWED]);
  });

  it('403: the resource, and the name when one was asked for', async () => {
    const { sim } = await startSim();
    sim.forbid('secrets');
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/secrets')).json()).toMatchObject({
      message: `secrets is forbidden: User "${sim.config.userName}" cannot list resource "secrets" in API group "" in the namespace "default"`,
      details: { kind: 'secrets' },
    });
    const named = (await raw(sim, 'GET', '/api/v1/namespaces/default/secrets/s')).json<{ message: string; details: unknown }>();
    expect(named.message).toBe(`secrets "s" is forbidden: User "${sim.config.userName}" cannot get resource "secrets" in API group "" in the namespace "default"`);
    expect(named.details).toEqual({ name: 's', kind: 'secrets' });
  });

  it('401 and 400: no details', async () => {
    const { sim } = await startSim();
    const unauth = (await raw(sim, 'GET', '/api/v1/namespaces', { token: 'bad' })).json();
    expect(unauth).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    const bad = (await raw(sim, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3Dx')).json();
    expect(bad).not.toHaveProperty('details');
  });

  it('Invalid ListOptions: group meta.k8s.io, kind ListOptions, no name', async () => {
    const { sim } = await startSim();
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods?resourceVersionMatch=Exact');
    expect(r.status).toBe(422);
    expect(r.json()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      reason: 'Invalid',
      details: { group: 'meta.k8s.io', kind: 'ListOptions', causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', field: 'resourceVersionMatch' }] },
      code: 422,
    });
  });

  it('a failed precondition is a Conflict naming the object', async () => {
    const { sim } = await startSim();
    sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' } });
    const r = await raw(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/cm', { body: { preconditions: { uid: 'other' } } });
    expect(r.status).toBe(409);
    expect(r.json()).toMatchObject({
      reason: 'Conflict',
      message: expect.stringMatching(/^Operation cannot be fulfilled on configmaps "cm": Precondition failed: UID in precondition: other, UID in object meta: /),
      details: { name: 'cm', kind: 'configmaps' },
    });
  });

  it('an injected error names what was asked for, as NewGenericServerResponse does', async () => {
    const { sim } = await startSim();
    sim.injectError({ status: 500, resource: 'pods', message: 'etcd is on fire' });
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p');
    expect(r.status).toBe(500);
    expect(r.json()).toMatchObject({ reason: 'InternalError', message: 'etcd is on fire', details: { name: 'p', kind: 'pods' } });
    sim.injectError({ status: 429, resource: 'deployments', retryAfterSeconds: 2 });
    const busy = await raw(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments');
    expect(busy.headers['retry-after']).toBe('2');
    expect(busy.json()).toMatchObject({ reason: 'TooManyRequests', details: { group: 'apps', kind: 'deployments', retryAfterSeconds: 2 } });
  });

  describe.skipIf(!haveKubectl)('with kubectl', () => {
    const kubectl = kubectlRunner();
    afterAll(() => kubectl.cleanup());
    it('kubectl debug prints the apiserver\'s errors instead of crashing', async () => {
      const { sim } = await startSim({ config: { ephemeralContainers: false } });
      sim.createObject(runningPod('p'));
      const r = await kubectl.run(sim, ['debug', 'p', '--image=busybox', '--', 'true']);
      expect(r.stderr).not.toMatch(/panic|nil pointer/);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('ephemeral containers are disabled for this cluster (error from server: "the server could not find the requested resource")');
      const missing = await kubectl.run(sim, ['debug', 'nope', '--image=busybox', '--', 'true']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('Error from server (NotFound): pods "nope" not found');
    });
    it('kubectl debug adds a running ephemeral container where the sim serves them (the default)', async () => {
      const { sim } = await startSim();
      sim.createObject(runningPod('p'));
      const r = await kubectl.run(sim, ['debug', 'p', '--image=busybox', '--container=dbg', '--', 'true']);
      expect(r.stderr).not.toMatch(/panic|nil pointer|error/i);
      expect(r.code).toBe(0);
      const got = await kubectl.run(sim, ['get', 'pod', 'p', '-o', 'jsonpath={.spec.ephemeralContainers[*].name}/{.status.ephemeralContainerStatuses[0].state.running.startedAt}']);
      expect(got.stdout).toMatch(/^dbg\/\d{4}-/);
    });
  });
});
