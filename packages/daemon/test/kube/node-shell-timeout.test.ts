import { describe, expect, it } from 'vitest';
import { waitForContainer } from '../../src/kube/node-shell.js';
import { useTestServers } from '../http-kubeconfig.js';

/**
 * A node shell or debug container that never starts ends with a timeout that says what the pod
 * last said (the user cannot see the pod's events from the pane): the container's waiting reason,
 * why the pod is not scheduled, or that the node's kubelet never reported on it.
 */
const serve = useTestServers();

const podAnswering = (status: Record<string, unknown>): Promise<Parameters<typeof waitForContainer>[0]> =>
  serve((req, res) => {
    req.resume();
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { nodeName: 'node-x', containers: [{ name: 'shell' }] }, status });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });

const timeoutOf = async (status: Record<string, unknown>): Promise<string> => {
  const kc = await podAnswering(status);
  const err = await waitForContainer(kc, 'default', 'p', 'shell', { timeoutMs: 0, uid: 'u1' }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  return err?.message ?? '(no error)';
};

describe('a container that does not start in time', () => {
  it('says the container\'s waiting reason and message', async () => {
    const m = await timeoutOf({ phase: 'Pending', containerStatuses: [{ name: 'shell', state: { waiting: { reason: 'ContainerCreating', message: 'pulling\u001b[31m image\nbusybox' } } }] });
    expect(m).toBe('container shell of pod default/p did not start within 0 s (last seen: ContainerCreating: pulling [31m image busybox)');
  });
  it('says why the pod is not scheduled', async () => {
    const m = await timeoutOf({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] });
    expect(m).toBe('container shell of pod default/p did not start within 0 s (not scheduled: 0/3 nodes are available)');
  });
  it('says the node\'s kubelet never reported (a node that is down)', async () => {
    const m = await timeoutOf({ phase: 'Pending' });
    expect(m).toBe("container shell of pod default/p did not start within 0 s (last seen: phase Pending, no status of the container from node node-x's kubelet yet)");
  });
  it('cuts a huge message from the server', async () => {
    const m = await timeoutOf({ phase: 'Pending', containerStatuses: [{ name: 'shell', state: { waiting: { reason: 'X', message: 'y'.repeat(100_000) } } }] });
    expect(m.length).toBeLessThan(500);
    expect(m).toMatch(/\(last seen: X: y{300}…\)$/);
  });
  it('a container that cannot start says the server\'s message without its control characters', async () => {
    const m = await timeoutOf({ phase: 'Pending', containerStatuses: [{ name: 'shell', state: { waiting: { reason: 'ErrImagePull', message: 'pull\u001b]52;c;ZXZpbA==\u0007 denied\u202e' } } }] });
    expect(m).toBe('container shell of pod default/p cannot start: ErrImagePull: pull ]52;c;ZXZpbA==  denied');
  });
  it('a container that ended says its reason without control characters and no exit code of another type', async () => {
    const m = await timeoutOf({ phase: 'Running', containerStatuses: [{ name: 'shell', state: { terminated: { reason: 'Error\u001b[2J', exitCode: { evil: 1 } } } }] });
    expect(m).toBe('container shell of pod default/p cannot start: the container ended (Error [2J)');
  });
});
