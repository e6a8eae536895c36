import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import type { LinesView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { closeLogsPanes, logStreams, namespace, openLogs, podsPane, received, runningPod, shown, snapshot, startLogsEnv, waitPane, waitToast, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * Hostile or unlucky log streams, as a user following them sees them: a progress bar redrawn with
 * carriage returns far past the 64 KiB a line keeps, and a download (`ctrl+e`) into a file that
 * cannot grow (a full disk, a file size limit).
 */

let t: LogsEnv;
let n = 0;
const fresh = (): string => {
  const ns = `hostile-${++n}`;
  namespace(t.sim, ns);
  return ns;
};

beforeAll(async () => {
  t = await startLogsEnv({ config: '[logs]\ndownload_dir = "~/exports"\n' });
});
afterEach(async () => {
  await closeLogsPanes(t.script);
  await waitFor('no stream left open', async () => (await logStreams(t.script)) === 0);
});
afterAll(async () => {
  await t?.stop();
});

describe('logs: hostile streams', () => {
  it('a progress bar redrawn with \\r for 1.4 MB on one line shows its last redraw (it showed one from its first 64 KiB)', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('puller', ns));
    let bar = '';
    for (let i = 0; i < 20_000; i++) bar += `\r\x1b]0;pulling ${i}\x07pulling layer ${String(i).padStart(6, '0')} [${'#'.repeat(i % 40).padEnd(40, ' ')}]`;
    t.sim.appendLog(ns, 'puller', ['before', `${bar}\rpulled: 100%`, 'after']);
    const { paneId } = await openLogs(t.script, await podsPane(t.script, ns), 'puller', ns);
    const v = await waitPane(t.script, paneId, 'three lines', (x) => received(x) === 3);
    expect(shown(v).slice(0, 3)).toEqual(['before', 'pulled: 100%', 'after']);
    // Wrapped: one row, nothing "cut" (the earlier redraws are not text a terminal would show).
    await t.script.request('pane/command', { paneId, command: { type: 'toggle_wrap' } });
    const wrapped = (await snapshot(t.script, paneId, 40, 200)) as LinesView;
    expect(wrapped.lines.map((l) => l.text).slice(0, 3)).toEqual(['before', 'pulled: 100%', 'after']);
    await expect(t.script.request('rpc/echo', { value: 1 })).resolves.toEqual({ value: 1 });
  });

  it('a node clock stepped back, then the stream drops: the resume repeats no line (it delivered every line from before the step again)', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('drift', ns));
    const now = Date.now();
    t.sim.appendLog(ns, 'drift', ['before 1', 'before 2', 'before 3']);
    // The node's clock is stepped back an hour: the next lines are stamped before the ones above.
    t.sim.appendLogAt(ns, 'drift', ['stepped 1', 'stepped 2'], now - 3_600_000);
    const { paneId } = await openLogs(t.script, await podsPane(t.script, ns), 'drift', ns);
    await waitPane(t.script, paneId, 'five lines', (x) => received(x) === 5);
    // The connection drops; the stream resumes from its last line's second (an hour back).
    expect(t.sim.killSockets({})).toBeGreaterThan(0);
    t.sim.appendLogAt(ns, 'drift', ['stepped 3'], now - 3_600_000 + 2000);
    const v = await waitPane(t.script, paneId, 'the line after the resume', (x) => shown(x).includes('stepped 3'));
    expect(received(v)).toBe(6);
    // One container's log shows in the order it was written: the stepped-back lines after the ones
    // before the step (sorted by timestamp they went an hour up, above lines written before them).
    expect(shown(v).filter((l) => /^(before|stepped) /.test(l))).toEqual(['before 1', 'before 2', 'before 3', 'stepped 1', 'stepped 2', 'stepped 3']);
  });

  it('ctrl+e into a file that cannot grow says the download failed and what it holds (it said "downloaded")', async () => {
    const ns = fresh();
    t.sim.createObject(runningPod('bulky', ns));
    // 4,000 lines of ~1 KiB: 4 MB through the API.
    t.sim.appendLog(ns, 'bulky', Array.from({ length: 4000 }, (_, i) => `line ${String(i).padStart(4, '0')} ${'d'.repeat(1000)}`));
    const c = await RawClient.connect(t.env.socket);
    const limit = 1024 * 1024;
    try {
      await c.attach({ cols: 140, rows: 40 });
      const { paneId } = await openLogs(c, await podsPane(c, ns), 'bulky', ns, { since: 'all' });
      await waitPane(c, paneId, 'all lines', (x) => received(x) === 4000);
      // No file the daemon writes may grow past 1 MiB from now on (as a full disk would stop it).
      execFileSync('prlimit', ['--pid', String(t.daemon.child.pid), `--fsize=${limit}:`]);
      try {
        await c.request('client/key', { key: 'ctrl+e' });
        const msg = await waitToast(c, /^download(ed|ing the log failed)/);
        const m = /^downloading the log failed: writing (\S+_full\.log): EFBIG: file too large, write \(it has the first (\d+) lines\)$/.exec(msg);
        expect(m, msg).not.toBeNull();
        const path = m![1]!;
        expect(statSync(path).size).toBeLessThanOrEqual(limit);
        // The file holds exactly the lines the toast counts, whole, in order (and its header).
        const body = readFileSync(path, 'utf8').split('\n');
        const lines = body.filter((l) => l.startsWith('line '));
        expect(lines.length).toBe(Number(m![2]));
        expect(lines.length).toBeGreaterThan(500);
        lines.forEach((l, i) => expect(l).toBe(`line ${String(i).padStart(4, '0')} ${'d'.repeat(1000)}`));
        await waitFor('the download closed its stream', async () => (await logStreams(c)) === 1);
        await expect(c.request('rpc/echo', { value: 2 })).resolves.toEqual({ value: 2 });
      } finally {
        execFileSync('prlimit', ['--pid', String(t.daemon.child.pid), '--fsize=unlimited:']);
      }
    } finally {
      c.close();
    }
  });
});
