import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeSim } from '@kubetile/kube-sim';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { openPortForward } from '../../src/kube/portforward/pf-stream.js';
import type { DbTarget } from '../../src/query/backend.js';
import { PgSession } from '../../src/query/pg-session.js';
import { simWithPod } from './sim-pod.js';

/**
 * A query pane pointed at a port that is not PostgreSQL's (kube-sim's pod ports echo what is not
 * HTTP, as many a TCP service would answer something) fails at once, saying so, through the real
 * port-forward: the driver alone waited for its 30 s connect timeout and then said "timeout expired".
 */

const NS = 'notpg';
let sim: KubeSim;
let kc: KubeConfig;

beforeAll(async () => {
  ({ sim, kc } = await simWithPod(NS, { name: 'api-0', container: { name: 'api', image: 'shop/api:1.0', ports: [{ containerPort: 8080 }] } }));
});
afterAll(async () => {
  await sim?.stop();
});

describe('a query session on a port that is not PostgreSQL', () => {
  it('fails at once, naming the pod, the port and what came back', async () => {
    const target: DbTarget = { context: 'sim', namespace: NS, pod: 'api-0', container: null, database: 'postgres', user: 'postgres', password: 'x', port: 8080 };
    const session = new PgSession(target, (signal) => openPortForward(kc, { namespace: NS, pod: 'api-0', port: 8080 }, { signal }));
    try {
      await expect(session.connect()).rejects.toThrow(/notpg\/api-0:8080 does not speak PostgreSQL \(it answered ".*"\): is 8080 the database's port\?/);
    } finally {
      session.close();
    }
  });
});
