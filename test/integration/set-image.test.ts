import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, pressKeys, selectRow } from '../helpers/list-pane.js';
import type { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

/**
 * k9s's `i` (`kubectl set image`): the container picked when there are several, the new image typed
 * over the current one; only that container's image changes, in exactly that object; an image
 * changed by someone else while the dialog was open is not overwritten; scripts pass the container
 * and image; bad input is refused naming what is wrong.
 */

let t: SimDaemonWithClient;
let c: RawClient;

const template = {
  metadata: { labels: { app: 'web' } },
  spec: {
    initContainers: [{ name: 'migrate', image: 'app:1.0' }],
    containers: [
      { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'envoy:1.29' },
    ],
  },
};

beforeAll(async () => {
  t = await startSimDaemon({
    client: { cols: 200, rows: 40 },
    beforeDaemon: (sim) => {
      sim.createObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
      // Its neighbour, with the same container names.
      sim.createObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-2', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
      sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: 'default' }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] }, status: { phase: 'Running' } });
      sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: {} });
    },
  });
  c = t.client;
}, 120_000);
afterAll(async () => t?.stop());

interface Containers {
  initContainers: Array<{ name: string; image: string }>;
  containers: Array<{ name: string; image: string }>;
}
const images = (name: string): string[] => {
  const spec = (t.sim.getObject('apps/v1', 'Deployment', name, 'default')!.spec as { template: { spec: Containers } }).template.spec;
  return [...spec.containers, ...spec.initContainers].map((x) => `${x.name}=${x.image}`);
};
const podImage = (): string => (t.sim.getObject('v1', 'Pod', 'solo', 'default')!.spec as Containers).containers[0]!.image;
const toast = (re: RegExp, from: number): Promise<string> => waitFor(`a toast ${re}`, () => c.toasts().slice(from).find((x) => re.test(x)) ?? null);

/** Replaces the input dialog's text with `text` (as typed: backspaces, then the characters). */
async function retype(text: string): Promise<void> {
  const o = c.layout?.overlay;
  const n = o?.type === 'input' ? o.value.length : 0;
  for (let i = 0; i < n; i++) await pressKeys(c, 'backspace');
  await c.request('client/paste', { text });
}

