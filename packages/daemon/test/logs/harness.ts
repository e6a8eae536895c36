import { request } from 'node:https';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import type { PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../../../../test/helpers/daemon-process.js';
import { RawClient } from '../../../../test/helpers/rpc-client.js';

/** Shared set-up for the logs tests: kube-sim, a real daemon on it, a script client. */
export interface LogsEnv {
  env: TestEnv;
  sim: KubeSim;
  daemon: DaemonProcess;
  script: RawClient;
  stop(): Promise<void>;
}

export async function startLogsEnv(opts: { controller?: boolean; config?: string; nodeOptions?: string } = {}): Promise<LogsEnv> {
  const env = makeTestEnv();
  const kubeconfig = join(env.dir, 'sim-kubeconfig');
  const sim = await startKubeSim({
    port: 0,
    seed: 'empty',
    kubeconfigOut: kubeconfig,
    stateDir: join(env.dir, 'sim'),
    controller: opts.controller ?? false,
    config: { logLinesPerSecond: 0, podTerminationMs: 300 },
  });
  env.env.KUBECONFIG = kubeconfig;
  if (opts.nodeOptions) env.env.NODE_OPTIONS = opts.nodeOptions;
  if (opts.config) {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(env.dir, 'config', 'kubetile'), { recursive: true });
    writeFileSync(env.configFile, opts.config);
  }
  const daemon = await startDaemon(env);
  const script = await RawClient.connect(env.socket);
  return {
    env,
    sim,
    daemon,
    script,
    async stop() {
      script.close();
      await daemon.stop();
      await sim.stop();
      env.cleanup();
    },
  };
}

/** A pod whose containers (and init containers, terminated) have statuses as a kubelet reports them. */
export function runningPod(name: string, namespace: string, containers: string[] = ['main'], opts: { init?: string[]; labels?: Record<string, string> } = {}) {
  const now = new Date().toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: opts.labels ?? { app: name } },
    spec: {
      nodeName: 'node-1',
      containers: containers.map((c) => ({ name: c, image: 'busybox' })),
      ...(opts.init ? { initContainers: opts.init.map((c) => ({ name: c, image: 'busybox' })) } : {}),
    },
    status: {
      phase: 'Running',
      containerStatuses: containers.map((c) => ({ name: c, ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: now } } })),
      ...(opts.init
        ? { initContainerStatuses: opts.init.map((c) => ({ name: c, ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } } })) }
        : {}),
    },
  };
}

export function namespace(sim: KubeSim, name: string): void {
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** The container's log as the sim itself serves it (timestamps on): `[timestamp, text]` per line. */
export function simLog(sim: KubeSim, ns: string, pod: string, container?: string, previous = false): Promise<Array<[string, string]>> {
  const url = new URL(`${sim.url}/api/v1/namespaces/${ns}/pods/${pod}/log`);
  url.searchParams.set('timestamps', 'true');
  if (container) url.searchParams.set('container', container);
  if (previous) url.searchParams.set('previous', 'true');
  return new Promise((resolve, reject) => {
    const r = request(url, { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`sim log: HTTP ${res.statusCode}: ${text}`));
        resolve(
          text
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => {
              const i = l.indexOf(' ');
              return [l.slice(0, i), l.slice(i + 1)];
            }),
        );
      });
    });
    r.on('error', reject);
    r.end();
  });
}

export async function snapshot(c: RawClient, paneId: number, rows = 40, cols = 160): Promise<PaneView> {
  return (await c.request<{ view: PaneView }>('pane/snapshot', { paneId, rows, cols })).view;
}

/** The text of the rows a pane shows (lines view), or its message. */
export function shown(v: PaneView): string[] {
  if (v.type === 'lines') return v.lines.map((l) => l.text);
  if (v.type === 'message') return [v.text];
  return [];
}

/** `N received` from a logs pane's footer. */
export function received(v: PaneView): number {
  const m = /([\d,]+) received/.exec(v.footer ?? '');
  return m ? Number(m[1]!.replace(/,/g, '')) : -1;
}

/** Waits until the pane's snapshot satisfies `pred`; the error shows the last snapshot. */
export async function waitPane(c: RawClient, paneId: number, label: string, pred: (v: PaneView) => boolean, timeoutMs = 30_000, size = { rows: 40, cols: 160 }): Promise<PaneView> {
  let last: PaneView | null = null;
  try {
    return await waitFor(label, async () => {
      last = await snapshot(c, paneId, size.rows, size.cols);
      return pred(last) ? last : null;
    }, timeoutMs, 50);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast view: ${JSON.stringify(last, null, 1)?.slice(0, 4000)}`);
  }
}

export async function logStreams(c: RawClient): Promise<number> {
  return (await c.request<{ streams: { logs: number } }>('daemon/status')).streams.logs;
}

/** Opens a pods list in a new tab scoped to `ns`, waits for `pod` in it, and returns its pane id. */
export async function podsPane(c: RawClient, ns: string, kind = 'pods'): Promise<number> {
  const { paneId, tabId } = await c.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind } }, newTab: true });
  await c.request('kube/use', { tabId, namespace: ns });
  return paneId;
}

/** `resource/action logs` on an object named by a script. */
export function openLogs(c: RawClient, listPane: number, name: string, ns: string, args: Record<string, unknown> = {}): Promise<{ paneId: number; message: string }> {
  return c.request<{ paneId: number; message: string }>('resource/action', { paneId: listPane, action: 'logs', args, target: { namespace: ns, name } });
}

export function toasts(c: RawClient): string[] {
  return c.notifications.filter((n) => n.method === 'toast').map((n) => (n.params as { text: string }).text);
}

export const waitToast = (c: RawClient, re: RegExp, timeoutMs = 30_000): Promise<string> =>
  waitFor(`a toast matching ${re} (got ${JSON.stringify(toasts(c))})`, () => toasts(c).find((t) => re.test(t)), timeoutMs);

/** Closes every logs pane (tests start from no open stream). */
export async function closeLogsPanes(c: RawClient): Promise<void> {
  const { panes } = await c.request<{ panes: Array<{ paneId: number; key: string }> }>('pane/list');
  for (const p of panes) if (p.key === 'logs') await c.request('pane/close', { paneId: p.paneId });
}
