import { describe, expect, it } from 'vitest';
import { findKind, genericKind, type KindDef } from '../../src/kube/kinds/index.js';
import { renderDetail } from '../../src/kube/render/index.js';
import type { Line } from '../../src/kube/render/index.js';
import type { KubeObject } from '../../src/kube/types.js';
import * as O from './fixtures/objects.js';
import * as P from './fixtures/pods.js';
import { NOW } from './fixtures/time.js';
import { expectValidLines, styleAt } from './lines-check.js';

const k = (id: string): KindDef => findKind(id) as KindDef;

function headers(lines: Line[]): string[] {
  return lines.filter((l) => l.style === 'header').map((l) => l.text);
}

/** The lines of one section, without its title. */
function section(lines: Line[], title: string): string[] {
  const start = lines.findIndex((l) => l.style === 'header' && l.text === title);
  if (start < 0) throw new Error(`no section ${title}`);
  const out: string[] = [];
  for (let i = start + 1; i < lines.length && lines[i]?.style !== 'header'; i++) out.push(lines[i]?.text ?? '');
  return out.filter((t) => t !== '');
}

describe('renderDetail', () => {
  it('a pod: Metadata, Status, Owner, Labels, Annotations, Conditions, Containers', () => {
    const lines = renderDetail(P.crashLoopPod, k('pods'), NOW);
    expectValidLines(lines);
    expect(headers(lines)).toEqual(['Metadata', 'Status', 'Owner', 'Labels', 'Annotations', 'Conditions', 'Containers']);
    const meta = section(lines, 'Metadata');
    expect(meta).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}Kind: +Pod \(v1\)$/),
        expect.stringMatching(/^ {2}Name: +api-5f7b9-crash$/),
        expect.stringMatching(/^ {2}Namespace: +shop$/),
        expect.stringMatching(/^ {2}UID: +uid-api-5f7b9-crash$/),
        expect.stringMatching(/^ {2}Created: +2025-11-22T12:00:00Z \(2d ago\)$/),
        expect.stringMatching(/^ {2}Resource Version: +4711$/),
      ]),
    );
    const status = section(lines, 'Status');
    expect(status).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}Status: +CrashLoopBackOff$/),
        expect.stringMatching(/^ {2}Ready: +0\/1$/),
        expect.stringMatching(/^ {2}Restarts: +5 \(last 3m ago\)$/),
        expect.stringMatching(/^ {2}IP: +10\.244\.1\.8$/),
        expect.stringMatching(/^ {2}Node: +node-a$/),
      ]),
    );
    expect(styleAt(lines, 'CrashLoopBackOff')).toBe('error');
    expect(section(lines, 'Owner')).toEqual([expect.stringMatching(/^ {2}ReplicaSet\/web-7c5ddbdf54 +\(controller\)$/)]);
    expect(section(lines, 'Labels')).toEqual(['  app=web', '  pod-template-hash=7c5ddbdf54']);
    expect(section(lines, 'Annotations')).toEqual(['  <none>']);
  });

  it('conditions: type, status, reason, age, message; styled by status', () => {
    const lines = renderDetail(P.crashLoopPod, k('pods'), NOW);
    const conds = section(lines, 'Conditions');
    expect(conds[0]).toMatch(/^ {2}TYPE +STATUS +REASON +AGE +MESSAGE$/);
    expect(conds).toContainEqual(expect.stringMatching(/^ {2}Ready +False +ContainersNotReady +60m +containers with unready status: \[web\]$/));
    const ready = lines.find((l) => /^ {2}Ready +False/.test(l.text));
    expect(ready?.spans?.find((s) => s.text.startsWith('False'))?.style).toBe('error');
    const scheduled = lines.find((l) => /^ {2}PodScheduled +True/.test(l.text));
    expect(scheduled?.spans?.find((s) => s.text.startsWith('True'))?.style).toBe('ok');
  });

  it('containers: image, ports, state, last state, ready, restarts, resources', () => {
    const lines = renderDetail(P.crashLoopPod, k('pods'), NOW);
    const c = section(lines, 'Containers');
    expect(c[0]).toBe('  web');
    expect(c).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {4}Image: +nginx:1\.27$/),
        expect.stringMatching(/^ {4}Ports: +80\/TCP \(http\)$/),
        expect.stringMatching(/^ {4}State: +Waiting: CrashLoopBackOff$/),
        expect.stringMatching(/^ {4}Last State: +Terminated: Error \(exit code 1, 3m ago\)$/),
        expect.stringMatching(/^ {4}Ready: +false$/),
        expect.stringMatching(/^ {4}Restarts: +5$/),
        expect.stringMatching(/^ {4}Requests: +cpu=100m, memory=128Mi$/),
        expect.stringMatching(/^ {4}Limits: +memory=256Mi$/),
      ]),
    );
    expect(styleAt(lines, 'Waiting: CrashLoopBackOff')).toBe('error');
    const running = renderDetail(P.runningPod, k('pods'), NOW);
    expect(section(running, 'Containers')).toContainEqual(expect.stringMatching(/^ {4}State: +Running \(started 2d ago\)$/));
    const sidecar = renderDetail(P.sidecarPod, k('pods'), NOW);
    expect(section(sidecar, 'Containers')[0]).toMatch(/^ {2}proxy +\(sidecar\)$/);
  });

  it('a deployment: replicas in Status, template containers, conditions', () => {
    const lines = renderDetail(O.deployment, k('deploy'), NOW);
    expectValidLines(lines);
    expect(headers(lines)).toEqual(['Metadata', 'Status', 'Owner', 'Labels', 'Annotations', 'Conditions', 'Containers']);
    expect(section(lines, 'Status')).toEqual(expect.arrayContaining([expect.stringMatching(/^ {2}Ready: +2\/3$/), expect.stringMatching(/^ {2}Up-to-date: +3$/)]));
    expect(styleAt(lines, '2/3')).toBe('warn');
    expect(section(lines, 'Containers').filter((t) => /^ {2}\S/.test(t))).toEqual(['  web', '  log']);
    expect(section(lines, 'Owner')).toEqual(['  <none>']);
    expect(section(lines, 'Annotations')).toEqual(['  deployment.kubernetes.io/revision: 4']);
  });

  it('a service: type, cluster IP, ports in Status and a Ports table', () => {
    const lines = renderDetail(O.service, k('svc'), NOW);
    expect(section(lines, 'Status')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ {2}Type: +NodePort$/), expect.stringMatching(/^ {2}Cluster IP: +10\.96\.12\.34$/), expect.stringMatching(/^ {2}Ports: +80\/TCP,443:30443\/TCP$/)]),
    );
    expect(section(lines, 'Ports')).toContainEqual(expect.stringMatching(/^ {2}https +443\/TCP +https +30443$/));
  });

  it('long annotations are cut with …', () => {
    const pod = structuredClone(P.runningPod);
    pod.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(pod.spec) };
    const a = section(renderDetail(pod, k('pods'), NOW), 'Annotations');
    expect(a).toHaveLength(1);
    expect(a[0]?.endsWith('…')).toBe(true);
    expect(a[0]?.length).toBeLessThanOrEqual(122);
  });

  it('kind-specific sections for nodes, config maps, cron jobs; a custom resource gets status fields', () => {
    const node = renderDetail(O.node, k('no'), NOW);
    expect(headers(node)).toEqual(expect.arrayContaining(['Conditions', 'Addresses', 'Capacity', 'Taints']));
    expect(section(node, 'Capacity')).toContainEqual(expect.stringMatching(/^ {2}cpu +8 +7800m$/));
    const cm = renderDetail(O.configMap, k('cm'), NOW);
    expect(section(cm, 'Data')).toEqual([expect.stringMatching(/^ {2}MODE: +4 chars, 1 lines$/), expect.stringMatching(/^ {2}logo\.png: +8 bytes$/), expect.stringMatching(/^ {2}nginx\.conf: +24 chars, 3 lines$/)]);
    const cj = renderDetail(O.cronJob, k('cj'), NOW);
    expect(section(cj, 'Status')).toContainEqual(expect.stringMatching(/^ {2}Last Schedule: +5m$/));
    expect(headers(cj)).toContain('Containers');
    const cert = renderDetail(O.certificate, genericKind({ name: 'certificates', kind: 'Certificate', group: 'cert-manager.io', version: 'v1', namespaced: true }), NOW);
    expect(section(cert, 'Metadata')[0]).toMatch(/Certificate \(cert-manager\.io\/v1\)$/);
    expect(section(cert, 'Status')).toContainEqual(expect.stringMatching(/^ {2}notAfter: +2026-02-01T00:00:00Z$/));
    expect(headers(cert)).toContain('Conditions');
  });

  it('works without `now` (timestamps without ages) and never throws on junk', () => {
    const lines = renderDetail(P.crashLoopPod, k('pods'));
    expect(section(lines, 'Metadata')).toContainEqual(expect.stringMatching(/^ {2}Created: +2025-11-22T12:00:00Z$/));
    expectValidLines(lines);
    const junk: unknown[] = [null, undefined, 3, 'x', {}, { metadata: 5 }, { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: 'no' }, status: { conditions: {} } }];
    for (const j of junk) {
      const out = renderDetail(j as KubeObject, undefined, NOW);
      expect(out.length).toBeGreaterThan(0);
      expectValidLines(out);
    }
  });
});
