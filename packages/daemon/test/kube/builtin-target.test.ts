import { describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { describedKind, isBuiltinKind, isCorePod } from '../../src/kube/builtin-target.js';
import { drainNode } from '../../src/kube/node-drain.js';
import type { ObjectRef } from '../../src/kube/object-ref.js';

const ref = (kind: string, group: string, plural: string, namespace: string | null = 'shop'): ObjectRef => ({
  kindId: plural,
  kind,
  group,
  version: 'v1',
  plural,
  namespaced: namespace !== null,
  name: 'same',
  namespace,
  context: 'c',
});

describe('built-in kinds are told apart by their group', () => {
  it('a custom resource of kind Pod, Deployment or Node in another group is not one', () => {
    expect(isCorePod(ref('Pod', '', 'pods'))).toBe(true);
    expect(isCorePod(ref('Pod', 'evil.example.com', 'pods'))).toBe(false);
    expect(isBuiltinKind(ref('Deployment', 'apps', 'deployments'))).toBe(true);
    expect(isBuiltinKind(ref('Deployment', 'evil.example.com', 'deployments'))).toBe(false);
    expect(isBuiltinKind(ref('Node', '', 'nodes', null), 'Node')).toBe(true);
    expect(isBuiltinKind(ref('Node', 'evil.example.com', 'nodes', null), 'Node')).toBe(false);
    expect(isBuiltinKind(ref('Certificate', 'cert-manager.io', 'certificates'))).toBe(false);
    expect(describedKind(ref('Pod', 'evil.example.com', 'pods'))).toBe('Pod (pods.evil.example.com) shop/same');
    expect(describedKind(ref('Pod', '', 'pods'))).toBe('Pod shop/same');
  });

  it("a drain of a custom resource of kind Node is refused before anything is asked of the API server (it would evict the node's pods)", async () => {
    // No cluster behind this config: a drain that went on would fail on its first request instead.
    const kc = new KubeConfig();
    await expect(drainNode(kc, ref('Node', 'evil.example.com', 'nodes', null), { timeoutMs: 1000 } as Parameters<typeof drainNode>[2])).rejects.toThrow(
      'only Nodes can be drained (Node (nodes.evil.example.com) same cannot)',
    );
  });
});
