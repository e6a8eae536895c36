import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * Plugin writes end to end: a real plugin (packages/sdk/test/fixtures/k8s-writer, built from
 * source) asks the host for writes through k8s_write; the user confirms on the client that sent
 * the command; the write lands on exactly the object shown, in kube-sim; every ask is in the audit
 * log (audit/list). Hostile asks (no permission, malformed, huge, no client, a storm, read-only)
 * are refused and audited. Watch events reach the plugin through plugin_on_event.
 */

const WASM = join(REPO_ROOT, 'packages/sdk/test/fixtures/k8s-writer/build/k8s-writer.wasm');
const PERMS = ['k8s:logs:pods:ns=dev', 'k8s:list:pods', 'k8s:list:deployments', 'k8s:delete:pods:ns=dev', 'k8s:scale:deployments', 'k8s:patch:deployments'];

let env: TestEnv;
let sim: KubeSim;
let daemon: DaemonProcess;
let a: RawClient;
let clientId: string;
let script: RawClient;
let paneId: number;

interface Audit {
  time: string;
  plugin: string;
  sha256: string | null;
  client: string | null;
  verb: string;
  kind: string;
  namespace: string | null;
  name: string;
  uid: string | null;
  change: string | null;
  result: string;
  error: string | null;
}

const pod = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'main', image: 'app:1' }], nodeName: 'node-1' },
  status: { phase: 'Running' },
});
const deployment = (name: string, namespace: string, replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'app:1' }] } } },
});

const podNames = (namespace: string): string[] => sim.listObjects('v1', 'Pod', namespace).map((p) => p.metadata.name!).sort();

async function lines(c: RawClient, id: number): Promise<string[]> {
  const r = await c.request<{ view: { type: string; lines?: Array<{ text: string }>; text?: string } }>('pane/snapshot', { paneId: id, rows: 40, cols: 200 });
  return r.view.type === 'lines' ? r.view.lines!.map((l) => l.text) : [r.view.text ?? r.view.type];
}

const waitLine = (c: RawClient, id: number, re: RegExp, label = String(re)): Promise<string> => {
  let last: string[] = [];
  return waitFor(`pane line ${label} (last: ${JSON.stringify(last.slice(-5))})`, async () => {
    last = await lines(c, id);
    return last.find((l) => re.test(l));
  });
};

const send = (c: RawClient, id: number, text: string) => c.request('pane/command', { paneId: id, command: { type: 'send_input', text } });

const audit = async (params: Record<string, unknown> = {}): Promise<Audit[]> => (await script.request<{ entries: Audit[] }>('audit/list', params)).entries;

/** The count of the plugin's result lines so far, to wait for the next one. */
async function results(c: RawClient, id: number): Promise<number> {
  return (await lines(c, id)).filter((l) => /^(write |storm |list |logs )/.test(l)).length;
}
async function nextResult(c: RawClient, id: number, before: number): Promise<string> {
  return waitFor('the next result line', async () => {
    const rs = (await lines(c, id)).filter((l) => /^(write |storm |list |logs )/.test(l));
    return rs.length > before ? rs[rs.length - 1] : undefined;
  });
}

function writeConfig(extra: string[] = []): void {
  mkdirSync(dirname(env.configFile), { recursive: true });
  const entry = (key: string) => ['[[plugins]]', `key = "${key}"`, `path = "${WASM}"`, `permissions = [${PERMS.map((p) => `"${p}"`).join(', ')}]`, ''];
  writeFileSync(env.configFile, [...extra, ...entry('k8s-writer'), ...entry('k8s-storm')].join('\n'));
}

