import { describe, expect, it } from 'vitest';
import { grantedHostFunctions, HOST_FUNCTIONS, hostFunctionGranted, type HostFunctionName } from '../../src/plugins/abi.js';
import { answerHostCall, type HostBridge } from '../../src/plugins/host-functions.js';
import type { PluginKubeAccess } from '../../src/plugins/kube-access.js';

function bridge(over: Partial<HostBridge> = {}) {
  const rec = { renders: [] as string[][], clipboard: [] as string[], violations: [] as string[], kube: [] as unknown[] };
  const kube: PluginKubeAccess = {
    listPods: async (scope) => {
      rec.kube.push(['listPods', scope]);
      return [{ name: 'a', namespace: 'x', phase: 'Running', status: 'Running', ready: '1/1', restarts: 2, node: 'n', ageSeconds: 61.7 }];
    },
    getSecret: async (scope, name) => {
      rec.kube.push(['getSecret', scope, name]);
      return { name, namespace: scope.namespace, type: 'Opaque', data: { ok: Buffer.from('héllo').toString('base64'), bin: Buffer.from([0xff, 0x41]).toString('base64') } };
    },
    listSecrets: async (scope) => {
      rec.kube.push(['listSecrets', scope]);
      return [{ name: 's', type: 'Opaque', keys: 1 }];
    },
  };
  const b: HostBridge = {
    paneId: 1,
    scope: () => ({ context: 'ctx', namespace: 'tab-ns' }),
    render: (l) => rec.renders.push(l),
    clipboard: (t) => rec.clipboard.push(t),
    kube,
    timeLeft: () => 1000,
    signal: () => new AbortController().signal,
    violation: (r) => rec.violations.push(r),
    permissions: ['k8s:list:pods'],
    ...over,
  };
  return { b, rec };
}

/** One host call as the plugin's worker makes it: the request bytes in, the JSON answer out. */
async function call(fn: string, request: string | Uint8Array | null, b: HostBridge): Promise<unknown> {
  const bytes = typeof request === 'string' ? new TextEncoder().encode(request) : request;
  return JSON.parse(await answerHostCall(fn, bytes, b));
}

