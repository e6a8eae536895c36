/**
 * Plugin permissions: what each one allows, and the host's check of a request against them.
 * Declared in @kubetile/rpc-schema (plugin-permissions.ts), shared with the SDK's build check.
 */
export {
  allows,
  hasVerb,
  isPermission,
  listsPods,
  neededPermission,
  parseKubePermission,
  PERMISSION_FORMS,
  resourceNames,
  WRITE_VERBS,
  type KubePermission,
  type KubeVerb,
  type WriteVerb,
} from '@kubetile/rpc-schema/plugin-abi';