beforeAll(async () => {
  env = makeTestEnv();
  const kc = join(env.dir, 'kubeconfig');
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kc, stateDir: join(env.dir, 'sim') });
  for (const ns of ['dev', 'prod']) sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const n of ['web-1', 'web-2', 'web-3']) sim.createObject(pod(n, 'dev'));
  sim.createObject(pod('api-1', 'prod'));
  sim.createObject(deployment('web', 'dev', 1));
  env.env.KUBECONFIG = kc;
  writeConfig();
  daemon = await startDaemon(env);
  a = await RawClient.connect(env.socket);
  clientId = (await a.attach({ cols: 200, rows: 50 })).clientId;
  script = await RawClient.connect(env.socket);
  const opened = await a.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'k8s-writer' }, newTab: true });
  paneId = opened.paneId;
  await a.request('kube/use', { tabId: opened.tabId, namespace: 'dev' });
  await waitLine(a, paneId, /k8s-writer ready|event|write/);
}, 60_000);
afterAll(async () => {
  a?.close();
  script?.close();
  await daemon?.stop();
  await sim?.stop();
  env?.cleanup();
});

describe('a plugin write is confirmed on the client that sent the command', () => {
  it('delete: the dialog names the object, y deletes exactly it, the audit log has it', async () => {
    const uid = sim.listObjects('v1', 'Pod', 'dev').find((p) => p.metadata.name === 'web-1')!.metadata.uid!;
    const before = await results(a, paneId);
    await send(a, paneId, 'write {"verb":"delete","kind":"pods","name":"web-1"}');
    const l = await a.waitLayout('write dialog', (x) => x.overlay?.type === 'confirm' && /web-1/.test(x.overlay.text));
    expect(l.overlay).toMatchObject({ title: 'Plugin write' });
    const text = (l.overlay as { text: string }).text;
    expect(text).toMatch(new RegExp(`^Plugin 'k8s-writer' \\(build [0-9a-f]{12}\\) asks to delete Pod dev/web-1 \\(uid ${uid}\\)\\.\\nAllow\\?$`));
    expect(podNames('dev')).toContain('web-1');
    await a.request('client/key', { key: 'y' });
    expect(await nextResult(a, paneId, before)).toBe('write ok');
    await waitFor('web-1 deleted', () => !podNames('dev').includes('web-1'));
    expect(podNames('dev')).toEqual(['web-2', 'web-3']);
    const [e] = await audit({ limit: 1 });
    const sha = (await script.request<{ plugins: Array<{ key: string; sha256: string }> }>('plugin/list')).plugins.find((p) => p.key === 'k8s-writer')!.sha256;
    expect(e).toMatchObject({ plugin: 'k8s-writer', sha256: sha, client: clientId, verb: 'delete', kind: 'pods', namespace: 'dev', name: 'web-1', uid, result: 'applied', error: null });
    expect(Date.parse(e!.time)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('with two clients on the pane, the dialog goes to the one that sent the command, and its id is audited', async () => {
    const b = await RawClient.connect(env.socket);
    try {
      const bId = (await b.attach({ cols: 160, rows: 40 })).clientId;
      await b.request('pane/focus', { paneId });
      sim.createObject(pod('two-1', 'dev'));
      const before = await results(a, paneId);
      await send(b, paneId, 'write {"verb":"delete","kind":"pods","name":"two-1"}');
      await b.waitLayout('dialog on b', (x) => x.overlay?.type === 'confirm' && /two-1/.test(x.overlay.text));
      expect(a.layout?.overlay ?? null).toBeNull();
      await b.request('client/key', { key: 'y' });
      expect(await nextResult(a, paneId, before)).toBe('write ok');
      await waitFor('two-1 deleted', () => !podNames('dev').includes('two-1'));
      expect((await audit({ limit: 1 }))[0]).toMatchObject({ name: 'two-1', client: bId, result: 'applied' });
      // a (also attached to the session) never got that dialog.
      expect(a.notifications.some((n) => n.method === 'session/layout' && JSON.stringify(n.params).includes('two-1'))).toBe(false);
      expect(bId).not.toBe(clientId);
    } finally {
      b.close();
    }
  });

  it('scale: the dialog shows the replica change; n leaves the deployment alone and is audited as declined', async () => {
    const before = await results(a, paneId);
    await send(a, paneId, 'write {"verb":"scale","kind":"deployments","name":"web","replicas":3}');
    const l = await a.waitLayout('scale dialog', (x) => x.overlay?.type === 'confirm' && /scale/.test(x.overlay.text));
    expect((l.overlay as { text: string }).text).toMatch(/asks to scale Deployment dev\/web from 1 to 3 replicas/);
    await a.request('client/key', { key: 'n' });
    expect(await nextResult(a, paneId, before)).toBe('write error: k8s_write: declined by the user');
    expect(sim.listObjects('apps/v1', 'Deployment', 'dev')[0]!.spec!.replicas).toBe(1);
    expect((await audit({ limit: 1 }))[0]).toMatchObject({ verb: 'scale', name: 'web', result: 'declined', change: 'replicas: 1 → 3', client: clientId });
  });

  it('patch: the dialog shows the patch; y applies it', async () => {
    const before = await results(a, paneId);
    await send(a, paneId, 'write {"verb":"patch","kind":"deployments","name":"web","patch":{"metadata":{"labels":{"tier":"gold"}}}}');
    const l = await a.waitLayout('patch dialog', (x) => x.overlay?.type === 'confirm' && /patch/.test(x.overlay.text));
    expect((l.overlay as { text: string }).text).toContain('"tier": "gold"');
    await a.request('client/key', { key: 'y' });
    expect(await nextResult(a, paneId, before)).toBe('write ok');
    await waitFor('label set', () => (sim.listObjects('apps/v1', 'Deployment', 'dev')[0]!.metadata.labels as Record<string, string> | undefined)?.tier === 'gold');
    expect((await audit({ limit: 1 }))[0]).toMatchObject({ verb: 'patch', result: 'applied', change: '{"metadata":{"labels":{"tier":"gold"}}}' });
  });

  it('the dialog may wait longer than the call timeout (1 s): the clock stops while the user reads it', async () => {
    const before = await results(a, paneId);
    await send(a, paneId, 'write {"verb":"scale","kind":"deployments","name":"web","replicas":2}');
    await a.waitLayout('scale dialog', (x) => x.overlay?.type === 'confirm' && /to 2 replicas/.test(x.overlay.text));
    // Deliberately slower than the plugin's 1 s timeout_ms: a running clock would end the call as a crash.
    const shown = Date.now();
    await waitFor('1.5 s with the dialog open', () => Date.now() - shown > 1500);
    await a.request('client/key', { key: 'y' });
    expect(await nextResult(a, paneId, before)).toBe('write ok');
    await waitFor('scaled to 2', () => sim.listObjects('apps/v1', 'Deployment', 'dev')[0]!.spec!.replicas === 2);
    expect((await lines(a, paneId)).some((l) => /restarting|crash/.test(l))).toBe(false);
  });

  it('closing the pane withdraws its open dialog (declined, audited) and the pane closes', async () => {
    const opened = await a.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'k8s-writer' }, newTab: true });
    await a.request('kube/use', { tabId: opened.tabId, namespace: 'dev' });
    await waitLine(a, opened.paneId, /k8s-writer ready/);
    await send(a, opened.paneId, 'write {"verb":"delete","kind":"pods","name":"web-3"}');
    await a.waitLayout('delete dialog', (x) => x.overlay?.type === 'confirm' && /web-3/.test(x.overlay.text));
    await a.request('pane/close', { paneId: opened.paneId });
    await a.waitLayout('dialog withdrawn', (x) => x.overlay === null);
    await waitFor('withdrawal audited', async () => (await audit({ limit: 1 }))[0]?.error === 'withdrawn: the pane closed');
    expect((await audit({ limit: 1 }))[0]).toMatchObject({ name: 'web-3', result: 'declined' });
    expect(podNames('dev')).toContain('web-3');
  });

  it('an object replaced (same name, new uid) between the dialog and y is not touched', async () => {
    const before = await results(a, paneId);
    await send(a, paneId, 'write {"verb":"delete","kind":"pods","name":"web-2"}');
    await a.waitLayout('delete dialog', (x) => x.overlay?.type === 'confirm' && /web-2/.test(x.overlay.text));
    const old = sim.listObjects('v1', 'Pod', 'dev').find((p) => p.metadata.name === 'web-2')!.metadata.uid;
    sim.deleteObject('v1', 'Pod', 'web-2', 'dev');
    sim.createObject(pod('web-2', 'dev'));
    const fresh = sim.listObjects('v1', 'Pod', 'dev').find((p) => p.metadata.name === 'web-2')!.metadata.uid;
    expect(fresh).not.toBe(old);
    await a.request('client/key', { key: 'y' });
    expect(await nextResult(a, paneId, before)).toMatch(/^write error: k8s_write: .*replaced.*nothing was deleted/);
    expect(sim.listObjects('v1', 'Pod', 'dev').find((p) => p.metadata.name === 'web-2')!.metadata.uid).toBe(fresh);
    expect((await audit({ limit: 1 }))[0]).toMatchObject({ name: 'web-2', uid: old, result: 'failed' });
  });
});

