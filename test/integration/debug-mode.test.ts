import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { KubeObject } from '@kubetile/kube-sim';
import type { SessionLayout } from '@kubetile/rpc-schema';
import { waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';
import { openListIn, pressKeys, selectRow as selectRowIn } from '../helpers/list-pane.js';

/**
 * Debug mode and root debug mode (ctrl+alt+d / f5) round trip on a real daemon and kube-sim: one confirmation naming
 * the workload, the command replaced by `sleep infinity` with the original kept in annotations, and everything
 * (command, args, probes, security context) put back exactly when the mode is left. Ephemeral debug containers
 * (shift+d): the image asked for, the container added through pods/ephemeralcontainers, an exec pane attached; a
 * server without the subresource gets a clear message.
 */

let env: TestEnv;
let sim: KubeSim;
let stack: SimDaemonWithClient | undefined;
let c: RawClient;
const NS = 'dbg';

type Rec = Record<string, unknown>;
const CONTAINER = {
  name: 'app',
  image: 'nginx:1.27',
  command: ['/bin/app'],
  args: ['--port', '8080'],
  livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
};

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ ...CONTAINER }, { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', '3600'] }] } },
  },
});

const tabOf = (l: SessionLayout) => l.tabs.find((t) => t.id === l.activeTabId)!;
const toasts = (): string[] => c.notifications.filter((n) => n.method === 'toast').map((n) => (n.params as { text: string }).text);
const waitToast = (re: RegExp): Promise<string> => waitFor(`a toast matching ${re} (got ${JSON.stringify(toasts())})`, () => toasts().find((t) => re.test(t)));
const dep = (name: string): KubeObject => sim.getObject('apps/v1', 'Deployment', name, NS)!;
const firstContainer = (o: KubeObject): Rec => ((((o.spec as Rec).template as Rec).spec as Rec).containers as Rec[])[0]!;
const annotations = (o: KubeObject): Record<string, string> => o.metadata.annotations ?? {};
const debugAnnotations = (o: KubeObject): string[] => Object.keys(annotations(o)).filter((k) => k.startsWith('debug.kubetile.io/'));

const keys = (...ks: string[]): Promise<void> => pressKeys(c, ...ks);
const openList = (kind: string): Promise<number> => openListIn(c, kind, NS);
const selectRow = (paneId: number, name: string): Promise<void> => selectRowIn(c, paneId, name, 'prefix');

/** Presses `key`, checks the one dialog says `text`, answers y; no second dialog follows. */
async function confirmOnce(key: string, text: RegExp): Promise<void> {
  await keys(key);
  const l = await c.waitLayout(`confirm after ${key}`, (x) => x.overlay?.type === 'confirm');
  expect(l.overlay?.type === 'confirm' ? l.overlay.text : '').toMatch(text);
  await keys('y');
  await c.waitLayout('dialog closed', (x) => !x.overlay);
}

beforeAll(async () => {
  stack = await startSimDaemon({
    sim: { controller: true },
    beforeDaemon: (s) => {
      s.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
      s.createObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    },
    client: { cols: 160, rows: 40 },
  });
  ({ env, sim, client: c } = stack);
});
afterAll(() => stack?.stop());

