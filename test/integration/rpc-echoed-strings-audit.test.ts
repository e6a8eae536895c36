import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestEnv, startDaemon, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

/**
 * A name the daemon does not know is repeated in its error ("no context 'X' in the kubeconfig"):
 * one of megabytes came back whole, to the script and into the log. Names have the lengths of what
 * they name: a context's (1,024 at most), a namespace's (253), a plugin key's (64, as the config takes it).
 */

let env: TestEnv;
let daemon: DaemonProcess | null = null;
let c: RawClient | null = null;

beforeEach(() => {
  env = makeTestEnv();
});
afterEach(async () => {
  c?.close();
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

const refusal = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the request to be refused');
};

describe('names in requests', () => {
  it('a huge one is refused by its field, and not repeated back', async () => {
    daemon = await startDaemon(env);
    c = await RawClient.connect(env.socket);
    const { layout } = await c.attach({ cols: 80, rows: 24 });
    const tabId = layout.tabs[0]!.id;
    const huge = 'x'.repeat(1024 * 1024);
    for (const [method, params, field] of [
      ['kube/namespaces', { context: huge }, 'context'],
      ['kube/use', { tabId, context: huge }, 'context'],
      ['kube/use', { tabId, namespace: huge }, 'namespace'],
      ['plugin/reload', { key: huge }, 'key'],
    ] as const) {
      const msg = await refusal(c.request(method, params));
      expect(msg, method).toContain(field);
      expect(msg.length, method).toBeLessThan(2000);
    }
    // Names of every real length still reach the daemon, which says what it cannot do with them
    // (this one has no kubeconfig at all).
    const name = 'arn:aws:eks:eu-west-1:123456789012:cluster/'.padEnd(1024, 'y');
    expect(await refusal(c.request('kube/namespaces', { context: name }))).toMatch(/^no cluster: no kubeconfig/);
  });
});