describe('hostile writes are refused, and audited', () => {
  it('without the permission: another namespace, another verb — no dialog, nothing changes', async () => {
    let before = await results(a, paneId);
    await send(a, paneId, 'write {"verb":"delete","kind":"pods","namespace":"prod","name":"api-1"}');
    expect(await nextResult(a, paneId, before)).toBe(
      'write error: k8s_write: not permitted: delete on pods in namespace prod needs the permission k8s:delete:pods (or k8s:delete:pods:ns=prod)',
    );
    before = await results(a, paneId);
    await send(a, paneId, 'write {"verb":"delete","kind":"deployments","name":"web"}');
    expect(await nextResult(a, paneId, before)).toMatch(/^write error: k8s_write: not permitted: delete on deployments in namespace dev/);
    expect(a.layout?.overlay ?? null).toBeNull();
    expect(podNames('prod')).toEqual(['api-1']);
    expect(sim.listObjects('apps/v1', 'Deployment', 'dev')).toHaveLength(1);
    const [d, p] = await audit({ limit: 2 });
    expect(p).toMatchObject({ verb: 'delete', kind: 'pods', namespace: 'prod', name: 'api-1', result: 'refused' });
    expect(d).toMatchObject({ verb: 'delete', kind: 'deployments', result: 'refused' });
  });

  it('malformed and huge requests get an error back; the plugin carries on', async () => {
    const cases: Array<[string, RegExp]> = [
      ['write {not json', /^write error: k8s_write: the request is not JSON$/],
      ['write {"verb":"explode","kind":"pods","name":"x"}', /^write error: k8s_write: invalid request at 'verb'/],
      ['write {"verb":"scale","kind":"deployments","name":"web"}', /^write error: k8s_write: invalid request at 'replicas'/],
      ['write {"verb":"delete","kind":"../../secrets","name":"x"}', /^write error: k8s_write: invalid request at 'kind'/],
      ['huge 100000', /^write error: k8s_write: request of 0\.1 MiB is over the 0\.1 MiB limit|^write error: k8s_write: request of .* is over the .* limit/],
    ];
    for (const [text, re] of cases) {
      const before = await results(a, paneId);
      await send(a, paneId, text);
      expect(await nextResult(a, paneId, before)).toMatch(re);
    }
    const before = await results(a, paneId);
    await send(a, paneId, 'list deployments');
    expect(await nextResult(a, paneId, before)).toBe('list deployments: web');
    // Each was a write asked for: each is in the audit log, refused, with the reason the plugin got.
    const entries = await waitFor('the unreadable writes audited', async () => {
      const e = await audit({ limit: cases.length });
      return e.length === cases.length && e.every((x) => x.verb === 'unknown') ? e : null;
    });
    expect(entries.map((e) => e.result)).toEqual(Array(cases.length).fill('refused'));
    expect(entries[0]!.error).toMatch(/^k8s_write: request of .* is over the .* limit$/);
    expect(entries.at(-1)!.error).toBe('k8s_write: the request is not JSON');
  });

  it('a write from a script (no attached client to confirm it) is refused and audited', async () => {
    const before = await results(a, paneId);
    await send(script, paneId, 'write {"verb":"delete","kind":"pods","name":"web-3"}');
    expect(await nextResult(a, paneId, before)).toMatch(/^write error: k8s_write: no client to confirm it/);
    expect(podNames('dev')).toContain('web-3');
    expect((await audit({ limit: 1 }))[0]).toMatchObject({ name: 'web-3', client: null, result: 'refused' });
  });

  it('a write storm: one dialog at a time; after 5 declined within 30 s the rest are refused at once', async () => {
    const opened = await a.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'k8s-storm' }, newTab: true });
    await a.request('kube/use', { tabId: opened.tabId, namespace: 'dev' });
    const storm = opened.paneId;
    await waitLine(a, storm, /k8s-writer ready/);
    // Each request asks for another count (10, 11, …), so the test tells dialog i from dialog i-1:
    // the layout showing the last dialog can still be on this client when its decline is audited.
    await send(a, storm, 'storm 8 {"verb":"scale","kind":"deployments","name":"web","replicas":1{i}}');
    for (let i = 1; i <= 5; i++) {
      await a.waitLayout(`storm dialog ${i}`, (x) => x.overlay?.type === 'confirm' && /k8s-storm/.test(x.overlay.text) && x.overlay.text.includes(`to 1${i - 1} replicas`));
      if (i === 1) {
        // Meanwhile another plugin's write is refused at once: one dialog at a time.
        const before = await results(a, paneId);
        await send(a, paneId, 'write {"verb":"scale","kind":"deployments","name":"web","replicas":4}');
        expect(await nextResult(a, paneId, before)).toBe('write error: k8s_write: another plugin write is waiting for confirmation; ask again once it is answered');
      }
      await a.request('client/key', { key: 'n' });
      await waitFor(`decline ${i} audited`, async () => (await audit({ plugin: 'k8s-storm' })).filter((e) => e.result === 'declined').length === i);
    }
    expect(await waitLine(a, storm, /^storm done/)).toBe('storm done ok=0 not=8');
    const entries = await audit({ plugin: 'k8s-storm' });
    expect(entries).toHaveLength(8);
    expect(entries.filter((e) => e.result === 'declined')).toHaveLength(5);
    expect(entries.filter((e) => e.result === 'refused').map((e) => e.error)).toEqual(Array(3).fill('too many writes declined: 5 within 30 s, so this plugin\'s writes are refused for a while'));
    expect(sim.listObjects('apps/v1', 'Deployment', 'dev')[0]!.spec!.replicas).toBe(2);
    // The last dialog closed on this client (its layout can reach it after the audit's answer: CI under load).
    await a.waitLayout('the last dialog closed', (x) => !x.overlay);
    expect(a.layout?.overlay ?? null).toBeNull();
  });

  it('read-only mode (readonly = true in the config) refuses every write before any dialog', async () => {
    writeConfig(['readonly = true', '']);
    expect(await script.request<{ ok: boolean }>('config/reload')).toMatchObject({ ok: true });
    const before = await results(a, paneId);
    await send(a, paneId, 'write {"verb":"delete","kind":"pods","name":"web-3"}');
    expect(await nextResult(a, paneId, before)).toBe('write error: k8s_write: kubetile runs read-only (--readonly, or readonly = true in the config): writes are refused');
    expect(podNames('dev')).toContain('web-3');
    expect((await audit({ limit: 1 }))[0]).toMatchObject({ name: 'web-3', result: 'refused', client: clientId });
    writeConfig();
    await script.request('config/reload');
  });
});

