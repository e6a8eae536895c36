import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startKubeSim, type KubeSim, type SimConfig } from '@kubetile/kube-sim';
import { bodyRect, contentViewport, layoutTab, type PaneView, type TerminalView, type Viewport } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../../../../test/helpers/daemon-process.js';
import { RawClient } from '../../../../test/helpers/rpc-client.js';

/**
 * A real daemon on a temp socket with kube-sim behind it, for the exec integration tests
 * (test/integration/exec-*.test.ts): pods whose containers run, clients that press keys, and the
 * terminal screens they are sent.
 */
export interface ExecWorld {
  env: TestEnv;
  sim: KubeSim;
  daemon: DaemonProcess;
  script: RawClient;
  stop(): Promise<void>;
}

export async function startWorld(simConfig: Partial<SimConfig> = {}, config = '', nodeOptions = ''): Promise<ExecWorld> {
  const env = makeTestEnv();
  if (nodeOptions) env.env.NODE_OPTIONS = nodeOptions;
  const kubeconfig = join(env.dir, 'sim-kubeconfig');
  const sim = await startKubeSim({ port: 0, seed: 'empty', kubeconfigOut: kubeconfig, stateDir: join(env.dir, 'sim'), config: simConfig });
  env.env.KUBECONFIG = kubeconfig;
  if (config) {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    mkdirSync(dirname(env.configFile), { recursive: true });
    writeFileSync(env.configFile, config);
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

type ContainerSpec = string | { name: string; state?: Record<string, unknown> };

/** A scheduled pod whose containers run (what a kubelet would report), unless a container says otherwise. */
export function pod(name: string, namespace: string, containers: ContainerSpec[] = ['main']) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const cs = containers.map((c) => (typeof c === 'string' ? { name: c } : c));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name } },
    spec: { nodeName: 'node-1', containers: cs.map((c) => ({ name: c.name, image: 'debian:12' })) },
    status: {
      phase: 'Running',
      podIP: '10.244.0.7',
      startTime: now,
      containerStatuses: cs.map((c) => ({ name: c.name, ready: !c.state, restartCount: 0, image: 'debian:12', imageID: '', state: c.state ?? { running: { startedAt: now } } })),
    },
  };
}

let nsCounter = 0;

/** A fresh namespace with these pods. */
export function namespaceWith(sim: KubeSim, pods: Array<(ns: string) => ReturnType<typeof pod>>): string {
  const ns = `exec-${process.pid}-${++nsCounter}`;
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const p of pods) sim.createObject(p(ns));
  return ns;
}

/** A pods list of `ns` in a new tab of `client`'s session, focused for it, with `names` listed. */
export async function podsPane(client: RawClient, ns: string, names: string[]): Promise<number> {
  const { paneId, tabId } = await client.request<{ paneId: number; tabId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } }, newTab: true });
  await client.request('kube/use', { tabId, namespace: ns });
  await client.request('pane/focus', { paneId });
  await waitFor(`pods ${names.join(', ')} listed`, async () => {
    const v = (await client.request<{ view: PaneView }>('pane/snapshot', { paneId, rows: 30, cols: 120 })).view;
    return v.type === 'table' && JSON.stringify(v.rows.map((r) => r.cells.name).sort()) === JSON.stringify([...names].sort());
  });
  return paneId;
}

/** The text of each row of a terminal view. */
export const rowsText = (v: TerminalView): string[] => v.rows.map((r) => r.map((run) => run.text).join(''));

/** Waits for `client` to be sent a terminal view of `paneId` that `pred` likes. */
export async function waitScreen(client: RawClient, paneId: number, label: string, pred: (rows: string[], v: TerminalView) => boolean, timeoutMs = 20_000): Promise<TerminalView> {
  let last: PaneView | undefined;
  try {
    return (await waitFor(
      label,
      () => {
        last = client.views.get(paneId)?.view;
        return last?.type === 'terminal' && pred(rowsText(last), last) ? last : null;
      },
      timeoutMs,
    )) as TerminalView;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- last view ---\n${last ? (last.type === 'terminal' ? rowsText(last).join('\n') + `\n[footer] ${last.footer ?? ''}` : JSON.stringify(last)) : 'none'}`);
  }
}

/** Types text into the focused pane (one client/key per character, `\r` as enter). */
/** Sends keys one after another, each answered before the next. */
export async function keys(client: RawClient, ...ks: string[]): Promise<void> {
  for (const k of ks) await client.request('client/key', { key: k });
}

/** Runs `body` with `toml` as the daemon's config (reloaded, checked clean), and the defaults again after it. */
export async function withConfig(w: ExecWorld, toml: string, body: () => Promise<void>): Promise<void> {
  mkdirSync(dirname(w.env.configFile), { recursive: true });
  writeFileSync(w.env.configFile, toml);
  const r = await w.script.request('config/reload');
  if (JSON.stringify(r) !== JSON.stringify({ ok: true, errors: [] })) throw new Error(`config/reload: ${JSON.stringify(r)}`);
  try {
    await body();
  } finally {
    writeFileSync(w.env.configFile, '# the defaults\n');
    await w.script.request('config/reload');
  }
}

export async function type(client: RawClient, text: string): Promise<void> {
  for (const ch of text) {
    const key = ch === '\r' ? 'enter' : ch === ' ' ? 'space' : ch;
    await client.request('client/key', { key });
  }
}

/** The exec pane `client` focused after pressing e (the newest pane of its active tab). */
export function focusedExecPane(client: RawClient): Promise<number> {
  return focusedPaneTitled(client, 'exec ');
}

/** Waits until `client`'s focused pane is a query pane; its id. */
export function focusedQueryPane(client: RawClient): Promise<number> {
  return focusedPaneTitled(client, 'query ');
}

async function focusedPaneTitled(client: RawClient, prefix: string): Promise<number> {
  const l = await client.waitLayout(`a pane titled '${prefix}…' focused`, (x) => {
    const t = x.tabs.find((tab) => tab.id === x.activeTabId);
    return !!t && (x.paneTitles[String(t.focusedPaneId)] ?? '').startsWith(prefix);
  });
  return l.tabs.find((t) => t.id === l.activeTabId)!.focusedPaneId;
}

/** The size of a pane's content on `client`'s screen, from its layout (as the daemon computes it). */
export function paneSize(client: RawClient, size: Viewport, paneId: number): Viewport {
  const l = client.layout!;
  const tab = l.tabs.find((t) => t.id === l.activeTabId)!;
  const rect = layoutTab(tab.tree, tab.fullscreenPaneId, bodyRect(size)).get(paneId);
  if (!rect) throw new Error(`pane ${paneId} is not on this client's screen`);
  return contentViewport(rect);
}

export async function execStreams(client: RawClient): Promise<number> {
  return (await client.request<{ streams: { exec: number } }>('daemon/status')).streams.exec;
}

export { waitFor };