describe('debug mode', () => {
  it('ctrl+alt+d on a pod puts its Deployment in debug mode and back, restoring command, args and probes exactly', async () => {
    sim.createObject(deployment('web'));
    const pods = await openList('pods');
    await selectRow(pods, 'web-');
    const before = firstContainer(dep('web'));
    await confirmOnce('ctrl+alt+d', new RegExp(`^Debug mode on Deployment ${NS}/web\\? Container 'app' will run 'sleep infinity'`));
    await waitToast(new RegExp(`Deployment ${NS}/web is in debug mode \\(container app\\)`));
    const on = dep('web');
    expect(firstContainer(on).command).toEqual(['sleep', 'infinity']);
    expect(firstContainer(on).args).toBeUndefined();
    expect(firstContainer(on).livenessProbe).toBeUndefined();
    expect(JSON.parse(annotations(on)['debug.kubetile.io/original-command']!)).toEqual(['/bin/app']);
    expect(JSON.parse(annotations(on)['debug.kubetile.io/original-args']!)).toEqual(['--port', '8080']);
    expect(annotations(on)['debug.kubetile.io/container']).toBe('app');
    const tmpl = ((on.spec as Rec).template as Rec).metadata as Rec;
    expect((tmpl.annotations as Record<string, string>)['debug.kubetile.io/debug-mode']).toBe('true');
    // The sidecar is untouched.
    expect(((((on.spec as Rec).template as Rec).spec as Rec).containers as Rec[])[1]).toMatchObject({ name: 'sidecar', command: ['sleep', '3600'] });

    // Leave it from the Deployments list (the pod was replaced by the rollout).
    const deps = await openList('deployments');
    await selectRow(deps, 'web');
    await confirmOnce('ctrl+alt+d', new RegExp(`^Leave debug mode on Deployment ${NS}/web\\?`));
    await waitToast(new RegExp(`Deployment ${NS}/web left debug mode`));
    const off = dep('web');
    expect(firstContainer(off)).toEqual(before);
    expect(debugAnnotations(off)).toEqual([]);
  });

  it('f5 (root debug mode) runs the container as root and restores its security context; n changes nothing', async () => {
    sim.createObject(deployment('api'));
    const deps = await openList('deployments');
    await selectRow(deps, 'api');
    const before = firstContainer(dep('api'));
    await keys('f5');
    await c.waitLayout('confirm', (x) => x.overlay?.type === 'confirm' && /Root debug mode on Deployment/.test(x.overlay.text));
    await keys('n');
    await c.waitLayout('dialog closed', (x) => !x.overlay);
    expect(debugAnnotations(dep('api'))).toEqual([]);

    await confirmOnce('f5', /^Root debug mode on Deployment dbg\/api\? .*as root \(uid 0\)/);
    await waitToast(/Deployment dbg\/api is in root debug mode/);
    const root = dep('api');
    expect(firstContainer(root).command).toEqual(['sleep', 'infinity']);
    expect(firstContainer(root).securityContext).toEqual({ runAsUser: 0, runAsGroup: 0, runAsNonRoot: false });
    expect(annotations(root)['debug.kubetile.io/root-debug-mode']).toBe('true');

    await confirmOnce('f5', /^Leave root debug mode on Deployment dbg\/api\?/);
    await waitToast(/Deployment dbg\/api left root debug mode/);
    expect(firstContainer(dep('api'))).toEqual(before);
    expect(debugAnnotations(dep('api'))).toEqual([]);
  });

  it('refuses a pod no workload runs, naming why, before any dialog', async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lonely', namespace: NS }, spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx:1.27' }] } });
    const pods = await openList('pods');
    await selectRow(pods, 'lonely');
    await keys('ctrl+alt+d');
    await waitToast(/pod dbg\/lonely is not run by a Deployment, StatefulSet or DaemonSet/);
    expect(c.layout!.overlay ?? null).toBeNull();
  });
});

