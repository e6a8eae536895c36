import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../helpers/daemon-process.js';
import { tmuxMissing } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';
import { runningPod } from '../../packages/daemon/test/logs/harness.js';

/** Logs in a real terminal: `l` on a pod follows it, `/` filters, ctrl+s saves what is shown. */

const e2e = useTmuxE2e();

describe.skipIf(tmuxMissing)('logs in a real terminal (tmux)', () => {
  it('l follows a pod, / filters, ctrl+s saves the filtered lines', async () => {
    const sim = await e2e.startSim({ config: { logLinesPerSecond: 0 } });
    sim.createObject(runningPod('web', 'default'));
    sim.appendLog('default', 'web', ['GET /index 200', 'GET /missing 404', 'POST /orders 500 boom']);
    await e2e.startDaemon();
    const term = e2e.terminal([], { cols: 140, rows: 40 });
    await term.waitScreen('pods listed', (s) => /web\s+1\/1\s+Running/.test(s), 60_000);

    term.keys('l');
    await term.waitScreen('the logs pane', (s) => s.includes('Logs: web [main] @ default') && s.includes('POST /orders 500 boom'));
    sim.appendLog('default', 'web', ['GET /late 200', 'DELETE /orders/7 500 late error']);
    let screen = await term.waitScreen('a line written after it opened', (s) => s.includes('DELETE /orders/7 500 late error'));
    expect(screen).toMatch(/FOLLOW \| NOWRAP \| following \| 5 received/);

    term.keys('/');
    term.text(' 500');
    screen = await term.waitScreen('filtered', (s) => s.includes('filter: " 500"') && !s.includes('GET /missing 404'));
    expect(screen).toContain('POST /orders 500 boom');
    expect(screen).toContain('DELETE /orders/7 500 late error');
    expect(screen).not.toContain('GET /late 200');
    term.keys('Enter');
    await term.waitScreen('normal mode', (s) => s.includes('NORMAL'));

    term.keys('C-s');
    screen = await term.waitScreen('the save toast', (s) => /saved 2 lines to /.test(s));
    const dir = join(e2e.env.dir, 'Downloads');
    const files = await waitFor('the saved file', () => {
      try {
        const f = readdirSync(dir);
        return f.length ? f : null;
      } catch {
        return null;
      }
    });
    expect(files[0]).toMatch(/^kube-sim_default_web_\d{8}-\d{6}\.log$/);
    const saved = readFileSync(join(dir, files[0]!), 'utf8');
    expect(saved).toContain('# filter:  500');
    expect(saved.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['POST /orders 500 boom', 'DELETE /orders/7 500 late error']);
  });
});
