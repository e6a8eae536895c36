import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LinesView, PaneView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { closeLogsPanes, logStreams, namespace, openLogs, podsPane, received, runningPod, shown, snapshot, startLogsEnv, waitPane, waitToast, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * What goes wrong, each a clear message in the logs pane and nothing else disturbed or leaked: a
 * pod that is gone, a container that is not running, RBAC 403 on pods/log, a stream the server ends
 * (container terminated, pod deleted), no previous container, bad arguments, hostile log content
 * (escape sequences, a huge line); and saving and downloading into the configured directory.
 */

let t: LogsEnv;
let n = 0;
const fresh = (): string => {
  const ns = `bad-${++n}`;
  namespace(t.sim, ns);
  return ns;
};
const message = (v: PaneView): string => (v.type === 'message' ? v.text : '');

beforeAll(async () => {
  t = await startLogsEnv({ config: '[logs]\ndownload_dir = "~/exports/logs"\n' });
});
afterEach(async () => {
  await closeLogsPanes(t.script);
  await waitFor('no stream left open', async () => (await logStreams(t.script)) === 0);
});
afterAll(async () => {
  await t?.stop();
});

describe('logs: bad input', () => {
  it('a pod that is gone, a container that is not running, no previous container: each a message in the pane', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('here', ns));
    t.sim.createObject({
      ...runningPod('starting', ns),
      status: { phase: 'Pending', containerStatuses: [{ name: 'main', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] },
    });
    const gone = await openLogs(t.script, await podsPane(t.script, ns), 'nobody', ns);
    let v = await waitPane(t.script, gone.paneId, 'pod gone', (x) => x.type === 'message' && x.level === 'error');
    expect(message(v)).toBe(`pod ${ns}/nobody not found (it was deleted, or never existed)`);

    const waiting = await openLogs(t.script, await podsPane(t.script, ns), 'starting', ns);
    v = await waitPane(t.script, waiting.paneId, 'waiting to start', (x) => /waiting \(\d+\)/.test(x.footer ?? ''));
    expect(v.footer).toContain(`container "main" in pod "starting" is waiting to start: ContainerCreating`);
    // It starts: the pane begins following by itself.
    t.sim.patchObject('v1', 'Pod', 'starting', ns, { status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: new Date().toISOString() } } }] } });
    t.sim.appendLog(ns, 'starting', 'up at last');
    await waitPane(t.script, waiting.paneId, 'started', (x) => shown(x).includes('up at last'), 40_000);

    const prev = await openLogs(t.script, await podsPane(t.script, ns), 'here', ns, { previous: true });
    v = await waitPane(t.script, prev.paneId, 'no previous container', (x) => x.type === 'message' && x.level === 'error');
    expect(message(v)).toBe(`previous terminated container "main" in pod "here" not found`);
  }, 90_000);

  it('403 on pods/log is a message in the new pane; a stream already open keeps following', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('open', ns));
    t.sim.createObject(runningPod('closed', ns));
    t.sim.appendLog(ns, 'open', 'first');
    const list = await podsPane(t.script, ns);
    const open = await openLogs(t.script, list, 'open', ns);
    await waitPane(t.script, open.paneId, 'following', (x) => shown(x).includes('first'));
    t.sim.forbid('pods/log');
    try {
      const closed = await openLogs(t.script, list, 'closed', ns);
      // It opened in place of the first pane (the tab's logs pane): use another tab for the second.
      const list2 = await podsPane(t.script, ns);
      const other = await openLogs(t.script, list2, 'closed', ns);
      const v = await waitPane(t.script, other.paneId, 'forbidden', (x) => x.type === 'message' && x.level === 'error');
      expect(message(v)).toMatch(/"closed" is forbidden: User ".*" cannot get resource "pods\/log" in API group "" in the namespace "bad-\d+"$/);
      expect(closed.paneId).toBeGreaterThan(0);
    } finally {
      t.sim.allow('pods/log');
    }
    // The stream opened before the refusal is untouched (a new pane for `open` shares it).
    const list3 = await podsPane(t.script, ns);
    const again = await openLogs(t.script, list3, 'open', ns);
    t.sim.appendLog(ns, 'open', 'second');
    await waitPane(t.script, again.paneId, 'still following', (x) => shown(x).includes('second'));
  });

  it('the server ends the stream: container terminated (its pod will not run it again), pod deleted — the pane says so', async () => {
    const ns = fresh();
    const short = runningPod('short', ns);
    t.sim.createObject({ ...short, spec: { ...short.spec, restartPolicy: 'Never' } });
    t.sim.createObject(runningPod('doomed', ns));
    t.sim.appendLog(ns, 'short', 'working');
    t.sim.appendLog(ns, 'doomed', 'still here');
    const list = await podsPane(t.script, ns);
    const shortPane = await openLogs(t.script, list, 'short', ns);
    await waitPane(t.script, shortPane.paneId, 'following', (x) => shown(x).includes('working'));
    t.sim.terminateContainer(ns, 'short', { exitCode: 3 });
    let v = await waitPane(t.script, shortPane.paneId, 'ended', (x) => (x.footer ?? '').includes('ended:'));
    expect(v.footer).toContain('ended: container terminated (exit code 3)');
    expect(shown(v)).toEqual(['working']);
    const list2 = await podsPane(t.script, ns);
    const doomed = await openLogs(t.script, list2, 'doomed', ns);
    await waitPane(t.script, doomed.paneId, 'following', (x) => shown(x).includes('still here'));
    t.sim.deleteObject('v1', 'Pod', 'doomed', ns);
    v = await waitPane(t.script, doomed.paneId, 'pod deleted', (x) => (x.footer ?? '').includes('ended:'));
    expect(v.footer).toContain('ended: pod deleted');
    // Ended streams hold no request although their panes are open.
    await waitFor('ended streams hold no request', async () => (await logStreams(t.script)) === 0);
  });

  it('a container its pod runs again (restartPolicy Always): the pane marks the end of the run and follows the next one; OnFailure after exit 0 ends; a pod deleted meanwhile ends', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('crashy', ns));
    t.sim.appendLog(ns, 'crashy', 'run 1 working');
    const list = await podsPane(t.script, ns);
    const pane = await openLogs(t.script, list, 'crashy', ns);
    await waitPane(t.script, pane.paneId, 'following', (x) => shown(x).includes('run 1 working'));
    t.sim.terminateContainer(ns, 'crashy', { exitCode: 2 });
    let v = await waitPane(t.script, pane.paneId, 'waiting for the restart', (x) => (x.footer ?? '').includes('waiting for it to restart'));
    expect(v.footer).toContain('container terminated (exit code 2); waiting for it to restart');
    expect(shown(v)).toEqual(['run 1 working', '── main: container terminated (exit code 2); its next run follows ──']);
    // No log request is held while it waits.
    await waitFor('no stream held while waiting', async () => (await logStreams(t.script)) === 0);
    // The next run starts (restartCount 1): its log follows the marker, the first run's lines kept once.
    t.sim.restartContainer(ns, 'crashy');
    t.sim.appendLog(ns, 'crashy', 'run 2 working');
    v = await waitPane(t.script, pane.paneId, 'the next run', (x) => shown(x).includes('run 2 working'), 30_000);
    expect(v.footer).toContain('following');
    const lines = shown(v);
    expect(lines.filter((l) => l === 'run 1 working')).toHaveLength(1);
    expect(lines.indexOf('run 2 working')).toBeGreaterThan(lines.indexOf('── main: container terminated (exit code 2); its next run follows ──'));
    // The same again, and then the pod is deleted while it waits: the pane ends, saying so.
    t.sim.terminateContainer(ns, 'crashy', { exitCode: 137 });
    await waitPane(t.script, pane.paneId, 'waiting again', (x) => (x.footer ?? '').includes('container terminated (exit code 137); waiting for it to restart'));
    t.sim.deleteObject('v1', 'Pod', 'crashy', ns);
    v = await waitPane(t.script, pane.paneId, 'ended', (x) => (x.footer ?? '').includes('ended:'), 30_000);
    expect(v.footer).toContain('ended: pod deleted');

    // OnFailure: a run that exits 0 is not run again.
    const job = runningPod('job', ns);
    t.sim.createObject({ ...job, spec: { ...job.spec, restartPolicy: 'OnFailure' } });
    t.sim.appendLog(ns, 'job', 'done soon');
    const jobPane = await openLogs(t.script, await podsPane(t.script, ns), 'job', ns);
    await waitPane(t.script, jobPane.paneId, 'following', (x) => shown(x).includes('done soon'));
    t.sim.terminateContainer(ns, 'job', { exitCode: 0 });
    v = await waitPane(t.script, jobPane.paneId, 'ended', (x) => (x.footer ?? '').includes('ended:'));
    expect(v.footer).toContain('ended: container terminated (exit code 0)');
  }, 90_000);

  it('bad arguments are named; a kind without logs is refused; nothing is requested', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('ok', ns));
    const list = await podsPane(t.script, ns);
    await expect(openLogs(t.script, list, 'ok', ns, { container: '../etc' })).rejects.toThrow(/args.container "..\/etc" is not a container name/);
    await expect(openLogs(t.script, list, 'ok', ns, { since: '2d' })).rejects.toThrow(/args.since must be one of tail, 1m, 5m, 15m, 1h, all/);
    await expect(openLogs(t.script, list, 'ok', ns, { previous: 'yes' })).rejects.toThrow(/args.previous must be true or false/);
    const missing = await openLogs(t.script, list, 'ok', ns, { container: 'nope' });
    const v = await waitPane(t.script, missing.paneId, 'no such container', (x) => x.type === 'message' && x.level === 'error');
    expect(message(v)).toBe(`pod ${ns}/ok has no container 'nope' (it has: main)`);
    t.sim.createObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns }, data: {} });
    const cms = await podsPane(t.script, ns, 'configmaps');
    await expect(openLogs(t.script, cms, 'cfg', ns)).rejects.toThrow(/ConfigMap has no logs: use l on a Pod, Deployment/);
    // A script opening a logs pane directly with bad arguments gets a pane that says what is wrong.
    const { paneId } = await t.script.request<{ paneId: number }>('pane/open', { view: { key: 'logs', args: { context: 'kube-sim', namespace: 'Bad_NS', name: 'x' } }, newTab: true });
    expect(message(await snapshot(t.script, paneId))).toMatch(/^bad logs pane arguments: namespace: namespace "Bad_NS" is not a namespace name/);
    // No target at all (`kubetile open logs`): what a logs pane needs, not a schema's words; `:` does not offer it.
    const bare = await t.script.request<{ paneId: number }>('pane/open', { view: { key: 'logs' }, newTab: true });
    expect(message(await snapshot(t.script, bare.paneId))).toBe('a logs pane shows the logs of one pod or workload: press l on it in a list, or give args {context, namespace, name} (kind, container optional)');
    const types = (await t.script.request<{ types: Array<{ key: string; switchable: boolean }> }>('pane/types')).types;
    expect(types.find((x) => x.key === 'logs')).toEqual({ key: 'logs', switchable: false });
    const unknown = await t.script.request<{ paneId: number }>('pane/open', { view: { key: 'logs', args: { context: 'no-such-context', namespace: ns, name: 'ok' } }, newTab: true });
    expect(message(await waitPane(t.script, unknown.paneId, 'unknown context', (x) => x.type === 'message' && x.level === 'error'))).toMatch(/no context 'no-such-context'/);
    expect(await logStreams(t.script)).toBe(0);
  });

  it('a log cannot drive the terminal (escapes removed) and a huge line is cut with a note', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('evil', ns));
    t.sim.appendLog(ns, 'evil', ['\x1b]52;c;cHduZWQ=\x07copied? \x1b[2J\x1b[Hcleared? \x1b]0;title\x07done', `big ${'z'.repeat(3 * 1024 * 1024)}`, 'after the big one']);
    const list = await podsPane(t.script, ns);
    const { paneId } = await openLogs(t.script, list, 'evil', ns);
    const v = await waitPane(t.script, paneId, 'all three', (x) => received(x) === 3);
    expect(shown(v)[0]).toBe('copied? cleared? done');
    expect(shown(v)[2]).toBe('after the big one');
    // Wrapped at 1,000 columns, the cut line is 64 KiB of text and a note.
    await t.script.request('pane/command', { paneId, command: { type: 'toggle_wrap' } });
    const wrapped = (await snapshot(t.script, paneId, 1000, 1000)) as LinesView;
    const rows = wrapped.lines.map((l) => l.text);
    const end = rows.indexOf('after the big one');
    const m = /^big (z+) …\[\+(\d+) bytes cut\]$/.exec(rows.slice(1, end).join(''));
    expect(m).not.toBeNull();
    // 64 KiB of the line were kept (its timestamp included), every other byte is counted.
    const kept = m![1]!.length;
    expect(kept).toBeGreaterThan(64 * 1024 - 40);
    expect(Number(m![2])).toBe(3 * 1024 * 1024 - kept);
    expect(wrapped.lines[end - 1]!.spans!.at(-1)).toEqual({ text: ` …[+${m![2]} bytes cut]`, style: 'dim' });
  });

  it('ctrl+s saves the filtered buffer, ctrl+e downloads the full log: KubeTile names in download_dir, a toast each', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('saver', ns));
    t.sim.appendLog(ns, 'saver', Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'odd' : 'even'} ${i}`));
    const c = await RawClient.connect(t.env.socket);
    try {
      await c.attach({ cols: 140, rows: 40 });
      const list = await podsPane(c, ns);
      const { paneId } = await openLogs(c, list, 'saver', ns, { since: 'all' });
      await waitPane(c, paneId, 'thirty lines', (x) => received(x) === 30);
      await c.request('pane/command', { paneId, command: { type: 'filter', query: 'odd' } });
      await c.request('client/key', { key: 'ctrl+s' });
      const saved = await waitToast(c, /^saved 15 lines to /);
      const path = saved.replace(/^saved 15 lines to /, '');
      expect(path).toMatch(new RegExp(`^${join(t.env.dir, 'exports', 'logs')}/kube-sim_${ns}_saver_\\d{8}-\\d{6}\\.log$`));
      const text = readFileSync(path, 'utf8').split('\n');
      expect(text.slice(0, 6)).toEqual(['# context: kube-sim', `# namespace: ${ns}`, '# pod: saver', '# container: main', expect.stringMatching(/^# exported_at: \d{4}-\d\d-\d\dT/), '# filter: odd']);
      expect(text.slice(6).filter(Boolean)).toEqual(Array.from({ length: 15 }, (_, i) => `odd ${2 * i + 1}`));

      const before = await logStreams(c);
      await c.request('client/key', { key: 'ctrl+e' });
      const done = await waitToast(c, /^downloaded 30 lines to /);
      const full = done.replace(/^downloaded 30 lines to /, '');
      expect(full).toMatch(/_full\.log$/);
      expect(readFileSync(full, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'odd' : 'even'} ${i}`));
      expect(readdirSync(join(t.env.dir, 'exports', 'logs')).length).toBe(2);
      await waitFor('the download closed its stream', async () => (await logStreams(c)) === before);
    } finally {
      c.close();
    }
  });
});