describe('debug from a script (resource/action)', () => {
  it('acts at once on the named workload; a bad mode or image is refused naming the arg, nothing changed', async () => {
    sim.createObject(deployment('scripted'));
    const deps = await openList('deployments');
    await selectRow(deps, 'scripted');
    const script = await RawClient.connect(env.socket);
    try {
      const bad = await script.request('resource/action', { paneId: deps, action: 'debug', args: { mode: 'rm -rf /' }, target: { name: 'scripted' } }).then(
        () => '',
        (e: Error) => e.message,
      );
      expect(bad).toMatch(/args\.mode must be one of debug-mode, root-debug-mode, container, node/);
      const r = await script.request<{ message: string }>('resource/action', { paneId: deps, action: 'debug', args: { mode: 'debug-mode' }, target: { name: 'scripted' } });
      expect(r.message).toBe('Deployment dbg/scripted is in debug mode (container app)');
      expect(firstContainer(dep('scripted')).command).toEqual(['sleep', 'infinity']);
      await script.request('resource/action', { paneId: deps, action: 'debug', args: { mode: 'debug-mode' }, target: { name: 'scripted' } });
      expect(debugAnnotations(dep('scripted'))).toEqual([]);
      expect(firstContainer(dep('scripted')).command).toEqual(['/bin/app']);
    } finally {
      script.close();
    }
    const pods = await openList('pods');
    await selectRow(pods, 'scripted-');
    const script2 = await RawClient.connect(env.socket);
    try {
      const badImage = await script2.request('resource/action', { paneId: pods, action: 'debug', args: { mode: 'container', image: 'busy box; rm -rf /' } }).then(
        () => '',
        (e: Error) => e.message,
      );
      expect(badImage).toMatch(/args\.image: 'busy box; rm -rf \/' is not an image reference/);
    } finally {
      script2.close();
    }
  });
});

describe('debug container args from a script', () => {
  it('a bad image or one that is not a string is refused naming the arg, whatever state the pod is in; nothing is added', async () => {
    // A pod being deleted (a finalizer holds it): the arg is checked before the pod is looked at.
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'argcheck', namespace: NS, finalizers: ['kubetile.test/hold'] }, spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx:1.27' }] } });
    const pods = await openList('pods');
    await selectRow(pods, 'argcheck');
    sim.deleteObject('v1', 'Pod', 'argcheck', NS);
    await waitFor('the pod marked deleted', () => sim.getObject('v1', 'Pod', 'argcheck', NS)?.metadata.deletionTimestamp);
    const script = await RawClient.connect(env.socket);
    const refusal = (args: Record<string, unknown>): Promise<string> =>
      script.request('resource/action', { paneId: pods, action: 'debug', args: { mode: 'container', ...args } }).then(
        () => '(done)',
        (e: Error) => e.message,
      );
    try {
      expect(await refusal({ image: 'busy box; rm -rf /' })).toMatch(/args\.image: 'busy box; rm -rf \/' is not an image reference/);
      // Before: a non-string image was replaced by the config's and a container was added with it.
      expect(await refusal({ image: 42 })).toContain('args.image must be an image reference (a string), not 42');
      expect(await refusal({ image: 'busybox:1.36', target: ['main'] })).toContain('args.target must be a container name (a string), not ["main"]');
      expect((sim.getObject('v1', 'Pod', 'argcheck', NS)?.spec as Rec).ephemeralContainers).toBeUndefined();
    } finally {
      script.close();
      sim.patchObject('v1', 'Pod', 'argcheck', NS, { metadata: { finalizers: [] } });
    }
  });
});

