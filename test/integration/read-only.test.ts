import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { openListIn, selectRow } from '../helpers/list-pane.js';
import { RawClient } from '../helpers/rpc-client.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';
import { runningPod } from '../../packages/daemon/test/logs/harness.js';

/**
 * Read-only mode as k9s users know it: with `readonly = true` (or `--readonly`) nothing the keys or
 * a script ask for changes the cluster — delete, scale, restart, edit, debug mode, debug
 * containers, exec — each refused at once with a toast (no dialog first) or an error, while reading
 * goes on; turned off by a config reload, the same keys work again.
 */

let t: SimDaemon;
const ns = 'prod';

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
});

const writeConfig = (lines: string[]): void => {
  mkdirSync(dirname(t.env.configFile), { recursive: true });
  writeFileSync(t.env.configFile, `${lines.join('\n')}\n`);
};

beforeAll(async () => {
  t = await startSimDaemon({
    beforeDaemon: (sim, env) => {
      mkdirSync(dirname(env.configFile), { recursive: true });
      writeFileSync(env.configFile, 'readonly = true\n');
      sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      sim.createObject(runningPod('web-1', ns));
      sim.createObject(deployment('api'));
      sim.createObject({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: ns }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.36' }] } } } } } });
    },
  });
}, 120_000);
afterAll(async () => t?.stop());

const refusal = /^kubetile runs read-only \(--readonly, or readonly = true in the config\): (.+) is off$/;
const podExists = (): boolean => t.sim.getObject('v1', 'Pod', 'web-1', ns) !== undefined;

describe('read-only mode', () => {
  it('refuses every key that writes at once, with no dialog, and every script action that writes; reading goes on', async () => {
    const a = await RawClient.connect(t.env.socket);
    try {
      await a.attach({ cols: 140, rows: 40 });
      expect((await a.request<{ readonly: boolean }>('daemon/status', {})).readonly).toBe(true);
      expect(a.layout?.status.readonly).toBe(true);
      const pods = await openListIn(a, 'pods', ns);
      await selectRow(a, pods, 'web-1');
      const refusedBy = async (key: string): Promise<string> => {
        const before = a.toasts().length;
        await a.request('client/key', { key });
        const text = await waitFor(`the refusal of ${key}`, () => a.toasts().slice(before).find((x) => refusal.test(x)) ?? null);
        expect(a.layout?.overlay ?? null, `${key} opened no dialog`).toBeNull();
        return refusal.exec(text)![1]!;
      };
      expect(await refusedBy('ctrl+d')).toBe('delete');
      expect(await refusedBy('ctrl+alt+x')).toBe('delete');
      expect(await refusedBy('ctrl+alt+k')).toBe('force delete');
      expect(await refusedBy('shift+e')).toBe('edit');
      expect(await refusedBy('e')).toBe('exec (a shell in a container)');
      expect(await refusedBy('ctrl+alt+d')).toBe('debug mode');
      expect(await refusedBy('f5')).toBe('root debug mode');
      expect(await refusedBy('shift+d')).toBe('debug containers');
      // `c` copies a pod's name (it writes nothing to the cluster); on a Node it would cordon.
      const copied = a.notifications.length;
      await a.request('client/key', { key: 'c' });
      await waitFor('the name copied', () => a.notifications.slice(copied).some((n) => n.method === 'clipboard/write') || null);
      expect(a.notifications.some((n) => n.method === 'editor/open')).toBe(false);

      const deploys = await openListIn(a, 'deployments', ns);
      await selectRow(a, deploys, 'api');
      expect(await refusedBy('ctrl+alt+s')).toBe('scale');
      expect(await refusedBy('ctrl+alt+r')).toBe('restart rollout');
      expect(await refusedBy('r')).toBe('drain');
      expect(await refusedBy('i')).toBe('set image');

      // Scripts: the same refusals as errors, nothing changed.
      for (const [action, args, what] of [
        ['delete', {}, 'delete'],
        ['kill', {}, 'force delete'],
        ['scale', { replicas: 3 }, 'scale'],
        ['restart', {}, 'restart rollout'],
        ['cordon', {}, 'cordon'],
        ['uncordon', {}, 'uncordon'],
        ['drain', {}, 'drain'],
        ['trigger', {}, 'trigger'],
        ['suspend', {}, 'suspend'],
        ['resume', {}, 'resume'],
        ['set-image', { container: 'api', image: 'nginx:1.28' }, 'set image'],
        ['exec', {}, 'exec (a shell in a container)'],
        ['debug', { mode: 'debug-mode' }, 'debug mode and debug containers'],
      ] as const) {
        await expect(a.request('resource/action', { paneId: deploys, action, args }), action).rejects.toMatchObject({ message: `kubetile runs read-only (--readonly, or readonly = true in the config): ${what} is off` });
      }
      await expect(a.request('resource/action', { paneId: pods, action: 'delete', target: { namespace: ns, name: 'web-1' } })).rejects.toMatchObject({ message: expect.stringMatching(refusal) });
      expect(podExists()).toBe(true);
      const api = t.sim.getObject('apps/v1', 'Deployment', 'api', ns)!;
      expect((api.spec as { replicas: number }).replicas).toBe(1);
      expect(api.spec?.template).not.toHaveProperty('metadata.annotations');

      // Reading: YAML opens.
      await a.request('client/key', { key: 'y' });
      await waitFor('the YAML pane', () => [...a.views.values()].find((v) => v.view.type === 'lines' && v.view.title === 'YAML: Deployment prod/api') ?? null);

      // `s` and `t` on a CronJob.
      const cronJobs = await openListIn(a, 'cronjobs', ns);
      await selectRow(a, cronJobs, 'nightly');
      expect(await refusedBy('s')).toBe('suspend and resume');
      expect(await refusedBy('t')).toBe('trigger');
      expect((t.sim.getObject('batch/v1', 'CronJob', 'nightly', ns)?.spec as { suspend?: boolean }).suspend).not.toBe(true);
    } finally {
      a.close();
    }
  });

  it('a script opening an exec or node-shell pane directly gets a pane that says read-only: no shell, no pod made', async () => {
    const a = await RawClient.connect(t.env.socket);
    try {
      await a.attach({ cols: 140, rows: 40 });
      t.sim.createObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
      const podsBefore = t.sim.listObjects('v1', 'Pod').length;
      for (const [view, what] of [
        [{ key: 'exec', args: { namespace: ns, pod: 'web-1' } }, 'exec (a shell in a container)'],
        [{ key: 'node-shell', args: { node: 'node-a' } }, 'a node shell (it creates a privileged pod)'],
      ] as const) {
        const { paneId } = await a.request<{ paneId: number }>('pane/open', { view, newTab: true });
        const v = await waitFor(`the ${view.key} pane's view`, () => a.views.get(paneId)?.view ?? null);
        expect(v).toMatchObject({ type: 'message', level: 'error', text: `kubetile runs read-only (--readonly, or readonly = true in the config): ${what} is off` });
        await a.request('pane/close', { paneId });
      }
      // No node-shell pod (nor any other) was created, and no exec went to the API server.
      expect(t.sim.listObjects('v1', 'Pod').length).toBe(podsBefore);
      expect(t.sim.journalEntries({ path: '/exec' })).toEqual([]);
    } finally {
      a.close();
    }
  });

  it('a config reload that turns read-only off lets the same keys write', async () => {
    writeConfig(['readonly = false']);
    const a = await RawClient.connect(t.env.socket);
    try {
      await a.attach({ cols: 140, rows: 40 });
      expect(a.layout?.status.readonly).toBe(true);
      const r = await a.request<{ ok: boolean; errors: string[] }>('config/reload', {});
      expect(r).toEqual({ ok: true, errors: [] });
      expect((await a.request<{ readonly: boolean }>('daemon/status', {})).readonly).toBe(false);
      // The status bar of a terminal already attached stops saying READ-ONLY.
      await a.waitLayout('the layout without readonly', (l) => l.status.readonly === undefined);
      const pods = await openListIn(a, 'pods', ns);
      await selectRow(a, pods, 'web-1');
      await a.request('client/key', { key: 'ctrl+d' });
      await a.waitLayout('the delete dialog', (l) => l.overlay?.type === 'confirm');
      await a.request('client/key', { key: 'y' });
      await waitFor('web-1 deleted', () => (podExists() ? null : true));
    } finally {
      a.close();
      writeConfig(['readonly = true']);
    }
  });
});
