import { defineQueryPaneSuite } from './query-suite.js';

/** The query pane on the demo's embedded PostgreSQL: PGlite behind kube-sim's port-forward (the pod's annotation). */
defineQueryPaneSuite('the demo engine (PGlite)', {
  prepare: async (_sim, ns) => ({ podAnnotations: { 'kube-sim.kubetile.dev/postgres': `${ns}/db` } }),
  banner: /Connected — PostgreSQL 1\d/,
});
