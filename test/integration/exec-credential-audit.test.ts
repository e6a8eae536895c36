// Audit of exec credential plugins run by the daemon against a hostile or unlucky plugin: what the
// daemon reads of it is bounded, whatever still holds its output.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableView } from '@kubetile/rpc-schema';
import { waitFor } from '../helpers/daemon-process.js';
import { startSimDaemon, type SimDaemonWithClient } from '../helpers/sim-daemon.js';

let h: SimDaemonWithClient | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A kubeconfig (JSON) with one context `test` on the sim whose user is `user`. */
function writeKubeconfig(path: string, server: string, caPem: string, user: Record<string, unknown>): void {
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'test',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'tester', user }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'tester', namespace: 'default' } }],
  }));
}

/** A process's peak resident memory (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for ${pid}`);
  return Number(m[1]) / 1024;
}

const shown = (v: TableView | { type: 'message'; text: string }): string => (v.type === 'table' ? `${v.empty ?? ''} ${v.footer ?? ''}` : v.text);

describe('an exec credential plugin that floods its output', () => {
  it("a child that left the plugin's process group and writes on: the daemon stops reading it (its memory stays bounded) and says what was wrong", async () => {
    let marker = '';
    h = await startSimDaemon({
      client: { cols: 160, rows: 40 },
      beforeDaemon: (sim, env) => {
        marker = join(env.dir, 'flood-ended');
        // 700 MB, more than the longest string the daemon can hold: read on after the limit, it was held until
        // the string could grow no more (then every later chunk threw an uncaught exception).
        const plugin = script(join(env.dir, 'flood-credential.sh'), `setsid sh -c 'head -c 700000000 /dev/zero; echo ended >> ${marker}' &\nwait`);
        const kc = join(env.dir, 'kubeconfig');
        writeKubeconfig(kc, sim.url, sim.caPem, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin } });
        env.env.KUBECONFIG = kc;
      },
    });
    const c = h.client;
    const paneId = c.activeTab().focusedPaneId;
    const text = await waitFor('the error in the pane', async () => {
      const t = shown((await c.request<{ view: TableView }>('pane/snapshot', { paneId, rows: 30, cols: 160 })).view);
      return /printed more than/.test(t) ? t : null;
    }, 60_000, 100);
    expect(text).toMatch(/credential plugin ".*flood-credential\.sh" for user 'tester' printed more than 1048576 bytes/);
    // The writer can only stop by having all it wrote read, or by the pipe closing (the daemon stopped reading, or died).
    await waitFor('the flooding child stopped', () => existsSync(marker), 120_000, 100);
    expect(h.daemon.child.exitCode).toBeNull();
    await expect(c.request('daemon/status')).resolves.toMatchObject({ pid: h.daemon.child.pid });
    // The daemon's peak memory: reading it all held over 512 MB (then threw, in every later chunk).
    expect(peakRssMb(h.daemon.child.pid!)).toBeLessThan(400);
  }, 180_000);
});