describe('set image (i)', () => {
  it('several containers: the one picked gets the image typed; the others and the neighbour Deployment keep theirs', async () => {
    const deploys = await openListIn(c, 'deployments', 'default');
    await selectRow(c, deploys, 'web');
    await pressKeys(c, 'i');
    const sel = await c.waitLayout('the container picker', (l) => l.overlay?.type === 'selector');
    expect(sel.overlay?.type === 'selector' ? [sel.overlay.title, sel.overlay.items] : null).toEqual([
      'Set image: which container of Deployment default/web?',
      ['web (nginx:1.27)', 'sidecar (envoy:1.29)', 'init: migrate (app:1.0)'],
    ]);
    await pressKeys(c, 'down', 'enter');
    const input = await c.waitLayout('the image dialog', (l) => l.overlay?.type === 'input');
    expect(input.overlay).toMatchObject({ type: 'input', title: 'Set the image of container sidecar in Deployment default/web', value: 'envoy:1.29' });
    await retype('envoy:1.30');
    const before = c.toasts().length;
    await pressKeys(c, 'enter');
    expect(await toast(/image/, before)).toBe('set the image of container sidecar in Deployment default/web to envoy:1.30 (was envoy:1.29)');
    expect(images('web')).toEqual(['web=nginx:1.27', 'sidecar=envoy:1.30', 'migrate=app:1.0']);
    expect(images('web-2')).toEqual(['web=nginx:1.27', 'sidecar=envoy:1.29', 'migrate=app:1.0']);

    // An init container too.
    await pressKeys(c, 'i');
    await c.waitLayout('the container picker', (l) => l.overlay?.type === 'selector');
    await pressKeys(c, 'down', 'down', 'enter');
    await c.waitLayout('the init container dialog', (l) => l.overlay?.type === 'input' && l.overlay.title === 'Set the image of init container migrate in Deployment default/web');
    await retype('app:1.1');
    const b2 = c.toasts().length;
    await pressKeys(c, 'enter');
    await toast(/^set the image of container migrate/, b2);
    expect(images('web')).toEqual(['web=nginx:1.27', 'sidecar=envoy:1.30', 'migrate=app:1.1']);
  });

  it('one container: asked at once; a bad image stays in the dialog to be corrected; the same image changes nothing', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await selectRow(c, pods, 'solo');
    await pressKeys(c, 'i');
    await c.waitLayout('the image dialog', (l) => l.overlay?.type === 'input' && l.overlay.title === 'Set the image of container main in Pod default/solo' && l.overlay.value === 'busybox:1.36');
    await retype('busybox 1.37');
    const before = c.toasts().length;
    await pressKeys(c, 'enter');
    await toast(/is not an image reference/, before);
    expect(c.layout?.overlay).toMatchObject({ type: 'input', value: 'busybox 1.37' });
    await retype('busybox:1.36');
    const b2 = c.toasts().length;
    await pressKeys(c, 'enter');
    expect(await toast(/busybox/, b2)).toBe('Pod default/solo: container main already runs busybox:1.36; nothing was changed');
    const rv = t.sim.getObject('v1', 'Pod', 'solo', 'default')!.metadata.resourceVersion;
    await pressKeys(c, 'i');
    await c.waitLayout('the image dialog', (l) => l.overlay?.type === 'input');
    await retype('busybox:1.37');
    const b3 = c.toasts().length;
    await pressKeys(c, 'enter');
    await toast(/^set the image/, b3);
    expect(podImage()).toBe('busybox:1.37');
    expect(t.sim.getObject('v1', 'Pod', 'solo', 'default')!.metadata.resourceVersion).not.toBe(rv);
  });

  it('an image changed by someone else while the dialog was open is not overwritten', async () => {
    const pods = await openListIn(c, 'pods', 'default');
    await selectRow(c, pods, 'solo');
    await pressKeys(c, 'i');
    await c.waitLayout('the image dialog', (l) => l.overlay?.type === 'input' && l.overlay.value === podImage());
    t.sim.patchObject('v1', 'Pod', 'solo', 'default', { spec: { containers: [{ name: 'main', image: 'busybox:1.38' }] } });
    await retype('busybox:9.9');
    const before = c.toasts().length;
    await pressKeys(c, 'enter');
    expect(await toast(/meanwhile/, before)).toBe('the image of container main in Pod default/solo was changed to busybox:1.38 meanwhile; nothing was changed');
    expect(podImage()).toBe('busybox:1.38');
  });

  it('scripts name the container and image; bad ones and other kinds are refused before anything is written', async () => {
    const deploys = await openListIn(c, 'deployments', 'default');
    const r = await c.request<{ message: string }>('resource/action', { paneId: deploys, action: 'set-image', target: { name: 'web-2' }, args: { container: 'web', image: 'nginx:1.28' } });
    expect(r.message).toBe('set the image of container web in Deployment default/web-2 to nginx:1.28 (was nginx:1.27)');
    expect(images('web-2')[0]).toBe('web=nginx:1.28');
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ image: 'x:1' }, 'set-image needs args.container, the name of a container'],
      [{ container: 'Web_1', image: 'x:1' }, '"Web_1" is not a container name'],
      [{ container: 'web' }, 'set-image needs args.image, an image reference like nginx:1.27'],
      [{ container: 'web', image: 'nginx 1.29' }, "'nginx 1.29' is not an image reference (e.g. busybox:1.36, ghcr.io/org/tools@sha256:…)"],
      [{ container: 'web', image: 'x:1', expectImage: 7 }, 'args.expectImage is the image the container should have now, a string'],
    ];
    for (const [args, message] of bad) {
      await expect(c.request('resource/action', { paneId: deploys, action: 'set-image', target: { name: 'web-2' }, args }), JSON.stringify(args)).rejects.toMatchObject({ message });
    }
    await expect(c.request('resource/action', { paneId: deploys, action: 'set-image', target: { name: 'web-2' }, args: { container: 'nope', image: 'x:1' } })).rejects.toMatchObject({
      message: 'set-image failed: Deployment default/web-2 has no container nope; nothing was changed',
    });
    expect(images('web-2')).toEqual(['web=nginx:1.28', 'sidecar=envoy:1.29', 'migrate=app:1.0']);
    const cms = await openListIn(c, 'configmaps', 'default');
    await selectRow(c, cms, 'cfg');
    const before = c.toasts().length;
    await pressKeys(c, 'i');
    expect(await toast(/containers/, before)).toBe('ConfigMap has no containers whose image can be set (Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets and CronJobs do)');
    expect(c.layout?.overlay ?? null).toBeNull();
  });
});
