import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject, KubeSim } from '../src/index.js';
import { pod, raw, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

const KUBECTL_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface Table {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string };
  columnDefinitions: Array<{ name: string; type: string; priority: number; format: string }> | null;
  rows: Array<{ cells: unknown[]; object?: { kind: string; metadata: { name: string } }; conditions?: unknown[] }>;
}

function runningPod(name: string): KubeObject {
  return {
    ...pod(name),
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx' }, { name: 'side', image: 'envoy' }] },
    status: {
      phase: 'Running',
      podIP: '10.0.0.5',
      containerStatuses: [
        { name: 'main', ready: true, restartCount: 2, state: { running: { startedAt: '2024-01-01T00:00:00Z' } }, lastState: { terminated: { exitCode: 1, finishedAt: new Date(Date.now() - 120_000).toISOString() } } },
        { name: 'side', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    },
  };
}

/** Reads a watch as raw lines until `n` lines arrived. */
function watchLines(sim: KubeSim, path: string, n: number, onOpen: () => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${sim.url}${path}`, { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}`, Accept: KUBECTL_ACCEPT }, agent: false }, (res) => {
      let buf = '';
      const lines: string[] = [];
      onOpen();
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          lines.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
        if (lines.length >= n) {
          req.destroy();
          resolve(lines);
        }
      });
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
  });
}

describe('Table output', () => {
  it('prints pods the way kubectl expects, with priority columns and partial metadata', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('web-1'));
    const r = await raw(sim, 'GET', '/api/v1/namespaces/default/pods', { headers: { Accept: KUBECTL_ACCEPT } });
    expect(r.status).toBe(200);
    const t = r.json<Table>();
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.columnDefinitions?.map((c) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1']);
    expect(t.columnDefinitions?.[0]?.format).toBe('name');
    const cells = t.rows[0]?.cells ?? [];
    expect(cells.slice(0, 3)).toEqual(['web-1', '1/2', 'CrashLoopBackOff']);
    expect(cells[3]).toMatch(/^2 \(2m\d*s? ago\)$/);
    expect(cells.slice(5)).toEqual(['10.0.0.5', 'node-1', '<none>', '<none>']);
    expect(t.rows[0]?.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'web-1', namespace: 'default' } });
  });

  it('honours includeObject, limit/continue and default columns for kinds without a printer', async () => {
    const { sim } = await startSim();
    for (let i = 0; i < 3; i++) sim.createObject(pod(`p-${i}`));
    const page = (await raw(sim, 'GET', '/api/v1/namespaces/default/pods?limit=2&includeObject=Object', { headers: { Accept: KUBECTL_ACCEPT } })).json<Table>();
    expect(page.rows).toHaveLength(2);
    expect(page.rows[0]?.object?.kind).toBe('Pod');
    expect(page.metadata.continue).toBeTruthy();
    const rest = (await raw(sim, 'GET', `/api/v1/namespaces/default/pods?limit=2&includeObject=None&continue=${encodeURIComponent(page.metadata.continue ?? '')}`, { headers: { Accept: KUBECTL_ACCEPT } })).json<Table>();
    expect(rest.rows.map((r) => r.cells[0])).toEqual(['p-2']);
    expect(rest.rows[0]?.object).toBeUndefined();
    const roles = (await raw(sim, 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { headers: { Accept: KUBECTL_ACCEPT } })).json<Table>();
    expect(roles.columnDefinitions?.map((c) => `${c.name}:${c.type}`)).toEqual(['Name:string', 'Created At:date']);
  });

  it('prints custom resources with their additionalPrinterColumns and single objects as one-row tables', async () => {
    const { sim } = await startSim();
    sim.createObject({ apiVersion: 'kubetile.dev/v1alpha1', kind: 'Database', metadata: { name: 'orders', namespace: 'default' }, spec: { engine: 'postgres', version: '16' }, status: { phase: 'Ready' } });
    const t = (await raw(sim, 'GET', '/apis/kubetile.dev/v1alpha1/namespaces/default/databases/orders', { headers: { Accept: KUBECTL_ACCEPT } })).json<Table>();
    expect(t.columnDefinitions?.map((c) => c.name)).toEqual(['Name', 'Engine', 'Version', 'Phase', 'Age']);
    expect(t.rows[0]?.cells.slice(0, 4)).toEqual(['orders', 'postgres', '16', 'Ready']);
  });

  it('sends one-row tables on watch, with column definitions only on the first event', async () => {
    const { sim } = await startSim();
    sim.createObject(pod('a'));
    const lines = await watchLines(sim, '/api/v1/namespaces/default/pods?watch=true', 3, () => {
      setImmediate(() => {
        void waitFor(() => sim.metrics().watches.open === 1, 'watch').then(() => {
          sim.createObject(pod('b'));
          sim.deleteObject('v1', 'Pod', 'a');
        });
      });
    });
    const evs = lines.map((l) => JSON.parse(l) as { type: string; object: Table });
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'ADDED', 'DELETED']);
    expect(evs[0]?.object.kind).toBe('Table');
    expect(evs[0]?.object.columnDefinitions?.length).toBe(9);
    expect(evs[1]?.object.columnDefinitions).toBeNull();
    expect(evs[2]?.object.rows[0]?.cells[0]).toBe('a');
  });
});
