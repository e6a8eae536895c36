import { describe, expect, it } from 'vitest';
import { EventFeed } from '../../src/plugins/event-feed.js';
import { unavailableKubeAccess, type PluginKubeAccess } from '../../src/plugins/kube-access.js';
import { silent } from './helpers.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('EventFeed in a tab showing all namespaces', () => {
  it("watches all namespaces (null), never a namespace named '*' (an informer that can only fail, shared with the user's own all-namespaces lists)", async () => {
    const watched: Array<string | null> = [];
    const kube: PluginKubeAccess = {
      ...unavailableKubeAccess,
      resolveResource: async (_ctx, name) => ({ group: '', version: 'v1', plural: name, kind: 'Pod', namespaced: true }),
      watch: (_ctx, _r, namespace) => {
        watched.push(namespace);
        return () => undefined;
      },
    };
    const feed = new EventFeed(kube, ['k8s:list:pods', 'k8s:list:configmaps:ns=kube-system'], silent, () => undefined);
    feed.follow({ context: 'c', namespace: '*' });
    await settle();
    expect(watched.sort()).toEqual(['kube-system', null]);
    feed.close();
  });
});
