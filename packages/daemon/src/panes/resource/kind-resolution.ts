/** KubeTile's 14 built-in kinds, by the ids the `:` switcher and ViewSpec args use. */
const BUILTIN_IDS = [
  'pods', 'deployments', 'services', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs',
  'configmaps', 'secrets', 'ingresses', 'nodes', 'namespaces', 'persistentvolumes', 'persistentvolumeclaims',
];

export function builtinKindIds(): string[] {
  return [...BUILTIN_IDS];
}
