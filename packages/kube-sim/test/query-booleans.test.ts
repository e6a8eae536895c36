// Boolean query parameters read as kube-apiserver reads them (apimachinery's
// runtime.Convert_Slice_string_To_bool): only "0" and "false" in any case are false; every other
// value, "True", "TRUE", "t", "1", "yes" and even "" included, is true. The official Python client
// sends "True"/"False"; test/real-k8s checks the same table against a real kube-apiserver.
import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '../src/index.js';
import { pod, raw, runningPod, startSim, stopAll, waitFor } from './helpers.js';
import { rawWebSocket } from './raw-ws.js';

afterEach(stopAll);

const TRUE_VALUES = ['true', 'True', 'TRUE', 't', 'T', '1', 'yes', 'f', ''];
const FALSE_VALUES = ['false', 'False', 'FALSE', 'fAlSe', '0'];

interface Streaming {
  status: number;
  text(): string;
  ended: Promise<void>;
  close(): void;
}

/** A GET whose body is read as it arrives (watches, log follows). */
function streamGet(sim: KubeSim, path: string): Promise<Streaming> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${sim.url}${path}`, { headers: { Authorization: `Bearer ${sim.token}` }, ca: sim.caPem, agent: false }, (res) => {
      let text = '';
      const ended = new Promise<void>((r) => {
        res.on('end', () => r());
        res.on('close', () => r());
      });
      res.on('data', (c: Buffer) => { text += c.toString('utf8'); });
      resolve({ status: res.statusCode ?? 0, text: () => text, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('boolean query parameters', () => {
  it.each(TRUE_VALUES)('watch=%j starts a watch', async (v) => {
    const { sim } = await startSim();
    sim.createObject(pod('a'));
    const r = await raw(sim, 'GET', `/api/v1/namespaces/default/pods?watch=${v}&timeoutSeconds=1`);
    expect(r.status).toBe(200);
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(JSON.parse(r.body.split('\n')[0] ?? '')).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
  });

  it.each(FALSE_VALUES)('watch=%j is a plain list', async (v) => {
    const { sim } = await startSim();
    sim.createObject(pod('a'));
    const r = await raw(sim, 'GET', `/api/v1/namespaces/default/pods?watch=${v}`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ kind: 'PodList', items: [{ metadata: { name: 'a' } }] });
  });

  it('watch=True on a single object watches it', async () => {
    const { sim } = await startSim();
    sim.createObject(pod('a'));
    sim.createObject(pod('b'));
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/b?watch=True&timeoutSeconds=1');
    expect(r.body.trim().split('\n').map((l) => (JSON.parse(l) as { object: { metadata: { name: string } } }).object.metadata.name)).toEqual(['b']);
  });

  it('allowWatchBookmarks=t gets bookmarks; allowWatchBookmarks=FALSE does not', async () => {
    const { sim } = await startSim();
    sim.configure({ bookmarkIntervalMs: 100 });
    sim.createObject(pod('a'));
    const yes = await streamGet(sim, '/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=t&timeoutSeconds=20');
    const no = await streamGet(sim, '/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=FALSE&timeoutSeconds=20');
    await waitFor(() => yes.text().includes('"BOOKMARK"'), 'a bookmark on allowWatchBookmarks=t');
    // Several bookmark periods later, the other watch still has none.
    const seen = yes.text().split('"BOOKMARK"').length;
    await waitFor(() => yes.text().split('"BOOKMARK"').length >= seen + 3, 'three more bookmarks');
    expect(no.text()).toContain('"ADDED"');
    expect(no.text()).not.toContain('"BOOKMARK"');
    yes.close();
    no.close();
  });

  it('sendInitialEvents=True ends the initial events with the initial-events-end bookmark', async () => {
    const { sim } = await startSim();
    sim.createObject(pod('a'));
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods?watch=True&sendInitialEvents=True&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=True&timeoutSeconds=1');
    const events = r.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { annotations?: Record<string, string> } } });
    expect(events[0]?.type).toBe('ADDED');
    expect(events[1]).toMatchObject({ type: 'BOOKMARK', object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
  });

  it('logs: follow=True streams, timestamps=TRUE prefixes, previous=t asks for the previous container', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    sim.appendLog('default', 'p', ['one']);
    const ts = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/log?timestamps=TRUE');
    expect(ts.body).toMatch(/^\d{4}-\d\d-\d\dT\S+Z one\n$/);
    const plain = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/log?timestamps=False');
    expect(plain.body).toBe('one\n');
    const prev = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/log?previous=t');
    expect(prev.status).toBe(400);
    expect(prev.json<{ message: string }>().message).toBe('previous terminated container "main" in pod "p" not found');
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/log?previous=0')).status).toBe(200);

    const follow = await streamGet(sim, '/api/v1/namespaces/default/pods/p/log?follow=True');
    await waitFor(() => follow.text() === 'one\n', 'the existing line');
    sim.appendLog('default', 'p', ['two']);
    await waitFor(() => follow.text() === 'one\ntwo\n', 'the line appended while following');
    follow.close();
  });

  it('exec: stdout=yes, stderr=FALSE, stdin=False and tty=0 pick the channels', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    const ws = await rawWebSocket(sim, '/api/v1/namespaces/default/pods/p/exec?command=sh&command=-c&command=echo%20out%3B%20ls%20%2Fnope&container=main&stdout=yes&stderr=FALSE&stdin=False&tty=0', ['v4.channel.k8s.io']);
    expect(ws.status).toBe(101);
    await ws.ended;
    const channels = ws.frames.filter((f) => f.opcode === 2).map((f) => f.payload[0]);
    expect(channels).toEqual([1, 1, 3]);
  });

  it('exec: stdin, stdout and stderr all "False" is the apiserver\'s 400', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods/p/exec?command=ls&stdin=False&stdout=FALSE&stderr=0', {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' },
    });
    expect(r.status).toBe(400);
    expect(r.json<{ message: string }>().message).toBe('you must specify at least 1 of stdin, stdout, stderr');
  });

  it('delete: orphanDependents=True orphans, orphanDependents=False collects', async () => {
    const { sim } = await startSim();
    const mk = (name: string, owner?: { name: string; uid: string }) => sim.createObject({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name, namespace: 'default', ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', ...owner }] } : {}) },
    });
    const o1 = mk('owner1');
    mk('dep1', { name: 'owner1', uid: o1.metadata.uid ?? '' });
    const o2 = mk('owner2');
    mk('dep2', { name: 'owner2', uid: o2.metadata.uid ?? '' });
    expect((await raw(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/owner1?orphanDependents=True')).status).toBe(200);
    expect((await raw(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/owner2?orphanDependents=False')).status).toBe(200);
    await waitFor(async () => (await raw(sim, 'GET', '/api/v1/namespaces/default/configmaps/dep2')).status === 404, 'dep2 collected');
    expect((await raw(sim, 'GET', '/api/v1/namespaces/default/configmaps/dep1')).status).toBe(200);
  });
});
