import { describe, expect, it } from 'vitest';
import { aliasesByResource, labelName, resolveName, switcherLabel } from '../src/kube/aliases.js';
import type { DiscoveredResource } from '../src/kube/discovery.js';

const r = (group: string, version: string, plural: string, kind: string, shortNames: string[] = []): DiscoveredResource => ({ group, version, plural, kind, namespaced: true, shortNames });

// In discovery order, as a 1.30 API server lists them (events twice: core and events.k8s.io).
const RESOURCES: DiscoveredResource[] = [
  r('', 'v1', 'pods', 'Pod', ['po']),
  r('', 'v1', 'services', 'Service', ['svc']),
  r('events.k8s.io', 'v1', 'events', 'Event', ['ev']),
  r('', 'v1', 'events', 'Event', ['ev']),
  r('apps', 'v1', 'deployments', 'Deployment', ['deploy']),
  r('extensions.example.com', 'v1', 'deployments', 'Deployment'),
  r('example.com', 'v1', 'widgets', 'Widget', ['wg']),
];

const hit = (q: string, aliases: Record<string, string> = {}): string | null => {
  const h = resolveName(q, RESOURCES, aliases);
  return h ? `${h.resource.plural}.${h.resource.group || 'core'}/${h.via}` : null;
};

describe('resolveName: `:` names as kubectl resolves them', () => {
  it('short names, plurals, singulars and kinds, in any case', () => {
    expect(hit('po')).toBe('pods.core/short');
    expect(hit('SVC')).toBe('services.core/short');
    expect(hit('widget')).toBe('widgets.example.com/singular');
    expect(hit('Widgets')).toBe('widgets.example.com/plural');
  });
  it('the core group wins where several serve a name; name.group narrows', () => {
    expect(hit('ev')).toBe('events.core/short');
    expect(hit('events')).toBe('events.core/plural');
    expect(hit('events.events.k8s.io')).toBe('events.events.k8s.io/plural');
    expect(hit('deployments')).toBe('deployments.apps/plural');
    expect(hit('deployments.extensions.example.com')).toBe('deployments.extensions.example.com/plural');
    expect(hit('deployments.v1.apps')).toBe('deployments.apps/plural');
  });
  it('config aliases, chained; a loop and an unknown name resolve to nothing', () => {
    expect(hit('dp', { dp: 'deploy' })).toBe('deployments.apps/alias');
    expect(hit('a', { a: 'b', b: 'wg' })).toBe('widgets.example.com/alias');
    expect(hit('x', { x: 'y', y: 'x' })).toBeNull();
    expect(hit('nothing')).toBeNull();
    expect(hit('   ')).toBeNull();
  });
  it('labels carry short names and aliases; the name part is recovered from a label', () => {
    const aliases = aliasesByResource(RESOURCES, { dp: 'deployments', d2: 'dp' });
    const deploy = RESOURCES[4]!;
    expect(switcherLabel(deploy, false, aliases.get(deploy) ?? [])).toBe('deployments (deploy, dp, d2)');
    expect(switcherLabel(RESOURCES[2]!, true, [])).toBe('events.events.k8s.io (ev)');
    expect(labelName('deployments (deploy, dp)')).toBe('deployments');
    expect(labelName('pulse')).toBe('pulse');
  });
});
