/** Which printer serves which resource type. */
import type { ResourceType } from '../api/resource-types.js';
import type { Printer } from './columns.js';
import { configMapPrinter, endpointsPrinter, eventPrinter, namespacePrinter, nodePrinter, pvcPrinter, pvPrinter, secretPrinter, serviceAccountPrinter, servicePrinter } from './core-printers.js';
import { customPrinter } from './custom-printer.js';
import { defaultPrinter, ingressClassPrinter, ingressPrinter, leasePrinter, podDisruptionBudgetPrinter, roleBindingPrinter, storageClassPrinter } from './other-printers.js';
import { podPrinter } from './pod-printer.js';
import { cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter, statefulSetPrinter } from './workload-printers.js';

const BY_ID: Record<string, Printer> = {
  '/v1/pods': podPrinter,
  '/v1/namespaces': namespacePrinter,
  '/v1/services': servicePrinter,
  '/v1/nodes': nodePrinter,
  '/v1/configmaps': configMapPrinter,
  '/v1/secrets': secretPrinter,
  '/v1/serviceaccounts': serviceAccountPrinter,
  '/v1/endpoints': endpointsPrinter,
  '/v1/events': eventPrinter,
  '/v1/persistentvolumes': pvPrinter,
  '/v1/persistentvolumeclaims': pvcPrinter,
  'apps/v1/deployments': deploymentPrinter,
  'apps/v1/replicasets': replicaSetPrinter,
  'apps/v1/statefulsets': statefulSetPrinter,
  'apps/v1/daemonsets': daemonSetPrinter,
  'batch/v1/jobs': jobPrinter,
  'batch/v1/cronjobs': cronJobPrinter,
  'networking.k8s.io/v1/ingresses': ingressPrinter,
  'networking.k8s.io/v1/ingressclasses': ingressClassPrinter,
  'storage.k8s.io/v1/storageclasses': storageClassPrinter,
  'coordination.k8s.io/v1/leases': leasePrinter,
  'policy/v1/poddisruptionbudgets': podDisruptionBudgetPrinter,
  'rbac.authorization.k8s.io/v1/rolebindings': roleBindingPrinter,
  'rbac.authorization.k8s.io/v1/clusterrolebindings': roleBindingPrinter,
};

const customCache = new WeakMap<ResourceType, Printer>();

export function printerFor(rt: ResourceType): Printer {
  if (rt.custom) {
    let p = customCache.get(rt);
    if (!p) {
      p = customPrinter(rt.printerColumns ?? []);
      customCache.set(rt, p);
    }
    return p;
  }
  return BY_ID[rt.id] ?? defaultPrinter;
}
