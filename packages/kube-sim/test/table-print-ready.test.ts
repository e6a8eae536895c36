import { describe, expect, it } from 'vitest';
import { BUILTIN_RESOURCES } from '../src/api/resource-types.js';
import { parseStored, toStored } from '../src/store/stored-object.js';
import { parseIncludeObject, partialJson, partialObjectMetadata, singleRowTable, singleRowTableJson, tableRow, tableRowJson, type IncludeObject } from '../src/table/table.js';
import type { KubeObject } from '../src/types.js';

const pods = BUILTIN_RESOURCES.find((r) => r.id === '/v1/pods')!;
const deployments = BUILTIN_RESOURCES.find((r) => r.id === 'apps/v1/deployments')!;
const NOW = Date.parse('2026-12-06T10:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();

const base = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '42', creationTimestamp: ago(90_000), labels: { app: 'web', 'a"quote': 'x\\y' } },
  spec: { containers: [{ name: 'main', image: 'nginx' }] },
  ...extra,
});

/** Pods that take each of the printer's branches (init containers, restarts, deletion, gates, odd text). */
const samples: KubeObject[] = [
  base('plain'),
  base('no-status-no-time', { metadata: { name: 'x', namespace: 'ns', resourceVersion: '1' } }),
  base('running-restarted', {
    spec: { nodeName: 'node-1', containers: [{ name: 'a' }, { name: 'b' }], readinessGates: [{ conditionType: 'www' }] },
    status: {
      phase: 'Running',
      podIP: '10.0.0.9',
      conditions: [{ type: 'www', status: 'True' }, { type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 3, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(400_000) } } },
        { name: 'b', ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      ],
    },
  }),
  base('init', {
    spec: { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'm' }] },
    status: { phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0 } } }, { name: 'i2', restartCount: 2, state: { waiting: { reason: 'ImagePullBackOff' } } }] },
  }),
  base('terminating', { metadata: { name: 'terminating', namespace: 'ns', resourceVersion: '7', creationTimestamp: ago(3 * 86_400_000), deletionTimestamp: ago(1000) }, status: { phase: 'Running' } }),
  base('succeeded', { status: { phase: 'Succeeded', containerStatuses: [{ name: 'main', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } }),
  base('failed-signal', { status: { phase: 'Failed', reason: 'Evicted', containerStatuses: [{ name: 'main', restartCount: 0, state: { terminated: { signal: 9 } } }] } }),
  base('bad-time', { metadata: { name: 'bad-time', namespace: 'ns', resourceVersion: '3', creationTimestamp: 'not a time' }, status: { phase: 'Running', containerStatuses: [{ name: 'main', restartCount: 1, lastState: { terminated: { finishedAt: 'garbage' } } }] } }),
  // Metadata after the members it follows in JSON, one of them with no JSON text (left out).
  { spec: { containers: [] }, gone: undefined, kind: 'Pod', 'k"ey': 1, metadata: { name: 'reordered', namespace: 'ns', resourceVersion: '9', creationTimestamp: ago(5000) }, apiVersion: 'v1' } as unknown as KubeObject,
  base('unicode-\u00e9\u4e2d', { status: { phase: 'Running', podIP: '<b>\u001b[31m', nominatedNodeName: 'n\u2028x' } }),
];

describe('table rows printed from the stored object without decoding it', () => {
  it('are the same text as printing the decoded object, for every include and time', () => {
    for (const obj of samples) {
      const rec = toStored(pods, structuredClone(obj));
      expect(rec.printed).not.toBeNull();
      const decoded = parseStored(rec);
      for (const include of ['None', 'Metadata', 'Object'] as IncludeObject[]) {
        for (const now of [NOW, NOW + 61_000, NOW + 9 * 3_600_000]) {
          expect(tableRowJson(pods, rec, include, now)).toBe(JSON.stringify(tableRow(pods, decoded, include, now)));
          for (const cols of [true, false]) expect(singleRowTableJson(pods, rec, include, now, cols)).toBe(JSON.stringify(singleRowTable(pods, decoded, include, now, cols)));
        }
      }
      expect(partialJson(rec)).toBe(JSON.stringify(partialObjectMetadata(decoded)));
      expect(rec.json).toBe(JSON.stringify(obj));
    }
  });

  it('the ages move with the print time, not the time the object was stored', () => {
    const rec = toStored(pods, structuredClone(samples[2]!));
    const at = (now: number): unknown[] => (JSON.parse(tableRowJson(pods, rec, parseIncludeObject('None'), now)) as { cells: unknown[] }).cells;
    expect(at(NOW)[4]).toBe('90s');
    expect(at(NOW)[3]).toBe('4 (6m40s ago)');
    expect(at(NOW + 3_600_000)[4]).toBe('61m');
    expect(at(NOW + 3_600_000)[3]).toBe('4 (66m ago)');
  });

  it('kinds whose printer does not prepare rows still print by decoding', () => {
    const dep: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', resourceVersion: '5', creationTimestamp: ago(1000) }, spec: { replicas: 2 } };
    const rec = toStored(deployments, structuredClone(dep));
    expect(rec.printed).toBeNull();
    expect(tableRowJson(deployments, rec, 'Metadata', NOW)).toBe(JSON.stringify(tableRow(deployments, parseStored(rec), 'Metadata', NOW)));
    expect(partialJson(rec)).toBe(JSON.stringify(partialObjectMetadata(parseStored(rec))));
  });
});