describe('reading the cluster', () => {
  it('k8s_list reads a kind it may list; plugin_on_event gets a pod created and deleted in kube-sim', async () => {
    let before = await results(a, paneId);
    await send(a, paneId, 'list pods');
    expect(await nextResult(a, paneId, before)).toMatch(/^list pods: web-2,web-3$/);
    before = await results(a, paneId);
    await send(a, paneId, 'list secrets');
    expect(await nextResult(a, paneId, before)).toMatch(/^list error: k8s_list: not permitted: listing secrets in namespace dev needs k8s:list:secrets/);
    sim.createObject(pod('fresh-1', 'dev'));
    await waitLine(a, paneId, /^event ADDED pods dev\/fresh-1$/);
    sim.createObject(pod('elsewhere', 'prod'));
    sim.deleteObject('v1', 'Pod', 'fresh-1', 'dev');
    await waitLine(a, paneId, /^event DELETED pods dev\/fresh-1$/);
    expect((await lines(a, paneId)).some((l) => l.includes('elsewhere'))).toBe(false);
  });

  it('k8s_logs reads the end of a pod log in a namespace it may; not in another', async () => {
    sim.appendLog('dev', 'web-3', ['first line', 'second line', 'third line', 'fourth line']);
    let before = await results(a, paneId);
    await send(a, paneId, 'logs web-3');
    expect(await nextResult(a, paneId, before)).toMatch(/^logs web-3: .*third line\|.*fourth line/);
    before = await results(a, paneId);
    await send(a, paneId, 'logs api-1 prod');
    expect(await nextResult(a, paneId, before)).toBe('logs error: k8s_logs: not permitted: pod logs in namespace prod need k8s:logs:pods (or k8s:logs:pods:ns=prod)');
  });

  it('the k8s permissions went through consent like any other: plugin/list shows them requested and granted', async () => {
    const info = (await script.request<{ plugins: Array<{ key: string; requested: string[]; granted: string[]; consent: string }> }>('plugin/list')).plugins.find((p) => p.key === 'k8s-writer')!;
    expect(info.requested).toEqual([...PERMS].sort());
    expect(info.granted).toEqual([...PERMS].sort());
    expect(info.consent).toBe('granted');
  });

  it('audit/list filters by plugin and limits', async () => {
    const all = await audit({ limit: 1000 });
    expect(all.length).toBeGreaterThan(10);
    expect(await audit({ limit: 3 })).toEqual(all.slice(0, 3));
    const storm = await audit({ plugin: 'k8s-storm' });
    expect(storm.every((e) => e.plugin === 'k8s-storm')).toBe(true);
    expect(storm).toHaveLength(8);
  });
});

