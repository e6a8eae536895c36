import { describe, expect, it } from 'vitest';
import { allows, isPermission, parseKubePermission } from '../../src/plugins/permissions.js';

describe('plugin permissions', () => {
  it('knows clipboard:write, k8s:get:secrets and k8s:<list|patch|delete|scale>:<resource>[:ns=N]', () => {
    for (const p of ['clipboard:write', 'k8s:get:secrets', 'k8s:list:pods', 'k8s:list:certificates.cert-manager.io', 'k8s:delete:pods:ns=dev', 'k8s:scale:deployments', 'k8s:patch:configmaps:ns=kube-system', 'k8s:get:secrets:ns=dev']) {
      expect(isPermission(p), p).toBe(true);
    }
    for (const p of ['k8s:destroy:pods', 'k8s:list:Pods', 'k8s:list:', 'k8s:list:pods:ns=', 'k8s:list:pods:ns=Dev', 'k8s:list:pods:namespace=dev', 'k8s:list:../x', 'k8s:get:pods', 'k8s:get:configmaps:ns=dev', `k8s:list:${'a'.repeat(400)}`, 'clipboard:read']) {
      expect(isPermission(p), p).toBe(false);
    }
    expect(parseKubePermission('k8s:delete:pods:ns=dev')).toEqual({ verb: 'delete', resource: 'pods', namespace: 'dev' });
  });

  it('a namespaced permission holds in its namespace only; an unscoped one everywhere, cluster-scoped objects included', () => {
    const pods = { plural: 'pods', group: '' };
    expect(allows(['k8s:delete:pods:ns=dev'], 'delete', pods, 'dev')).toBe(true);
    expect(allows(['k8s:delete:pods:ns=dev'], 'delete', pods, 'prod')).toBe(false);
    expect(allows(['k8s:delete:pods:ns=dev'], 'delete', pods, null)).toBe(false);
    expect(allows(['k8s:delete:pods'], 'delete', pods, 'prod')).toBe(true);
    expect(allows(['k8s:delete:pods'], 'patch', pods, 'prod')).toBe(false);
    expect(allows(['k8s:delete:nodes'], 'delete', { plural: 'nodes', group: '' }, null)).toBe(true);
    const deploy = { plural: 'deployments', group: 'apps' };
    expect(allows(['k8s:scale:deployments'], 'scale', deploy, 'dev')).toBe(true);
    expect(allows(['k8s:scale:deployments.apps'], 'scale', deploy, 'dev')).toBe(true);
    expect(allows(['k8s:scale:deployments.other.io'], 'scale', deploy, 'dev')).toBe(false);
  });
});
