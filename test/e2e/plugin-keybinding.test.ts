import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';
import { tmuxMissing } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';

/** Two plugins bound to keys in the config file. */
const pluginConfig = `[[plugins]]
key = "smoke-test"
path = "${join(REPO_ROOT, 'plugins/smoke/build/smoke.wasm')}"
keybinding = "ctrl+y"
timeout_ms = 20000

[[plugins]]
key = "pod-health"
path = "${join(REPO_ROOT, 'plugins/pod-health/build/pod-health.wasm')}"
permissions = ["k8s:list:pods"]
keybinding = "alt+p"
timeout_ms = 20000
`;

const e2e = useTmuxE2e({
  setup: (env) => {
    mkdirSync(dirname(env.configFile), { recursive: true });
    writeFileSync(env.configFile, pluginConfig);
  },
});

describe.skipIf(tmuxMissing)('plugin keybindings in a real terminal (tmux)', () => {
  it('a keybinding from config opens the plugin pane beside the focused one and shows its lines; again, it focuses it', async () => {
    await e2e.startDaemon();
    const term = e2e.terminal();
    await term.waitScreen('kubetile drawn', (s) => s.includes('NORMAL'));
    term.keys('C-y');
    const smoke = await term.waitScreen('smoke-test pane', (s) => s.includes('smoke-test') && s.includes('smoke-ok'));
    // split beside the first pane: both titles on the same row
    expect(smoke.split('\n').some((row) => row.includes('Pods') && row.includes('smoke-test'))).toBe(true);

    term.keys('M-p');
    const pods = await term.waitScreen('pod-health pane', (s) => s.includes('pod-health') && s.includes('Pods in this namespace'));
    expect(pods).toContain('error: list_pods: no cluster'); // no kubeconfig here: the plugin shows the host's error
    expect(pods).toContain('smoke-ok');

    // Pressing a plugin's key again focuses its pane instead of opening another.
    term.keys('C-y');
    await term.waitScreen('smoke-test focused again (heavy border)', (s) => s.includes('┏━ smoke-test') && s.includes('┌─ pod-health'));
    const script = await RawClient.connect(e2e.env.socket);
    try {
      const panes = (await script.request<{ panes: Array<{ key: string }> }>('pane/list')).panes.map((p) => p.key);
      expect(panes.filter((k) => k === 'smoke-test')).toHaveLength(1);
      expect(panes.filter((k) => k === 'pod-health')).toHaveLength(1);
    } finally {
      script.close();
    }
  });
});