describe('--readonly', () => {
  it('a daemon started with --readonly refuses plugin writes', async () => {
    const env2 = makeTestEnv();
    env2.env.KUBECONFIG = env.env.KUBECONFIG;
    mkdirSync(dirname(env2.configFile), { recursive: true });
    writeFileSync(env2.configFile, ['[[plugins]]', 'key = "k8s-writer"', `path = "${WASM}"`, `permissions = [${PERMS.map((p) => `"${p}"`).join(', ')}]`, ''].join('\n'));
    const d2 = await startDaemon(env2, ['--readonly']);
    const c = await RawClient.connect(env2.socket);
    try {
      await c.attach({ cols: 200, rows: 50 });
      const o = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'k8s-writer' }, newTab: true });
      await c.request('kube/use', { tabId: o.tabId, namespace: 'dev' });
      await waitLine(c, o.paneId, /k8s-writer ready/);
      await send(c, o.paneId, 'write {"verb":"delete","kind":"pods","name":"web-3"}');
      expect(await waitLine(c, o.paneId, /^write /)).toMatch(/read-only/);
      expect(podNames('dev')).toContain('web-3');
      const entries = (await c.request<{ entries: Audit[] }>('audit/list', {})).entries;
      expect(entries[0]).toMatchObject({ result: 'refused', name: 'web-3' });
    } finally {
      c.close();
      await d2.stop();
      env2.cleanup();
    }
  });
});
