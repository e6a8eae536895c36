/**
 * Deleting a pod kills its containers, and with them every exec session into it: the client gets
 * the Status a kubelet sends for a SIGKILLed command (NonZeroExitCode, exit code 137) and the
 * stream ends. Sessions into other pods (a neighbour with a longer name, the same name in another
 * namespace) go on.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import type { KubeSim } from '../src/index.js';
import { raw, runningPod, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

interface Shell {
  /** Everything the shell wrote to stdout so far. */
  out(): string;
  /** Sends a line to the shell's stdin. */
  say(line: string): void;
  /** The Status on the error channel, once the session ended. */
  status: Promise<V1Status>;
  /** Resolves when the WebSocket is closed. */
  closed: Promise<void>;
  protocol: string;
}

/** `sh` reading commands from an open stdin (no tty), in `namespace/pod`. */
async function shell(kc: KubeConfig, pod: string, namespace = 'default', container = 'main'): Promise<Shell> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const stdin = new PassThrough();
  let resolveStatus!: (s: V1Status) => void;
  const status = new Promise<V1Status>((r) => { resolveStatus = r; });
  const ws = await new Exec(kc).exec(namespace, pod, container, ['sh'], stdout, null, stdin, false, (s) => resolveStatus(s));
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  return { out: () => Buffer.concat(chunks).toString('utf8'), say: (line) => stdin.write(`${line}\n`), status, closed, protocol: ws.protocol };
}

/** The shell answers a command (it is alive). */
async function answers(sh: Shell, word: string): Promise<void> {
  sh.say(`echo ${word}`);
  await waitFor(() => sh.out().includes(`${word}\n`), `the shell to answer ${word}`);
}

function expectKilled(st: V1Status): void {
  expect(st.status).toBe('Failure');
  expect(st.reason).toBe('NonZeroExitCode');
  expect(st.details?.causes).toEqual([{ reason: 'ExitCode', message: '137' }]);
  expect(st.message).toBe('command terminated with non-zero exit code: error executing command [sh], exit code 137');
}

async function neighbours(sim: KubeSim): Promise<void> {
  sim.createObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  for (const [name, ns] of [['web-1', 'default'], ['web-10', 'default'], ['web-1', 'other']] as const) sim.createObject(runningPod(name, [{ name: 'main' }], ns));
}

describe('exec into a pod that is deleted', () => {
  it('kubectl delete (no kubelet grace): the session ends with exit code 137; web-10 and other/web-1 keep running', async () => {
    const { sim, kc } = await startSim();
    await neighbours(sim);
    const victim = await shell(kc, 'web-1');
    const longer = await shell(kc, 'web-10');
    const elsewhere = await shell(kc, 'web-1', 'other');
    expect(victim.protocol).toBe('v5.channel.k8s.io');
    await answers(victim, 'before');

    const del = await raw(sim, 'DELETE', '/api/v1/namespaces/default/pods/web-1');
    expect(del.status).toBe(200);
    expectKilled(await victim.status);
    await victim.closed;

    await answers(longer, 'web-10-alive');
    await answers(elsewhere, 'other-web-1-alive');
    // They end as usual, with their own exit codes.
    longer.say('exit 4');
    expect((await longer.status).details?.causes).toEqual([{ reason: 'ExitCode', message: '4' }]);
    elsewhere.say('exit 0');
    expect(await elsewhere.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('a pod of the same name created again is a new pod: its sessions are not the deleted one\'s', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('p'));
    const old = await shell(kc, 'p');
    sim.deleteObject('v1', 'Pod', 'p');
    expectKilled(await old.status);
    sim.createObject(runningPod('p'));
    const fresh = await shell(kc, 'p');
    await answers(fresh, 'new-pod');
    fresh.say('exit 0');
    expect((await fresh.status).status).toBe('Success');
  });

  it('the admin deleteObject and namespace deletion end sessions too, on v4 as on v5', async () => {
    const { sim, kc } = await startSim({ config: { execProtocols: 'kubelet' } });
    await neighbours(sim);
    const a = await shell(kc, 'web-1');
    const b = await shell(kc, 'web-1', 'other');
    const c = await shell(kc, 'web-10');
    expect(a.protocol).toBe('v4.channel.k8s.io');
    sim.deleteObject('v1', 'Pod', 'web-1');
    expectKilled(await a.status);
    await answers(b, 'still-here');
    sim.deleteObject('v1', 'Namespace', 'other');
    expectKilled(await b.status);
    await answers(c, 'web-10-untouched');
  });

  it('graceful deletion: the shell runs while the pod is Terminating and ends (137) when its containers are killed', async () => {
    // The lifecycle controller (the sim's kubelet) holds a Terminating pod for podTerminationMs.
    const { sim, kc } = await startSim({ controller: true, config: { podTerminationMs: 600_000 } });
    sim.createObject(runningPod('slow'));
    sim.createObject(runningPod('quick'));
    const slow = await shell(kc, 'slow');
    const del = await raw(sim, 'DELETE', '/api/v1/namespaces/default/pods/slow', { body: { gracePeriodSeconds: 30 } });
    expect(del.status).toBe(200);
    expect(sim.getObject('v1', 'Pod', 'slow')?.metadata.deletionTimestamp).toBeDefined();
    // A real kubelet SIGTERMs the container's main process; the exec'd shell is not signalled.
    await answers(slow, 'terminating-but-alive');
    // `kubectl delete --grace-period=0 --force`: the pod goes now.
    await raw(sim, 'DELETE', '/api/v1/namespaces/default/pods/slow', { body: { gracePeriodSeconds: 0 } });
    expectKilled(await slow.status);

    sim.configure({ podTerminationMs: 200 });
    const quick = await shell(kc, 'quick');
    await raw(sim, 'DELETE', '/api/v1/namespaces/default/pods/quick');
    expectKilled(await quick.status);
    // The session ended because the pod went, not before.
    expect(sim.getObject('v1', 'Pod', 'quick')).toBeUndefined();
  });

  it('a command running (not reading stdin) is killed too, and writes nothing after the status', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('busy'));
    const sh = await shell(kc, 'busy');
    sh.say('echo started; sleep 600; echo never');
    await waitFor(() => sh.out().includes('started\n'), 'the command started');
    sim.deleteObject('v1', 'Pod', 'busy');
    expectKilled(await sh.status);
    await sh.closed;
    expect(sh.out()).toBe('started\n');
  });
});

describe('exec into a container that stops', () => {
  it('a container terminated or restarted (the pod stays): the sessions in it end with 137, those in its sibling and in web-10 go on', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('web-1', [{ name: 'main' }, { name: 'side' }]));
    sim.createObject(runningPod('web-10', [{ name: 'main' }]));
    const inMain = await shell(kc, 'web-1', 'default', 'main');
    const inSide = await shell(kc, 'web-1', 'default', 'side');
    const longer = await shell(kc, 'web-10');
    await answers(inMain, 'main-before');

    sim.terminateContainer('default', 'web-1', { container: 'main', exitCode: 1 });
    expectKilled(await inMain.status);
    await inMain.closed;
    await answers(inSide, 'side-alive');
    await answers(longer, 'web-10-alive');

    // A restart is a new instance of the container: the old one's sessions are gone with it.
    sim.restartContainer('default', 'web-1', 'side');
    expectKilled(await inSide.status);
    await answers(longer, 'web-10-still-alive');
    // A session started in the new instance runs.
    const again = await shell(kc, 'web-1', 'default', 'side');
    await answers(again, 'new-instance');
    again.say('exit 0');
    expect(await again.status).toEqual({ metadata: {}, status: 'Success' });
  });
});
