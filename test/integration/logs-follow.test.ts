import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { logStreams, namespace, openLogs, podsPane, received, runningPod, shown, simLog, snapshot, startLogsEnv, waitPane, waitToast, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * Logs of one pod through a real daemon on kube-sim: the tail then lines written after the pane
 * opened, one shared stream per container, and streams the sim drops (its sockets killed, a
 * restart, 5xx on the resume) resumed with no gap and no duplicate — the saved buffer equals the
 * sim's own log line for line.
 */

let t: LogsEnv;
let n = 0;
const fresh = (): string => {
  const ns = `logs-${++n}`;
  namespace(t.sim, ns);
  return ns;
};

beforeAll(async () => {
  t = await startLogsEnv();
});
afterAll(async () => {
  await t?.stop();
});

describe('logs of a pod', () => {
  it('shows the tail, then follows lines written after it started; closing the pane closes the stream', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('web', ns));
    t.sim.appendLog(ns, 'web', ['before one', 'before two']);
    const list = await podsPane(t.script, ns);
    const { paneId, message } = await openLogs(t.script, list, 'web', ns);
    expect(message).toBe(`logs of Pod ${ns}/web`);
    let v = await waitPane(t.script, paneId, 'the tail', (x) => shown(x).join('\n').includes('before two'));
    expect(v.title).toContain(`Logs: web [main] @ ${ns}`);
    expect(shown(v)).toEqual(['before one', 'before two']);
    expect(v.footer).toMatch(/FOLLOW \| NOWRAP \| following/);

    t.sim.appendLog(ns, 'web', ['after one', 'after two']);
    v = await waitPane(t.script, paneId, 'lines written after the pane opened', (x) => shown(x).includes('after two'));
    expect(shown(v)).toEqual(['before one', 'before two', 'after one', 'after two']);
    expect(received(v)).toBe(4);
    expect(await logStreams(t.script)).toBe(1);

    await t.script.request('pane/close', { paneId });
    await waitFor('the stream closed with the pane', async () => (await logStreams(t.script)) === 0);
  });

  it("esc clears the logs' filter, then leaves the logs (back to the list beside them), as k9s's does", async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('esc', ns));
    t.sim.appendLog(ns, 'esc', ['one', 'two']);
    const list = await podsPane(t.script, ns);
    const { paneId } = await openLogs(t.script, list, 'esc', ns);
    await waitPane(t.script, paneId, 'the lines', (x) => shown(x).includes('two'));
    await t.script.request('pane/command', { paneId, command: { type: 'filter', query: 'one' } });
    await waitPane(t.script, paneId, 'filtered', (x) => shown(x).join() === 'one');
    await t.script.request('pane/command', { paneId, command: { type: 'back' } });
    await waitPane(t.script, paneId, 'the filter cleared', (x) => shown(x).join() === 'one,two');
    await t.script.request('pane/command', { paneId, command: { type: 'back' } });
    const open = async (): Promise<number[]> => (await t.script.request<{ panes: Array<{ paneId: number }> }>('pane/list')).panes.map((p) => p.paneId);
    await waitFor('the logs pane closed', async () => (!(await open()).includes(paneId) ? true : null));
    expect(await open()).toContain(list);
  });

  it('scrolls sideways up to where the longest line shown ends at the right edge, never into blank columns', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('wide', ns));
    const long = `start-${'x'.repeat(300)}-end`;
    t.sim.appendLog(ns, 'wide', ['short', long]);
    const list = await podsPane(t.script, ns);
    const { paneId } = await openLogs(t.script, list, 'wide', ns);
    await waitPane(t.script, paneId, 'the lines', (x) => shown(x).some((l) => l.startsWith('start-')));
    for (let i = 0; i < 100; i++) await t.script.request('pane/command', { paneId, command: { type: 'scroll_right' } });
    const v = await snapshot(t.script, paneId, 40, 160);
    expect(shown(v)).toEqual(['', long.slice(long.length - 160)]);
    await t.script.request('pane/close', { paneId });
  });

  it('two panes on one container share one stream', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('api', ns));
    t.sim.appendLog(ns, 'api', ['hello']);
    const a = await RawClient.connect(t.env.socket);
    try {
      const list = await podsPane(a, ns);
      const first = await openLogs(a, list, 'api', ns);
      await waitPane(a, first.paneId, 'first pane', (x) => shown(x).includes('hello'));
      // A second pane in another tab (a logs pane in the first tab would be reused).
      const list2 = await podsPane(a, ns);
      const second = await openLogs(a, list2, 'api', ns);
      expect(second.paneId).not.toBe(first.paneId);
      await waitPane(a, second.paneId, 'second pane gets the tail from the shared stream', (x) => shown(x).includes('hello'));
      expect(await logStreams(a)).toBe(1);
      t.sim.appendLog(ns, 'api', ['to both']);
      await waitPane(a, first.paneId, 'first sees it', (x) => shown(x).includes('to both'));
      await waitPane(a, second.paneId, 'second sees it', (x) => shown(x).includes('to both'));
      await a.request('pane/close', { paneId: first.paneId });
      expect(await logStreams(a)).toBe(1);
      await a.request('pane/close', { paneId: second.paneId });
      await waitFor('no stream left', async () => (await logStreams(a)) === 0);
    } finally {
      a.close();
    }
  });

  it('a pane that wants more history than the shared stream holds gets it joined to the live lines, each line once', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('long', ns));
    t.sim.appendLog(ns, 'long', Array.from({ length: 1500 }, (_, i) => `old ${i}`));
    const a = await RawClient.connect(t.env.socket);
    try {
      const first = await openLogs(a, await podsPane(a, ns), 'long', ns);
      await waitPane(a, first.paneId, 'the last 1000 lines', (x) => received(x) === 1000);
      const all = await openLogs(a, await podsPane(a, ns), 'long', ns, { since: 'all' });
      let v = await waitPane(a, all.paneId, 'the whole log', (x) => received(x) === 1500);
      expect(v.title).toContain('(all)');
      expect(shown(v).at(-1)).toBe('old 1499');
      t.sim.appendLog(ns, 'long', ['new 1', 'new 2']);
      v = await waitPane(a, all.paneId, 'new lines once', (x) => received(x) === 1502);
      expect(shown(v).slice(-3)).toEqual(['old 1499', 'new 1', 'new 2']);
      await waitPane(a, first.paneId, 'the first pane too', (x) => received(x) === 1002);
      // The backfill read is over: one stream serves both.
      await waitFor('one stream', async () => (await logStreams(a)) === 1);
      await a.request('pane/command', { paneId: all.paneId, command: { type: 'go_to_top' } });
      expect(shown(await snapshot(a, all.paneId))[0]).toBe('old 0');
      for (const p of [first, all]) await a.request('pane/close', { paneId: p.paneId });
    } finally {
      a.close();
    }
  });

  it('a dropped stream resumes with no gap and no duplicate (sockets killed, 5xx on resume, a server restart)', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('busy', ns));
    const c = await RawClient.connect(t.env.socket);
    try {
      await c.attach({ cols: 160, rows: 50 });
      const list = await podsPane(c, ns);
      const { paneId } = await openLogs(c, list, 'busy', ns);
      await waitPane(c, paneId, 'following', (x) => (x.footer ?? '').includes('following'));
      // 400 lines/s, many per second so a resume re-reads a busy second; slow enough that the sim's
      // 5,000-line log still holds every line through the longest backoff of the test.
      let seq = 0;
      const writer = setInterval(() => {
        const batch: string[] = [];
        for (let i = 0; i < 10; i++) batch.push(`line ${String(++seq).padStart(6, '0')}`);
        t.sim.appendLog(ns, 'busy', batch);
      }, 25);
      try {
        const waitMore = async (label: string) => {
          const from = seq;
          await waitPane(c, paneId, label, (x) => received(x) > from + 100 && (x.footer ?? '').includes('following'));
        };
        await waitMore('lines flowing');
        expect(t.sim.killSockets({})).toBeGreaterThan(0);
        await waitMore('resumed after the sockets were killed');
        t.sim.killSockets({ reset: true });
        await waitMore('resumed after a TCP reset');
        t.sim.injectError({ status: 503, resource: 'pods/log', count: 2, message: 'the kubelet is busy' });
        t.sim.killSockets({});
        await waitPane(c, paneId, 'reconnecting shown while the resume gets 503s', (x) => /reconnecting \(\d+\)/.test(x.footer ?? ''), 30_000);
        await waitMore('resumed after two 503s');
        await t.sim.restart({ downMs: 400 });
        await waitMore('resumed after a server restart');
      } finally {
        clearInterval(writer);
      }
      const total = seq;
      await waitPane(c, paneId, `all ${total} lines received`, (x) => received(x) >= total, 60_000);
      // The sim keeps the last 5,000 lines of a log; compare what both hold.
      const server = (await simLog(t.sim, ns, 'busy')).map(([, text]) => text);
      expect(server.length).toBeGreaterThan(500);
      await c.request('client/key', { key: 'ctrl+s' });
      const toast = await waitToast(c, /^saved \d+ lines to /);
      const path = toast.replace(/^saved \d+ lines to /, '');
      const saved = readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
      const v = await snapshot(c, paneId);
      expect(received(v)).toBe(total);
      expect(saved.length).toBe(total);
      // Every line exactly once, in order: no gap, no duplicate.
      expect(saved).toEqual(Array.from({ length: total }, (_, i) => `line ${String(i + 1).padStart(6, '0')}`));
      expect(saved.slice(-server.length)).toEqual(server);
    } finally {
      c.close();
    }
  }, 240_000);
});
