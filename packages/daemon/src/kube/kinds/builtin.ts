import { cronJobsKind, jobsKind } from './batch.js';
import { configMapsKind, secretsKind } from './config.js';
import { ingressesKind } from './ingresses.js';
import { namespacesKind } from './namespaces.js';
import { nodesKind } from './nodes.js';
import { podsKind } from './pods.js';
import { servicesKind } from './services.js';
import { persistentVolumeClaimsKind, persistentVolumesKind } from './storage.js';
import type { KindDef } from './types.js';
import { daemonSetsKind, deploymentsKind, statefulSetsKind } from './workloads.js';
import { EXTRA_KINDS } from './more-kinds.js';

/** KubeTile's 14 kinds, in the order the `:` switcher lists them. */
export const BUILTIN_KINDS: readonly KindDef[] = Object.freeze([
  podsKind,
  deploymentsKind,
  servicesKind,
  statefulSetsKind,
  daemonSetsKind,
  jobsKind,
  cronJobsKind,
  configMapsKind,
  secretsKind,
  ingressesKind,
  nodesKind,
  namespacesKind,
  persistentVolumesKind,
  persistentVolumeClaimsKind,
]);

/** The built-ins, then the other kinds kubectl prints with columns of their own (ReplicaSets, Events, RBAC…). */
export const KNOWN_KINDS: readonly KindDef[] = Object.freeze([...BUILTIN_KINDS, ...EXTRA_KINDS]);
