import { describe, expect, it } from 'vitest';
import { labelSelector, mapSelector, matches, selectorQuery } from '../../src/kube/label-selector.js';
import { containerPorts, servicePorts, suggestPort } from '../../src/forwards/pod-ports.js';
import { parsePort } from '../../src/forwards/forward-action.js';
import type { KubeObject } from '../../src/kube/types.js';

describe("KubeTile's remote port suggestion", () => {
  it('prefers a port named like http or web, then 80, 8080, 8000, 3000, 5000, then the first; none is 80', () => {
    expect(suggestPort([{ port: 9090, name: 'metrics' }, { port: 8443, name: 'https' }, { port: 80 }])).toBe(8443);
    expect(suggestPort([{ port: 9090, name: 'metrics' }, { port: 7000, name: 'WEBUI' }])).toBe(7000);
    expect(suggestPort([{ port: 9090 }, { port: 3000 }, { port: 8080 }])).toBe(8080);
    expect(suggestPort([{ port: 9090 }, { port: 5432 }])).toBe(9090);
    expect(suggestPort([])).toBe(80);
  });

  it('reads container ports of a pod spec and a Service’s ports, skipping malformed ones', () => {
    expect(containerPorts({ containers: [{ ports: [{ containerPort: 80, name: 'http' }, { containerPort: 'x' }, { containerPort: 70000 }] }, { ports: 'nope' }, null] })).toEqual([
      { port: 80, name: 'http' },
    ]);
    const svc = { metadata: { name: 's', uid: 'u' }, spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 443, targetPort: '8443' }, { port: 53 }, { port: -1 }] } } as KubeObject;
    expect(servicePorts(svc)).toEqual([
      { port: 80, targetPort: 'http' },
      { port: 443, targetPort: 8443 },
      { port: 53, targetPort: 53 },
    ]);
  });

  it('parses ports typed in the dialog or passed by scripts, naming what is wrong', () => {
    expect(parsePort(' 8080 ', 'remote port')).toBe(8080);
    expect(parsePort(0, 'local port')).toBe(0);
    expect(() => parsePort('0', 'remote port')).toThrow("remote port must be a whole number from 1 to 65535, not '0'");
    expect(() => parsePort('80a', 'local port')).toThrow("local port must be a whole number from 0 (any free port) to 65535, not '80a'");
    expect(() => parsePort(70000, 'local port')).toThrow('not 70000');
    expect(() => parsePort(1.5, 'remote port')).toThrow('not 1.5');
  });
});

describe('label selectors', () => {
  it('match pods as the API server does', () => {
    const sel = labelSelector(
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'legacy', operator: 'DoesNotExist' },
          { key: 'track', operator: 'NotIn', values: ['canary'] },
          { key: 'zone', operator: 'Exists' },
        ],
      },
      'deployment/web',
    )!;
    expect(matches(sel, { app: 'web', tier: 'a', zone: 'z1' })).toBe(true);
    expect(matches(sel, { app: 'web', tier: 'c', zone: 'z1' })).toBe(false);
    expect(matches(sel, { app: 'web', tier: 'a', zone: 'z1', legacy: '' })).toBe(false);
    expect(matches(sel, { app: 'web', tier: 'b', zone: 'z1', track: 'canary' })).toBe(false);
    expect(matches(sel, { app: 'web', tier: 'b' })).toBe(false);
    expect(selectorQuery(sel)).toBe('app=web,tier in (a,b),!legacy,track notin (canary),zone');
  });

  it('a Service without a selector has none; hostile selectors are refused with the object named', () => {
    expect(mapSelector(undefined, 'service/x')).toBeNull();
    expect(mapSelector({}, 'service/x')).toBeNull();
    expect(() => mapSelector({ 'a,b': 'c' }, 'service/x')).toThrow(/service\/x has a selector entry that is not a label/);
    expect(() => mapSelector({ app: 'x&watch=true' }, 'service/x')).toThrow(/not a label/);
    expect(() => labelSelector({ matchExpressions: [{ key: 'k', operator: 'Gt', values: [] }] }, 'deployment/d')).toThrow(/operator "Gt"/);
  });
});
