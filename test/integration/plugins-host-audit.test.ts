import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, waitFor } from '../helpers/daemon-process.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * A hostile plugin calling the host functions with raw requests (packages/sdk/test/fixtures/
 * host-relay, built from source): every request it makes gets an answer naming what was wrong,
 * and no request reaches past what its permissions allow or what the daemon can afford.
 */

const WASM = join(REPO_ROOT, 'packages/sdk/test/fixtures/host-relay/build/host-relay.wasm');
const PERMS = ['k8s:list:pods', 'k8s:get:secrets', 'clipboard:write', 'k8s:logs:pods', 'k8s:delete:pods:ns=dev', 'k8s:list:configmaps'];

let sd: SimDaemonWithClient;
let c: RawClient;
let paneId: number;

async function lines(): Promise<string[]> {
  const r = await c.request<{ view: { type: string; lines?: Array<{ text: string }>; text?: string } }>('pane/snapshot', { paneId, rows: 40, cols: 400 });
  return r.view.type === 'lines' ? r.view.lines!.map((l) => l.text) : [`[${r.view.type}] ${r.view.text ?? ''}`];
}

/** The number of the relay's newest result line (0: none yet). */
async function lastResult(): Promise<number> {
  const nums = (await lines()).map((l) => /^#(\d+) /.exec(l)?.[1]).filter((n): n is string => n !== undefined);
  return nums.length ? Number(nums[nums.length - 1]) : 0;
}

/** Sends one relay command; its result line, without the "#N " prefix. */
async function relay(text: string): Promise<string> {
  const n = (await lastResult()) + 1;
  await c.request('pane/command', { paneId, command: { type: 'send_input', text } });
  let last: string[] = [];
  return waitFor(
    `result #${n} of ${text.slice(0, 60)} (last view: ${JSON.stringify(last.slice(-3))})`,
    async () => {
      last = await lines();
      const line = last.find((l) => l.startsWith(`#${n} `));
      return line === undefined ? null : line.slice(`#${n} `.length);
    },
    60_000,
  );
}

interface Audit {
  verb: string;
  result: string;
  error: string | null;
}

/** Config entries for the relay under these keys (`relay-*`: a 2 s call timeout). */
const config = (keys: string[]): string =>
  keys
    .map((key) => ['[[plugins]]', `key = "${key}"`, `path = "${WASM}"`, `permissions = [${PERMS.map((p) => `"${p}"`).join(', ')}]`, `timeout_ms = ${key === 'relay' ? 10_000 : 2000}`, ''].join('\n'))
    .join('\n');

const clipboards = (): number => c.notifications.filter((n) => n.method === 'clipboard/write').length;

async function instances(key: string): Promise<number> {
  const { plugins } = await c.request<{ plugins: Array<{ key: string; instances: number }> }>('plugin/list');
  return plugins.find((p) => p.key === key)?.instances ?? 0;
}

/** A relay pane of `key` in a new tab, ready; its id. */
async function openRelay(key: string): Promise<number> {
  const id = (await c.request<{ paneId: number }>('pane/open', { view: { key }, newTab: true })).paneId;
  await waitFor(`${key} ready`, async () => {
    const v = await c.request<{ view: { type: string; lines?: Array<{ text: string }> } }>('pane/snapshot', { paneId: id, rows: 10, cols: 100 });
    return v.view.lines?.some((l) => l.text.includes('host-relay ready'));
  });
  return id;
}

beforeAll(async () => {
  sd = await startSimDaemon({
    client: { cols: 200, rows: 50 },
    beforeDaemon: (sim, env) => {
      for (const ns of ['dev', 'prod']) sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', namespace: 'prod' }, spec: { containers: [{ name: 'main', image: 'app:1' }], nodeName: 'node-1' }, status: { phase: 'Running' } });
      // 50 configmaps of 100 KB in dev: 5 MB listed, over the 4 MiB answer limit.
      const blob = 'x'.repeat(100_000);
      for (let i = 0; i < 50; i++) sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${i}`, namespace: 'dev' }, data: { blob } });
      sim.createObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'dev' }, data: { password: Buffer.from('hunter2').toString('base64') } });
      mkdirSync(dirname(env.configFile), { recursive: true });
      writeFileSync(
        env.configFile,
        config(['relay', 'relay-short', 'relay-gone']),
      );
    },
  });
  c = sd.client;
  const opened = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'relay' }, newTab: true });
  paneId = opened.paneId;
  await c.request('kube/use', { tabId: opened.tabId, namespace: 'dev' });
  await waitFor('the relay ready', async () => (await lines()).some((l) => l.includes('host-relay ready')));
}, 60_000);

afterAll(async () => {
  await sd?.stop();
});

describe('host functions called by a hostile plugin', () => {
  it("get_secret with the name '..' is refused, naming the field (it read the namespace object as a secret)", async () => {
    expect(await relay('call get_secret {"name":"db"}')).toMatch(/^get_secret \{"ok":true,"value":\{"name":"db","namespace":"dev","type":"Opaque","data":\{"password":"hunter2"\}\}\}$/);
    for (const name of ['..', '.', 'db/../db', '%2e%2e']) {
      expect(await relay(`call get_secret {"name":${JSON.stringify(name)}}`)).toBe(`get_secret {"ok":false,"error":"get_secret: invalid request at 'name': a secret name"}`);
    }
  });

  it('a request nested 20,000 levels deep gets an error naming the depth, and a write that deep is audited as refused', async () => {
    const patch = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const answer = await relay(`call k8s_write {"verb":"patch","kind":"pods","name":"web","patch":${patch}}`);
    expect(answer).toMatch(/^k8s_write \{"ok":false,"error":"k8s_write: invalid request at 'patch\.a\.0\.0\..*\(64 levels\)': nested deeper than 64 levels"\}$/);
    const entry = await waitFor('the deep write audited', async () => {
      const { entries } = await c.request<{ entries: Audit[] }>('audit/list', { plugin: 'relay', limit: 1 });
      return entries[0];
    });
    expect(entry).toMatchObject({ verb: 'unknown', result: 'refused' });
    expect(entry.error).toMatch(/nested deeper than 64 levels/);
    // Other host functions too, and the plugin carries on.
    expect(await relay(`call list_pods {"namespace":"dev","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`)).toMatch(/list_pods: invalid request at 'x\..*': nested deeper than 64 levels/);
    expect(await relay('call list_pods {"namespace":"dev"}')).toBe('list_pods {"ok":true,"value":[]}');
  });

  it('a k8s_list answer over 4 MiB is refused, naming the limit, without serializing the whole collection', async () => {
    // Before, each refused call serialized all of it (40 MiB of pods: the other clients' keys waited seconds).
    expect(await relay('call k8s_list {"kind":"configmaps"}')).toBe(
      'k8s_list {"ok":false,"error":"k8s_list: the answer is over the 4 MiB limit (50 objects; ask for less, e.g. one namespace)"}',
    );
  });

  it('listing namespace after namespace opens at most 32 informers for the plugin; the rest are refused, naming the limit', async () => {
    const before = sd.sim.hub.stats().open;
    const answer = await relay('loop 100 k8s_list {"kind":"pods","namespace":"ns-{i}"}');
    // Two collections (dev's pods and configmaps, read above) are read already.
    expect(answer).toMatch(/^loop k8s_list ok=30 err=70 last=\{"ok":false,"error":"k8s_list: this plugin already reads 32 collections \(kind and namespace pairs read within the last 60 s\), its limit/);
    expect(sd.sim.hub.stats().open - before).toBeLessThanOrEqual(32);
    // A collection it reads already is still answered.
    expect(await relay('call k8s_list {"kind":"pods","namespace":"ns-0"}')).toBe('k8s_list {"ok":true,"value":{"items":[]}}');
    expect(await relay('call list_pods {"namespace":"dev"}')).toBe('list_pods {"ok":true,"value":[]}');
  });

  it('get_secret and k8s_logs in a loop: a burst of 50 API requests, then 20 a second; the rest are refused, naming the limit', async () => {
    const answer = await relay('loop 300 get_secret {"name":"db"}');
    const m = /^loop get_secret ok=(\d+) err=(\d+) last=(.*)$/.exec(answer);
    expect(m, answer).not.toBeNull();
    // However slow the machine, 300 calls are not all let through (without the limit: ok=300, ~800 a second).
    expect(Number(m![1])).toBeGreaterThanOrEqual(40);
    expect(Number(m![2])).toBeGreaterThan(0);
    // The last of the 300 is refused with the limit named — or, on a machine slow enough that a token came
    // back (one each 50 ms) just before it, answered: the loop's calls are not paced.
    const refusal = '{"ok":false,"error":"get_secret: too many requests to the API server: this plugin may make 20 a second (bursts of 50); ask again later"}';
    if (!m![3]!.startsWith('{"ok":true')) expect(m![3]).toBe(refusal);
    // The same bucket: no new burst for another host function. A few may pass as it refills while the
    // 300 refused calls run (on a loaded machine they take long enough for that): never a burst's worth.
    const logs = /^loop k8s_logs ok=(\d+) err=(\d+) last=(.*)$/.exec(await relay('loop 300 k8s_logs {"pod":"web"}'));
    expect(logs).not.toBeNull();
    expect(Number(logs![1])).toBeLessThan(50);
    expect(Number(logs![2])).toBeGreaterThan(250);
    expect(logs![3]).toMatch(/^\{"ok":false,"error":"k8s_logs: too many requests to the API server|^\{"ok":true/);
    // The bucket fills again: a later call is answered.
    await waitFor('get_secret answered again', async () => (await relay('call get_secret {"name":"db"}')).startsWith('get_secret {"ok":true'), 30_000, 200);
  });

  it("control characters in the plugin's error text or broken output never reach the pane's view", async () => {
    const send = (text: string) => c.request('pane/command', { paneId, command: { type: 'send_input', text } });
    // Looked for in every view pushed to the attached client: the next successful call (a resize) clears a notice.
    const pushed = (prefix: string) =>
      waitFor(`a pushed view with a line ${prefix}…`, () => {
        for (const n of c.notifications) {
          const p = n.params as { paneId?: number; view?: { type: string; lines?: Array<{ text: string }> } };
          const line = n.method === 'pane/view' && p.paneId === paneId ? p.view?.lines?.find((l) => l.text.startsWith(prefix)) : undefined;
          if (line) return line.text;
        }
        return null;
      });
    await send('fail bad\u001b]52;c;aGk=\u0007x');
    expect(await pushed('plugin_on_command failed')).toBe('plugin_on_command failed: bad\ufffd]52;c;aGk=\ufffdx');
    await send('emit {"lines":["\u001b[2J\u001b]0;title\u0007');
    const broken = await pushed('plugin_on_command sent output');
    expect(broken).toMatch(/^plugin_on_command sent output that is not JSON: /);
    expect(broken).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
    // Bidirectional overrides and isolates in a v1 line (a name a bidi terminal would show reversed).
    await send('emit {"lines":["bidi: report\u202efdp.exe \u2066x\u2069 \u200fy"]}');
    expect(await pushed('bidi:')).toBe('bidi: report\ufffdfdp.exe \ufffdx\ufffd \ufffdy');
    // The emitted render replaced the relay's numbered lines: its next result brings them back.
    await send('call list_pods {"namespace":"dev"}');
    await waitFor('the relay showing its results again', async () => (await lastResult()) > 0);
    // The plugin carries on.
    expect(await relay('call list_pods {"namespace":"dev"}')).toBe('list_pods {"ok":true,"value":[]}');
  });

  it('copies five texts in a row, then one a second; the rest are refused, saying so, and never reach the clipboard', async () => {
    const before = clipboards();
    const result = await relay('loop 40 clipboard_write {"text":"copy {i}"}');
    const m = /^loop clipboard_write ok=(\d+) err=(\d+) last=(.*)$/.exec(result);
    expect(m, result).not.toBeNull();
    const ok = Number(m![1]);
    // Five at once, and one for each second the loop may have taken on a loaded machine — at most its
    // 10 s call timeout: 16 whatever the load; without the limit all 40 were copied.
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok).toBeLessThanOrEqual(16);
    expect(Number(m![2])).toBe(40 - ok);
    expect(JSON.parse(m![3]!)).toEqual({ ok: false, error: 'clipboard_write: too many: a plugin may copy 1 text a second (5 in a row); not copied' });
    await waitFor('the copies delivered', () => clipboards() === before + ok);
    const copied = c.notifications.filter((n) => n.method === 'clipboard/write').slice(before).map((n) => (n.params as { text: string }).text);
    expect(copied.slice(0, 5)).toEqual(['copy 0', 'copy 1', 'copy 2', 'copy 3', 'copy 4']);
  });

  it('a plugin copying in a loop: nothing reaches the clipboard once its pane is closed, and its instance ends', async () => {
    const id = await openRelay('relay-short');
    const before = clipboards();
    await c.request('pane/command', { paneId: id, command: { type: 'send_input', text: 'loop 100000000 clipboard_write {"text":"late"}' } });
    // Its first copies (five in a row are allowed, then one a second).
    await waitFor('the loop copying', () => clipboards() >= before + 3);
    await c.request('pane/close', { paneId: id });
    const atClose = clipboards();
    // The call in flight runs on until its 2 s timeout ends the instance.
    await waitFor('the instance ended', async () => (await instances('relay-short')) === 0, 30_000, 50);
    expect(clipboards()).toBe(atClose);
    expect(await relay('call list_pods {"namespace":"dev"}')).toBe('list_pods {"ok":true,"value":[]}');
  });

  it('a config reload removing the plugin mid-loop ends it at once; nothing reaches the clipboard after', async () => {
    const id = await openRelay('relay-gone');
    const before = clipboards();
    await c.request('pane/command', { paneId: id, command: { type: 'send_input', text: 'loop 100000000 clipboard_write {"text":"late"}' } });
    await waitFor('the loop copying', () => clipboards() >= before + 3);
    writeFileSync(sd.env.configFile, config(['relay', 'relay-short']));
    expect(await c.request('config/reload')).toMatchObject({ ok: true });
    const atReload = clipboards();
    const v = await c.request<{ view: { type: string; text?: string } }>('pane/snapshot', { paneId: id, rows: 10, cols: 200 });
    expect(v.view).toMatchObject({ type: 'message' });
    expect(v.view.text).toMatch(/relay-gone/);
    await waitFor('the instance ended', async () => (await instances('relay-gone')) === 0, 30_000, 50);
    expect(clipboards()).toBe(atReload);
  });

  it("in a tab showing all namespaces, '' means all of them, a one-namespace call says it needs one, and the user's own all-namespaces list is not broken", async () => {
    const opened = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'relay-short' }, newTab: true });
    await c.request('kube/use', { tabId: opened.tabId, namespace: '*' });
    const id = opened.paneId;
    let n = 0;
    const ask = async (text: string): Promise<string> => {
      n++;
      await c.request('pane/command', { paneId: id, command: { type: 'send_input', text } });
      return waitFor(`result #${n} of ${text}`, async () => {
        const v = await c.request<{ view: { lines?: Array<{ text: string }> } }>('pane/snapshot', { paneId: id, rows: 30, cols: 400 });
        return v.view.lines?.find((l) => l.text.startsWith(`#${n} `))?.text.slice(`#${n} `.length);
      });
    };
    await waitFor('relay-short ready', async () => {
      const v = await c.request<{ view: { lines?: Array<{ text: string }> } }>('pane/snapshot', { paneId: id, rows: 10, cols: 100 });
      return v.view.lines?.some((l) => l.text.includes('host-relay ready'));
    });
    expect(await ask('call list_pods {}')).toMatch(/^list_pods \{"ok":true,"value":\[\{"name":"api","namespace":"prod",/);
    expect(await ask('call k8s_list {"kind":"pods"}')).toMatch(/^k8s_list \{"ok":true,"value":\{"items":\[\{.*"name":"api","namespace":"prod"/);
    const one = 'one namespace: the pane\'s tab shows all namespaces, so give one in \\"namespace\\""}';
    expect(await ask('call k8s_logs {"pod":"api"}')).toBe(`k8s_logs {"ok":false,"error":"k8s_logs: reads pod logs in ${one}`);
    expect(await ask('call get_secret {"name":"db"}')).toBe(`get_secret {"ok":false,"error":"get_secret: needs ${one}`);
    expect(await ask('call k8s_write {"verb":"delete","kind":"pods","name":"api"}')).toBe(`k8s_write {"ok":false,"error":"k8s_write: needs ${one}`);
    // Named, the namespace is asked (kube-sim's pod is still starting: its log says so).
    expect(await ask('call k8s_logs {"pod":"api","namespace":"prod"}')).toMatch(/^k8s_logs \{"ok":(true|false,"error":"k8s_logs: container \\"main\\" in pod \\"api\\")/);
    // The plugin's reads shared the daemon's all-namespaces informer: the user's own list works.
    const list = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
    await c.request('kube/use', { tabId: list.tabId, namespace: '*' });
    await waitFor('the all-namespaces pod list shows prod/api', async () => {
      const v = await c.request<{ view: { type: string; rows?: Array<{ cells: Record<string, string> }> } }>('pane/snapshot', { paneId: list.paneId, rows: 10, cols: 150 });
      return v.view.rows?.some((r) => r.cells.namespace === 'prod' && r.cells.name === 'api');
    });
    expect(sd.sim.getObject('v1', 'Pod', 'api', 'prod')).toBeDefined();
  });
});
