import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiException, Log } from '@kubernetes/client-node';
import { raw, runningPod, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

function sink(): { stream: PassThrough; text: () => string; ended: Promise<void> } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => { text += c.toString('utf8'); });
  const ended = new Promise<void>((r) => stream.on('end', () => r()));
  return { stream, text: () => text, ended };
}

describe('pod logs', () => {
  it('serves tailLines and timestamps as text/plain', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    sim.appendLog('default', 'p', ['one', 'two', 'three']);
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/log?container=&tailLines=2');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.body).toBe('two\nthree\n');
    const ts = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/log?timestamps=true&tailLines=1');
    expect(ts.body).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z three\n$/);
    const limited = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/log?limitBytes=5');
    expect(limited.body).toBe('one\nt');
  });

  it('filters with sinceTime and rejects sinceTime together with sinceSeconds', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    sim.appendLog('default', 'p', 'old');
    const cut = (await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/log?timestamps=true')).body.split(' ')[0] ?? '';
    const after = new Date(Date.parse(cut) + 1).toISOString();
    await waitFor(() => Date.now() > Date.parse(after) + 1, 'clock past the cut');
    sim.appendLog('default', 'p', 'new');
    expect((await raw(sim, 'GET', `/api/v1/namespaces/default/pods/p/log?sinceTime=${encodeURIComponent(after)}`)).body).toBe('new\n');
    const both = await raw(sim, 'GET', `/api/v1/namespaces/default/pods/p/log?sinceTime=${encodeURIComponent(after)}&sinceSeconds=5`);
    expect(both.status).toBe(400);
    expect(both.json()).toMatchObject({ kind: 'Status', code: 400 });
  });

  it('follows through client-node until the container terminates', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('p'));
    sim.appendLog('default', 'p', ['a', 'b', 'c']);
    const out = sink();
    await new Log(kc).log('default', 'p', 'main', out.stream, { follow: true, tailLines: 2 });
    await waitFor(() => out.text() === 'b\nc\n', 'backlog');
    sim.appendLog('default', 'p', 'd');
    await waitFor(() => out.text() === 'b\nc\nd\n', 'followed line');
    sim.terminateContainer('default', 'p', { exitCode: 0 });
    await out.ended;
    expect(sim.getObject('v1', 'Pod', 'p')?.['status']).toMatchObject({ containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  });

  it('stops following when the client aborts', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('p'));
    const out = sink();
    const ctl = await new Log(kc).log('default', 'p', '', out.stream, { follow: true });
    await waitFor(() => sim.metrics().openSockets > 0, 'connection');
    sim.appendLog('default', 'p', 'x');
    await waitFor(() => out.text() === 'x\n', 'line');
    ctl.abort();
    sim.appendLog('default', 'p', 'y');
    expect(out.text()).toBe('x\n');
  });

  it('names the choices when a multi-container pod gets no container, and serves previous logs', async () => {
    const { sim, kc } = await startSim();
    sim.createObject(runningPod('multi', [{ name: 'app' }, { name: 'sidecar' }]));
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/multi/log?container=');
    expect(r.status).toBe(400);
    expect(r.json<{ message: string }>().message).toBe('a container name must be specified for pod multi, choose one of: [app sidecar]');
    const bad = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/multi/log?container=nope');
    expect(bad.json<{ message: string }>().message).toBe('container nope is not valid for pod multi');
    const err = await new Log(kc).log('default', 'multi', '', new PassThrough()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<unknown>).code).toBe(400);

    const noPrev = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/multi/log?container=app&previous=true');
    expect(noPrev.json<{ message: string }>().message).toBe('previous terminated container "app" in pod "multi" not found');
    sim.appendLog('default', 'multi', 'first run', 'app');
    sim.restartContainer('default', 'multi', 'app');
    sim.appendLog('default', 'multi', 'second run', 'app');
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/pods/multi/log?container=app&previous=true')).body).toBe('first run\n');
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/pods/multi/log?container=app')).body).toContain('second run\n');
    const pod = sim.getObject('v1', 'Pod', 'multi') as unknown as { status: { containerStatuses: Array<{ name: string; restartCount: number }> } };
    expect(pod.status.containerStatuses.find((c) => c.name === 'app')?.restartCount).toBe(1);
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/pods/missing/log')).status).toBe(404);
  });

  it('reports a waiting container with 400', async () => {
    const { sim } = await startSim();
    const p = runningPod('w');
    p.status['containerStatuses'] = [{ name: 'main', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }];
    sim.createObject(p);
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/w/log');
    expect(r.status).toBe(400);
    expect(r.json<{ message: string }>().message).toBe('container "main" in pod "w" is waiting to start: ContainerCreating');
  });
});
