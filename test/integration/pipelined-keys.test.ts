import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/** Clients send keys ahead of the answers; the daemon handles them in order, and none behind a detach. */

let env: TestEnv;
let daemon: DaemonProcess;
beforeEach(async () => {
  env = makeTestEnv();
  daemon = await startDaemon(env);
});
afterEach(async () => {
  await daemon.stop();
  env.cleanup();
});

describe('pipelined keys', () => {
  it('are handled in the order sent, and the keys behind a detach key are ignored', async () => {
    const c = await RawClient.connect(env.socket);
    await c.attach({ cols: 120, rows: 40 });
    const before = c.activeTab().tree;
    // Sent back to back, without waiting: split, split, detach, split.
    const answers = await Promise.all(['alt+v', 'alt+h', 'ctrl+q', 'alt+v'].map((key) => c.request<{ handled: boolean; command?: string }>('client/key', { key })));
    expect(answers.map((a) => a.command)).toEqual(['app:split_vertical', 'app:split_horizontal', 'detach', 'ignored:detaching']);
    const panes = await c.request<{ panes: unknown[] }>('pane/list');
    expect(panes.panes).toHaveLength(3); // the first pane and two splits, not a third
    expect(before.type).toBe('leaf');
    c.close();
  });
});
