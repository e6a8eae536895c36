import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { CLIENT_MAIN, makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';

/**
 * The scripting interface, through the real `kubetile` command against a real daemon and kube-sim:
 * open, snapshot (text a shell can grep, or JSON), keys, rpc --watch (a pane's views as JSON lines
 * until Ctrl-C), pf start/list/stop carrying real HTTP, plugins; every error is a message on stderr
 * with a non-zero status, and Ctrl-C on a long call cancels it.
 */

const execFileP = promisify(execFile);
let sim: KubeSim;
let env: TestEnv;
let daemon: DaemonProcess;
let http: Server;

/** A port nothing listens on now (the kernel's pick, released). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

const pod = (name: string, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name.replace(/-\d+$/, '') } },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox:1.36', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }],
  },
});

beforeAll(async () => {
  env = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: join(env.dir, 'kubeconfig'), stateDir: join(env.dir, 'sim') });
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  for (const n of ['web-1', 'web-2', 'api-1']) sim.createObject(pod(n));
  sim.createObject(pod('lonely-1', 'other'));
  env.env.KUBECONFIG = join(env.dir, 'kubeconfig');
  env.env.KUBETILE_SOCKET = env.socket;
  daemon = await startDaemon(env);
  http = createServer((req, res) => res.end(`hello from the pod: ${req.url}`));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  sim.setPortTarget('default', 'web-1', 80, { host: '127.0.0.1', port: (http.address() as AddressInfo).port });
}, 120_000);
afterAll(async () => {
  await daemon?.stop();
  await sim?.stop();
  http?.close();
  env?.cleanup();
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}
async function kt(...args: string[]): Promise<Result> {
  try {
    const r = await execFileP(process.execPath, [CLIENT_MAIN, ...args], { env: env.env, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}
async function ok(...args: string[]): Promise<string> {
  const r = await kt(...args);
  if (r.code !== 0) throw new Error(`kubetile ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kubetile open and snapshot', () => {
  it('open prints the pane id; snapshot prints the list as aligned columns a shell can grep, or JSON', async () => {
    const id = Number((await ok('open', 'pods')).trim());
    expect(id).toBeGreaterThan(0);
    const text = await ok('snapshot', String(id));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+/);
    const names = lines.slice(1).map((l) => l.split(/\s+/)[0]);
    expect(names.sort()).toEqual(['api-1', 'web-1', 'web-2']);
    // Aligned: every row's second column starts where the header's does.
    const col2 = lines[0]!.search(/\s\S/) + 1;
    for (const l of lines.slice(1)) expect(l.slice(col2 - 1, col2 + 1)).toMatch(/^ \S/);
    expect(text).not.toMatch(/[ \t]$/m);
    const json = JSON.parse(await ok('snapshot', String(id), '--format', 'json')) as { type: string; rows: Array<{ cells: { name: string } }> };
    expect(json.type).toBe('table');
    expect(json.rows.map((r) => r.cells.name).sort()).toEqual(['api-1', 'web-1', 'web-2']);
  });

  it('open --namespace opens a new tab in that namespace; --split opens beside; --json says pane, tab and view', async () => {
    const r = JSON.parse(await ok('open', 'pods', '--namespace', 'other', '--json')) as { paneId: number; tabId: number; view: { key: string } };
    expect(r.view).toEqual({ key: 'resource-list', args: { kind: 'pods' } });
    await waitFor('the other namespace listed', async () => (await ok('snapshot', String(r.paneId))).includes('lonely-1'));
    expect(await ok('snapshot', String(r.paneId))).not.toContain('web-1');
    const help = Number((await ok('open', 'help', '--split')).trim());
    expect(await ok('snapshot', String(help))).toContain('Ctrl+Q');
    const panes = JSON.parse(await ok('rpc', 'pane/list')) as { panes: Array<{ paneId: number; tabId: number }> };
    expect(panes.panes.find((p) => p.paneId === r.paneId)!.tabId).toBe(r.tabId);
  });

  it('errors: an unknown kind is not left open; a missing pane, bad flags and --split with --namespace are said on stderr', async () => {
    const before = (JSON.parse(await ok('rpc', 'pane/list')) as { panes: unknown[] }).panes.length;
    const bad = await kt('open', 'nosuchkinds');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^kubetile: cannot open nosuchkinds: .+/);
    expect(bad.stdout).toBe('');
    expect((JSON.parse(await ok('rpc', 'pane/list')) as { panes: unknown[] }).panes.length).toBe(before);
    const none = await kt('snapshot', '99999');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no pane 99999');
    const flags = await kt('open', 'pods', '--split', '--namespace', 'x');
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--namespace and --context belong to a tab');
    const fmt = await kt('snapshot', '1', '--format', 'yaml');
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toContain("--format is text or json, not 'yaml'");
  });
});

describe('kubetile keys', () => {
  it('sends keys through the key bindings as a client would: / filters the focused list', async () => {
    const id = Number((await ok('open', 'pods')).trim());
    await waitFor('rows', async () => (await ok('snapshot', String(id))).includes('api-1'));
    const r = JSON.parse(await ok('keys', '--pane', String(id), '--json', '/', 'w', 'e', 'b', 'enter')) as Array<{ key: string; handled: boolean }>;
    expect(r.map((k) => k.key)).toEqual(['/', 'w', 'e', 'b', 'enter']);
    expect(r.every((k) => k.handled)).toBe(true);
    const rows = (await ok('snapshot', String(id))).trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0]).sort();
    expect(rows).toEqual(['web-1', 'web-2']);
  });

  it('stops at a key the daemon refused or did not take, says why, exits 1, and sends none of the keys after it', async () => {
    const id = Number((await ok('open', 'pods')).trim());
    await waitFor('rows', async () => (await ok('snapshot', String(id))).includes('api-1'));
    // Scale is refused on a pod: the 3 and enter meant for its dialog would otherwise open the detail pane.
    const panes = async (): Promise<number> => (JSON.parse(await ok('rpc', 'pane/list')) as { panes: unknown[] }).panes.length;
    const before = await panes();
    const r = await kt('keys', '--pane', String(id), '--json', 'ctrl+alt+s', '3', 'enter');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([{ key: 'ctrl+alt+s', handled: true, command: 'app:scale' }]);
    expect(r.stderr).toBe("kubetile: key 'ctrl+alt+s': Pod cannot be scaled (Deployments, StatefulSets and ReplicaSets can); the 2 keys after it were not sent\n");
    expect(await panes()).toBe(before);
    // A key bound to nothing in normal mode.
    const none = await kt('keys', '--pane', String(id), 'ctrl+alt+f12', 'j');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("kubetile: key 'ctrl+alt+f12' was not taken (nothing is bound to it here); the 1 key after it was not sent");
  });

  it('refuses what is not a key before sending anything (exit 2, naming it)', async () => {
    const typo = await kt('keys', 'j', 'ctlr+d');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("kubetile: 'ctlr+d' is not a key (unknown modifier 'ctlr' in key 'ctlr+d')");
    const huge = await kt('keys', 'x'.repeat(100_000));
    expect(huge.code).toBe(2);
    expect(huge.stderr.length).toBeLessThan(400);
    expect(huge.stderr).toContain(`'${'x'.repeat(40)}…' is not a key`);
  });
});

describe('kubetile rpc --watch', () => {
  it("streams a pane's views as JSON lines until Ctrl-C (exit 0)", async () => {
    const id = Number((await ok('open', 'pods')).trim());
    const child = spawn(process.execPath, [CLIENT_MAIN, 'rpc', 'pane/command', JSON.stringify({ paneId: id, command: { type: 'filter', query: 'web' } }), '--watch', 'pane/view', '--pane', String(id)], {
      env: env.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
    type Line = { result?: unknown; method?: string; params?: { paneId: number; view: { rows?: Array<{ cells: { name: string } }> } } };
    const lines = (): Line[] => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
    const names = (l: Line): string[] => (l.params?.view.rows ?? []).map((r) => r.cells.name).sort();
    await waitFor('the call answered and the filtered view streamed', () =>
      lines().some((l) => l.result !== undefined) && lines().some((l) => JSON.stringify(names(l)) === '["web-1","web-2"]'),
    );
    expect(lines().every((l) => l.result !== undefined || (l.method === 'pane/view' && l.params!.paneId === id))).toBe(true);
    sim.createObject(pod('web-3'));
    await waitFor('the new pod streamed', () => lines().some((l) => JSON.stringify(names(l)) === '["web-1","web-2","web-3"]'));
    // Twice, as `timeout -s INT` does (the child, then its process group): still a clean exit 0.
    child.kill('SIGINT');
    child.kill('SIGINT');
    // Not killed by the second (exit code null, signal SIGINT): it can land after the command is done.
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(err).toBe('');
    sim.deleteObject('v1', 'Pod', 'web-3', 'default');
  });

  it('a bad notification name is a usage error; --pane without --watch too', async () => {
    const r = await kt('rpc', 'daemon/status', '--watch', 'not a name');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--watch takes a notification name like pane/view or toast (or * for all), not 'not a name'");
    expect((await kt('rpc', 'daemon/status', '--pane', '3')).stderr).toContain('--pane applies only with --watch');
  });

  it('Ctrl-C on a long call sends $/cancelRequest and exits 130 at once, saying so', async () => {
    sim.setLatency({ ms: 60_000, resource: 'namespaces' });
    try {
      const child = spawn(process.execPath, [CLIENT_MAIN, 'rpc', 'kube/namespaces'], { env: env.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      // In flight: the daemon's request has reached the API server (which holds it for a minute).
      const seq = Math.max(0, ...sim.journalEntries().map((e) => e.seq));
      await waitFor('the call in flight', () => sim.journalEntries({ path: '/api/v1/namespaces', sinceSeq: seq }).length > 0);
      const sent = Date.now();
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(Date.now() - sent).toBeLessThan(15_000);
      expect(err).toMatch(/^kubetile: interrupted; the daemon cancelled kube\/namespaces/);
    } finally {
      sim.setLatency(0);
    }
  });
});

describe('kubetile pf and plugins', () => {
  it('pf start forwards a port that carries HTTP; list shows it; stop ends it', async () => {
    const started = JSON.parse(await ok('pf', 'start', 'pod/web-1', '0:80', '--namespace', 'default', '--json')) as { id: string; localPort: number };
    expect(started.id).toMatch(/^pf-\d+$/);
    expect(await get(started.localPort, '/hi')).toBe('hello from the pod: /hi');
    const list = await ok('pf', 'list');
    const row = list.split('\n').find((l) => l.startsWith(`${started.id} `))!;
    // LOCAL: 127.0.0.1 and ::1 on the same port (::1 where the machine has it).
    expect(row).toMatch(new RegExp(`^${started.id}\\s+pod/web-1\\s+default\\s+127\\.0\\.0\\.1:${started.localPort}(,\\[::1\\]:${started.localPort})?\\s+80\\s+web-1\\s+active`));
    const json = JSON.parse(await ok('pf', 'list', '--json')) as Array<{ id: string }>;
    expect(json.map((f) => f.id)).toContain(started.id);
    expect(await ok('pf', 'stop', started.id)).toBe(`stopped ${started.id}\n`);
    await expect(get(started.localPort, '/')).rejects.toThrow();
  });

  it("pf start takes StatefulSets, ReplicaSets and DaemonSets by kubectl's names; the pod behind answers", async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wl' } });
    const workload = (kind: string, name: string) => ({
      apiVersion: 'apps/v1',
      kind,
      metadata: { name, namespace: 'wl' },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] } } },
    });
    for (const [kind, name, pod0] of [['StatefulSet', 'pg', 'pg-0'], ['ReplicaSet', 'cache', 'cache-1'], ['DaemonSet', 'agent', 'agent-1']] as const) {
      sim.createObject(workload(kind, name));
      sim.createObject(pod(pod0, 'wl'));
    }
    const cases = [
      ['sts/pg', 'statefulset/pg', 'pg-0'],
      ['statefulsets/pg', 'statefulset/pg', 'pg-0'],
      ['rs/cache', 'replicaset/cache', 'cache-1'],
      ['replicaset/cache', 'replicaset/cache', 'cache-1'],
      ['ds/agent', 'daemonset/agent', 'agent-1'],
      ['DaemonSets/agent', 'daemonset/agent', 'agent-1'],
    ] as const;
    for (const [arg, target, answering] of cases) {
      const r = await kt('pf', 'start', arg, '0:80', '--namespace', 'wl');
      expect(r, arg).toMatchObject({ code: 0, stderr: '' });
      const m = new RegExp(`^(pf-\\d+): Forwarding ${target}:80 -> 127\\.0\\.0\\.1:(\\d+)(?:, \\[::1\\]:\\2)?\n$`).exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      const [, id, port] = m!;
      expect((JSON.parse(await get(Number(port), '/who')) as { pod: string }).pod).toBe(answering);
      const row = (await ok('pf', 'list')).split('\n').find((l) => l.startsWith(`${id} `))!;
      expect(row).toMatch(new RegExp(`^${id}\\s+${target}\\s+wl\\s+127\\.0\\.0\\.1:${port}(,\\[::1\\]:${port})?\\s+80\\s+${answering}\\s+active`));
      await ok('pf', 'stop', id!);
    }
  });

  it("pf start takes a port's name as kubectl does: a pod's container port, a Service's port (then its targetPort)", async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'named' } });
    const site = pod('site-1', 'named');
    sim.createObject({ ...site, spec: { ...site.spec, containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9090 }] }] } });
    sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'site', namespace: 'named' }, spec: { selector: { app: 'site' }, ports: [{ name: 'web', port: 8080, targetPort: 'http' }] } });
    sim.setPortTarget('named', 'site-1', 80, { host: '127.0.0.1', port: (http.address() as AddressInfo).port });

    const viaPod = await kt('pf', 'start', 'pod/site-1', '0:http', '--namespace', 'named');
    expect(viaPod).toMatchObject({ code: 0, stderr: '' });
    const p = /^(pf-\d+): Forwarding pod\/site-1:80 -> 127\.0\.0\.1:(\d+)(?:, \[::1\]:\2)?\n$/.exec(viaPod.stdout);
    expect(p, viaPod.stdout).not.toBeNull();
    expect(await get(Number(p![2]), '/by-name')).toBe('hello from the pod: /by-name');

    const viaSvc = await kt('pf', 'start', 'svc/site', ':web', '--namespace', 'named');
    expect(viaSvc).toMatchObject({ code: 0, stderr: '' });
    const v = /^(pf-\d+): Forwarding service\/site:8080 -> 127\.0\.0\.1:(\d+)(?:, \[::1\]:\2)?\n$/.exec(viaSvc.stdout);
    expect(v, viaSvc.stdout).not.toBeNull();
    expect(await get(Number(v![2]), '/svc')).toBe('hello from the pod: /svc');

    // A name the object does not have: the ones it has, named.
    const none = await kt('pf', 'start', 'pod/site-1', '0:grpc', '--namespace', 'named');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("pod/site-1 has no container port named 'grpc' (its named ports: http (80), metrics (9090))");
    const svcNone = await kt('pf', 'start', 'svc/site', 'http', '--namespace', 'named');
    expect(svcNone.code).toBe(1);
    expect(svcNone.stderr).toContain("service/site has no port named 'http' (its named ports: web (8080))");
    // Over RPC a name that is not a port name is refused before anything is asked.
    const rpc = await kt('rpc', 'portForward/start', JSON.stringify({ namespace: 'named', pod: 'site-1', remotePort: 'HTTP' }));
    expect(rpc.code).not.toBe(0);
    expect(rpc.stderr).toContain('a port name is 1–15 lowercase letters, digits and single dashes');
    for (const m of [p, v]) await ok('pf', 'stop', m![1]!);
  });

  it("a bare PORT listens on the same port locally, as kubectl's (a name: on its number); :PORT on any free one", async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bare' } });
    const [p, q] = [await freePort(), await freePort()];
    const api = pod('api-1', 'bare');
    sim.createObject({ ...api, metadata: { ...api.metadata, labels: { app: 'api' } }, spec: { ...api.spec, containers: [{ name: 'main', image: 'busybox:1.36', ports: [{ name: 'http', containerPort: p }] }] } });
    sim.createObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'bare' }, spec: { selector: { app: 'api' }, ports: [{ name: 'api', port: q, targetPort: 'http' }] } });
    sim.setPortTarget('bare', 'api-1', p, { host: '127.0.0.1', port: (http.address() as AddressInfo).port });
    const byNumber = await kt('pf', 'start', 'pod/api-1', String(p), '--namespace', 'bare');
    expect(byNumber).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(new RegExp(`^pf-\\d+: Forwarding pod/api-1:${p} -> 127\\.0\\.0\\.1:${p}(?:, \\[::1\\]:${p})?\n$`)) });
    expect(await get(p, '/same')).toBe('hello from the pod: /same');
    const byName = await kt('pf', 'start', 'svc/api', 'api', '--namespace', 'bare');
    expect(byName).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(new RegExp(`^pf-\\d+: Forwarding service/api:${q} -> 127\\.0\\.0\\.1:${q}(?:, \\[::1\\]:${q})?\n$`)) });
    expect(await get(q, '/named')).toBe('hello from the pod: /named');
    // The same port again is in use: said, as kubectl says it cannot listen.
    const again = await kt('pf', 'start', 'pod/api-1', String(p), '--namespace', 'bare');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`local port ${p} on 127.0.0.1 is already in use by port-forward pf-`);
    const any = await kt('pf', 'start', 'pod/api-1', `:${p}`, '--namespace', 'bare');
    const m = new RegExp(`^(pf-\\d+): Forwarding pod/api-1:${p} -> 127\\.0\\.0\\.1:(\\d+)(?:, \\[::1\\]:\\2)?\n$`).exec(any.stdout);
    expect(m, any.stdout + any.stderr).not.toBeNull();
    expect(Number(m![2])).not.toBe(p);
    // Over RPC, both at once is refused before anything is asked.
    const both = await kt('rpc', 'portForward/start', JSON.stringify({ namespace: 'bare', pod: 'api-1', remotePort: p, localPort: 0, sameLocalPort: true }));
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain("sameLocalPort listens on the remote port's number: not with localPort");
    for (const f of JSON.parse(await ok('pf', 'list', '--json')) as Array<{ id: string; namespace: string }>) if (f.namespace === 'bare') await ok('pf', 'stop', f.id);
  });

  it('pf errors: an unknown id, a target kind it cannot forward, bad ports', async () => {
    const stop = await kt('pf', 'stop', 'pf-999');
    expect(stop.code).toBe(1);
    expect(stop.stderr).toContain("no port-forward 'pf-999'");
    // A kind kubectl knows is not taken for a namespace; an unknown prefix may be one.
    const kind = await kt('pf', 'start', 'cronjob/x', '80');
    expect(kind.code).toBe(2);
    expect(kind.stderr).toBe("kubetile: cannot port-forward to 'cronjob': name a pod/NAME, svc/NAME, deploy/NAME, sts/NAME, rs/NAME or ds/NAME\n");
    const nsFirst = await kt('pf', 'start', 'default/web-1', '80');
    expect(nsFirst.code).toBe(2);
    expect(nsFirst.stderr).toContain("cannot port-forward to 'default': name a pod/NAME, svc/NAME, deploy/NAME, sts/NAME, rs/NAME or ds/NAME (a namespace goes in --namespace, not before the name)");
    // A port's name goes to the daemon, which looks it up on the object (web-1 names none).
    const named = await kt('pf', 'start', 'pod/web-1', '8080:http', '--namespace', 'default');
    expect(named.code).toBe(1);
    expect(named.stderr).toContain("pod/web-1 has no container port named 'http' (it names none of its ports)");
    const badName = await kt('pf', 'start', 'pod/web-1', '8080:Web_Port');
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain("the remote port must be a number from 1 to 65535 or a port's name (lowercase letters, digits and dashes, like http), not 'Web_Port'");
    const ports = await kt('pf', 'start', 'pod/web-1', '80:99999');
    expect(ports.code).toBe(2);
    expect(ports.stderr).toContain("the remote port must be a port from 1 to 65535, not '99999'");
    const gone = await kt('pf', 'start', 'pod/nope', '80', '--namespace', 'default');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/nope/);
  });

  it('plugins lists (none configured) and reload names an unknown key', async () => {
    const list = await kt('plugins');
    expect(list.code).toBe(0);
    expect(list.stderr).toContain('no plugins configured');
    expect(JSON.parse(await ok('plugins', '--json'))).toEqual([]);
    const reload = await kt('plugins', 'reload', 'nope');
    expect(reload.code).toBe(1);
    expect(reload.stderr).toContain("no plugin 'nope'");
  });
});
