import { describe, expect, it } from 'vitest';
import { tmuxMissing } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';

// kubetile starts the daemon itself: stopped with kill-server after each test.
const e2e = useTmuxE2e({ killServer: 'always' });

describe.skipIf(tmuxMissing)('kubetile --demo in a real terminal (tmux)', () => {
  it('lists pods, switches to deployments with :, filters with /, opens YAML with y', async () => {
    const term = e2e.terminal(['--demo'], { cols: 140, rows: 40 });
    // The demo cluster serves metrics: CPU and MEM join the columns once the first usage is read.
    const pods = await term.waitScreen('demo pods listed with their usage', (s) => s.includes('Pods (shop)') && s.includes('Running') && /RESTARTS\s+CPU\s+MEM/.test(s), 60_000);
    expect(pods).toContain('demo cluster');
    expect(pods).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+CPU\s+MEM\s+AGE/);
    expect(pods).toMatch(/cart-\S+\s+0\/1\s+CrashLoopBackOff/);

    term.keys(':');
    await term.waitScreen('switcher open', (s) => s.includes('Switch view'));
    term.text('deploy');
    await term.waitScreen('switcher filtered', (s) => s.includes('deployments'));
    term.keys('Enter');
    const deps = await term.waitScreen('deployments listed', (s) => s.includes('Deployments (shop)') && /frontend\s+3\/3/.test(s));
    expect(deps).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);

    term.keys('/');
    term.text('front');
    const filtered = await term.waitScreen('filter applied', (s) => /frontend\s+3\/3/.test(s) && !/\bcart\b/.test(s) && !/\bapi\s+2\/2/.test(s));
    expect(filtered).toContain('FILTER');
    term.keys('Enter');
    await term.waitScreen('back to normal mode', (s) => s.includes('NORMAL'));

    term.keys('y');
    const yaml = await term.waitScreen('YAML pane', (s) => s.includes('YAML: Deployment shop/frontend') && /kind: Deployment/.test(s));
    expect(yaml).toMatch(/replicas: 3/);
    term.keys('Escape');
    await term.waitScreen('YAML pane closed', (s) => !s.includes('YAML: Deployment'));
  });
});