describe('host functions', () => {
  it('are exactly the granted ones, host_send_render always; an unknown name gets an error envelope', async () => {
    expect(grantedHostFunctions([])).toEqual(['host_send_render']);
    expect(grantedHostFunctions(['clipboard:write', 'k8s:list:pods']).sort()).toEqual(['clipboard_write', 'host_send_render', 'k8s_list', 'list_pods']);
    // k8s_list / k8s_write come with any permission of their verb (each call is checked); list_pods with a pods list permission.
    expect(grantedHostFunctions(['k8s:list:deployments:ns=dev']).sort()).toEqual(['host_send_render', 'k8s_list']);
    expect(grantedHostFunctions(['k8s:list:pods:ns=dev']).sort()).toEqual(['host_send_render', 'k8s_list', 'list_pods']);
    expect(grantedHostFunctions(['k8s:scale:deployments']).sort()).toEqual(['host_send_render', 'k8s_write']);
    expect(grantedHostFunctions(['k8s:delete:pods:ns=dev', 'k8s:patch:configmaps']).sort()).toEqual(['host_send_render', 'k8s_write']);
    expect(await call('format_disk', '{}', bridge().b)).toEqual({ ok: false, error: 'format_disk: no such host function' });
  });

  it('list_pods: "" is the tab namespace, "*" all, anything else as given; snake_case out', async () => {
    const { b, rec } = bridge();
    expect(await call('list_pods', '{}', b)).toEqual({
      ok: true,
      value: [{ name: 'a', namespace: 'x', phase: 'Running', status: 'Running', ready: '1/1', restarts: 2, node: 'n', age_seconds: 61 }],
    });
    await call('list_pods', '{"namespace":""}', b);
    await call('list_pods', '{"namespace":"*"}', b);
    await call('list_pods', '{"namespace":"kube-system"}', b);
    expect(rec.kube).toEqual([
      ['listPods', { context: 'ctx', namespace: 'tab-ns' }],
      ['listPods', { context: 'ctx', namespace: 'tab-ns' }],
      ['listPods', { context: 'ctx', namespace: null }],
      ['listPods', { context: 'ctx', namespace: 'kube-system' }],
    ]);
  });

  it('the SDK build check links host functions with the daemon\'s own table and check (one declaration)', async () => {
    const sdk = (await import('@kubetile/sdk/abi')) as { hostFunctionGranted: unknown; HOST_FUNCTIONS: unknown };
    expect(sdk.hostFunctionGranted).toBe(hostFunctionGranted);
    expect(sdk.HOST_FUNCTIONS).toBe(HOST_FUNCTIONS);
    expect(hostFunctionGranted('list_pods', ['k8s:list:pods:ns=dev'])).toBe(true);
    expect(hostFunctionGranted('k8s_write', ['k8s:list:pods'])).toBe(false);
  });

  it('list_pods with a namespace-scoped permission: that namespace only, checked on each call', async () => {
    const { b, rec } = bridge({ permissions: ['k8s:list:pods:ns=tab-ns'] });
    expect(await call('list_pods', '{}', b)).toMatchObject({ ok: true });
    expect(await call('list_pods', '{"namespace":"kube-system"}', b)).toEqual({
      ok: false,
      error: 'list_pods: not permitted: listing pods in namespace kube-system needs k8s:list:pods (or k8s:list:pods:ns=kube-system)',
    });
    expect(await call('list_pods', '{"namespace":"*"}', b)).toMatchObject({ ok: false, error: expect.stringMatching(/^list_pods: not permitted: listing pods in all namespaces needs k8s:list:pods$/) });
    expect(rec.kube).toEqual([['listPods', { context: 'ctx', namespace: 'tab-ns' }]]);
  });

  it('get_secret decodes base64 values to UTF-8 (invalid bytes as U+FFFD); without a name it lists', async () => {
    const { b } = bridge({ permissions: ['k8s:get:secrets'] });
    expect(await call('get_secret', '{"name":"db"}', b)).toEqual({ ok: true, value: { name: 'db', namespace: 'tab-ns', type: 'Opaque', data: { ok: 'héllo', bin: '\ufffdA' } } });
    expect(await call('get_secret', '{"namespace":"other"}', b)).toEqual({ ok: true, value: { items: [{ name: 's', type: 'Opaque', keys: 1 }] } });
    expect(await call('get_secret', '{"namespace":"*","name":"db"}', b)).toEqual({ ok: false, error: "get_secret: needs one namespace, not '*'" });
  });

  it('k8s:get:secrets:ns=N reads the secrets of N only, and says which permission another namespace needs', async () => {
    const { b, rec } = bridge({ permissions: ['k8s:get:secrets:ns=tab-ns'] });
    expect(await call('get_secret', '{"name":"db"}', b)).toMatchObject({ ok: true, value: { name: 'db', namespace: 'tab-ns' } });
    for (const req of ['{"namespace":"prod","name":"db"}', '{"namespace":"prod"}']) {
      expect(await call('get_secret', req, b)).toEqual({ ok: false, error: 'get_secret: not permitted: reading secrets in namespace prod needs k8s:get:secrets (or k8s:get:secrets:ns=prod)' });
    }
    // Nothing was asked of the cluster for the namespace it may not read.
    expect(rec.kube.filter((k) => JSON.stringify(k).includes('prod'))).toEqual([]);
  });

  it('invalid requests get an error envelope naming the problem', async () => {
    const { b } = bridge();
    expect(await call('list_pods', 'not json', b)).toEqual({ ok: false, error: 'list_pods: the request is not JSON' });
    expect(await call('list_pods', '{"namespace":5}', b)).toMatchObject({ ok: false, error: expect.stringMatching(/^list_pods: invalid request at 'namespace'/) });
    expect(await call('clipboard_write', '{}', b)).toMatchObject({ ok: false, error: expect.stringMatching(/^clipboard_write: invalid request at 'text'/) });
    expect(await call('host_send_render', '{"lines":[1,2]}', b)).toMatchObject({ ok: false, error: expect.stringMatching(/^host_send_render: invalid request at 'lines.0'/) });
    expect(await call('host_send_render', null, b)).toEqual({ ok: false, error: 'host_send_render: no request (bad offset)' });
  });

  it('a Kubernetes failure or a call out of time is an envelope, never a throw', async () => {
    const { b } = bridge({
      kube: {
        listPods: () => Promise.reject(new Error('pods is forbidden: User "x" cannot list resource "pods"')),
        getSecret: () => new Promise(() => undefined),
        listSecrets: () => Promise.reject(new Error('x')),
      },
    });
    expect(await call('list_pods', '{}', b)).toEqual({ ok: false, error: 'list_pods: pods is forbidden: User "x" cannot list resource "pods"' });
    const slow = bridge({ timeLeft: () => 30, kube: b.kube, permissions: ['k8s:get:secrets'] }).b;
    expect(await call('get_secret', '{"name":"db"}', slow)).toEqual({ ok: false, error: 'get_secret: the cluster did not answer within 30 ms' });
    const late = bridge({ timeLeft: () => 0 }).b;
    expect(await call('list_pods', '{}', late)).toEqual({ ok: false, error: 'list_pods: no time left in this call' });
  });

  it('host_send_render renders (cut to the limits); an oversized one is a violation', async () => {
    const { b, rec } = bridge();
    expect(await call('host_send_render', '{"lines":["a\\tb","\\u001b[31mred"]}', b)).toEqual({ ok: true, value: null });
    expect(rec.renders).toEqual([['a b', '\ufffd[31mred']]);
    const huge = new Uint8Array(1024 * 1024 + 1).fill(32);
    expect(await call('host_send_render', huge, b)).toEqual({ ok: false, error: 'host_send_render: request of 1.0 MiB is over the 1 MiB limit' });
    expect(rec.violations).toEqual(['host_send_render: request of 1.0 MiB is over the 1 MiB limit']);
  });

  it('clipboard_write hands the text over', async () => {
    const { b, rec } = bridge();
    expect(await call('clipboard_write', '{"text":"s3cr3t"}', b)).toEqual({ ok: true, value: null });
    expect(rec.clipboard).toEqual(['s3cr3t']);
  });

  it('an answer over the 4 MiB limit becomes an error envelope saying so', async () => {
    const pod = { name: 'p'.repeat(200), namespace: 'x', phase: 'Running', status: 'Running', ready: '1/1', restarts: 0, node: 'n', ageSeconds: 1 };
    const { b } = bridge({
      kube: { listPods: async () => Array.from({ length: 20_000 }, () => pod), getSecret: () => Promise.reject(new Error('x')), listSecrets: async () => [] },
    });
    expect(await call('list_pods', '{}', b)).toEqual({
      ok: false,
      error: expect.stringMatching(/^list_pods: the answer is 6\.\d MiB, over the 4 MiB limit \(ask for less, e\.g\. one namespace\)$/),
    });
  });
});