describe('ephemeral debug containers', () => {
  it('shift+d asks for the image and the shared container, adds the container and attaches an exec pane to it', async () => {
    sim.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'target', namespace: NS },
      spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx:1.27' }, { name: 'side', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
    });
    const pods = await openList('pods');
    await selectRow(pods, 'target');
    await waitFor('pod running', () => (sim.getObject('v1', 'Pod', 'target', NS)?.status as Rec | undefined)?.phase === 'Running');
    await keys('shift+d');
    const ask = await c.waitLayout('image prompt', (x) => x.overlay?.type === 'input');
    expect(ask.overlay).toMatchObject({ type: 'input' });
    expect(ask.overlay?.type === 'input' ? ask.overlay.title : '').toMatch(/ephemeral debug container to pod dbg\/target/);
    // Replace the offered image: first with one that is not an image reference, which stays in the dialog to be corrected.
    const offered = ask.overlay?.type === 'input' ? ask.overlay.value : '';
    for (let i = 0; i < offered.length; i++) await keys('backspace');
    for (const ch of 'busy box') await keys(ch === ' ' ? 'space' : ch);
    await keys('enter');
    await waitToast(/'busy box' is not an image reference/);
    const kept = await c.waitLayout('the dialog still open', (x) => x.overlay?.type === 'input');
    expect(kept.overlay).toMatchObject({ type: 'input', value: 'busy box' });
    expect((sim.getObject('v1', 'Pod', 'target', NS)!.spec as Rec).ephemeralContainers ?? []).toEqual([]);
    for (let i = 0; i < 'busy box'.length; i++) await keys('backspace');
    for (const ch of 'busybox:1.36') await keys(ch);
    await keys('enter');
    const pick = await c.waitLayout('container picker', (x) => x.overlay?.type === 'selector');
    expect(pick.overlay?.type === 'selector' ? pick.overlay.items : []).toEqual(['main', 'side']);
    await keys('down', 'enter');
    const l = await c.waitLayout('exec pane on the debug container', (x) => Object.values(x.paneTitles).some((t) => /debugger-/.test(t)));
    const ephemeral = ((sim.getObject('v1', 'Pod', 'target', NS)!.spec as Rec).ephemeralContainers as Rec[]) ?? [];
    expect(ephemeral).toHaveLength(1);
    expect(ephemeral[0]).toMatchObject({ image: 'busybox:1.36', targetContainerName: 'side' });
    const name = String(ephemeral[0]!.name);
    expect(Object.values(l.paneTitles).some((t) => t.includes(name))).toBe(true);
    // The exec pane is focused in insert mode: typed text reaches the debug container's shell.
    const execId = Number(Object.entries(l.paneTitles).find(([, t]) => t.includes(name))![0]);
    await c.waitLayout('the exec pane focused in insert mode', (x) => x.mode === 'insert' && tabOf(x).focusedPaneId === execId);
    for (const ch of 'echo dbg-42') await keys(ch === ' ' ? 'space' : ch);
    await keys('enter');
    let screen: string[] = [];
    await waitFor('the debug shell answers', async () => {
      const v = (await c.request<{ view: { type: string; rows?: Array<Array<{ text: string }>> } }>('pane/snapshot', { paneId: execId, rows: 24, cols: 80 })).view;
      screen = (v.rows ?? []).map((row) => row.map((x) => x.text).join('').trimEnd());
      return v.type === 'terminal' && screen.some((row) => row.trim() === 'dbg-42');
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; screen: ${JSON.stringify(screen.filter((x) => x !== ''))}`);
    });
  });

  it('a server without ephemeral containers gets a clear message and nothing is changed', async () => {
    sim.configure({ ephemeralContainers: false });
    try {
      sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'old-server', namespace: NS }, spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx:1.27' }] } });
      const pods = await openList('pods');
      await selectRow(pods, 'old-server');
      await keys('shift+d');
      const t = await waitToast(/ephemeral/i);
      expect(t).toMatch(/does not serve|not supported|not served/i);
      expect((sim.getObject('v1', 'Pod', 'old-server', NS)!.spec as Rec).ephemeralContainers).toBeUndefined();
    } finally {
      sim.configure({ ephemeralContainers: true });
    }
  });

  it('a pod that has ended is refused before anything is added (its container could never start)', async () => {
    sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'done', namespace: NS }, spec: { nodeName: 'node-1', restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] }, status: { phase: 'Succeeded' } });
    const pods = await openList('pods');
    await selectRow(pods, 'done');
    await keys('shift+d');
    const t = await waitToast(/has ended/);
    expect(t).toContain(`Pod ${NS}/done has ended (phase Succeeded): a debug container could never start in it; nothing was added`);
    expect((sim.getObject('v1', 'Pod', 'done', NS)!.spec as Rec).ephemeralContainers).toBeUndefined();
  });
});
