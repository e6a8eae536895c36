import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespace, openLogs, podsPane, received, runningPod, snapshot, startLogsEnv, waitPane, type LogsEnv } from '../../packages/daemon/test/logs/harness.js';

/**
 * A chatty pod cannot eat the daemon's memory: under a pod writing 50,000 lines/s the pane keeps
 * at most `[logs] max_lines` / `max_bytes` and says that old lines were dropped, while hundreds of
 * thousands of lines go through a daemon whose old generation is capped at 96 MB (V8 collects
 * lazily, so heap figures alone would measure its laziness: a daemon that kept the lines would run
 * out of memory and stop answering; KT_LOGS_UNBOUNDED=1 lifts the bound to see that happen).
 */

const unbounded = process.env.KT_LOGS_UNBOUNDED === '1';
const MAX_LINES = unbounded ? 1_000_000 : 20_000;
const MAX_BYTES = unbounded ? 512 * 1024 * 1024 : 2 * 1024 * 1024;
let t: LogsEnv;

beforeAll(async () => {
  t = await startLogsEnv({ config: `[logs]\nmax_lines = ${MAX_LINES}\nmax_bytes = ${MAX_BYTES}\n`, nodeOptions: '--max-old-space-size=96' });
});
afterAll(async () => {
  await t?.stop();
});

async function memory(): Promise<{ rss: number; heapUsed: number }> {
  return (await t.script.request<{ memory: { rss: number; heapUsed: number } }>('daemon/status')).memory;
}

describe('the logs buffer bound', () => {
  it('holds under a pod writing 50,000 lines/s: the pane drops old lines and says so, memory stays bounded', async () => {
    const ns = 'chatty';
    namespace(t.sim, ns);
    t.sim.createObject(runningPod('firehose', ns));
    const list = await podsPane(t.script, ns);
    const { paneId } = await openLogs(t.script, list, 'firehose', ns);
    await waitPane(t.script, paneId, 'following', (x) => (x.footer ?? '').includes('following'));
    const base = await memory();
    expect(t.sim.setLogRate({ perSec: 50_000, namespace: ns, pod: 'firehose', lineLength: 120 })).toBe(1);
    let peak = base;
    const started = Date.now();
    try {
      // Until well over ten times the bound has gone through (or 60 s on a very busy machine).
      for (;;) {
        const v = await snapshot(t.script, paneId);
        const m = await memory();
        peak = { rss: Math.max(peak.rss, m.rss), heapUsed: Math.max(peak.heapUsed, m.heapUsed) };
        if (received(v) > 400_000 || Date.now() - started > 60_000) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      t.sim.setLogRate({ perSec: 0, namespace: ns, pod: 'firehose' });
    }
    const v = await snapshot(t.script, paneId);
    const got = received(v);
    expect(got).toBeGreaterThan(200_000);
    expect(t.daemon.child.exitCode).toBeNull();
    // The pane holds at most max_lines (and max_bytes: 120-character lines, so fewer), and says it dropped the rest.
    const held = Number(v.badge);
    expect(held).toBeGreaterThan(1000);
    expect(held).toBeLessThanOrEqual(MAX_LINES);
    expect(held).toBeLessThanOrEqual(MAX_BYTES / 120);
    expect(v.footer).toMatch(new RegExp(`${(got - held).toLocaleString('en')} old lines dropped \\(buffer full\\)`));
    // Everything that went through is well over 100 MB as the daemon holds lines; the capped heap never held it.
    const rssGrew = (peak.rss - base.rss) / 1024 / 1024;
    expect(peak.heapUsed / 1024 / 1024).toBeLessThan(160);
    expect(rssGrew, `RSS grew ${rssGrew.toFixed(1)} MiB after ${got} lines`).toBeLessThan(160);
  }, 120_000);
});
