import type { AppCommand } from '../keys/actions.js';
import type { ResourceActionName } from './resource-actions.js';

/**
 * Read-only mode (`--readonly`, or `readonly = true` in the config; k9s's readOnly): everything
 * that changes the cluster or runs something in it is off — delete, force delete, scale, restart, edit, cordon,
 * uncordon, drain, trigger, suspend, resume, set image, debug mode, debug containers, node shells and exec — for keys and scripts alike, as plugin writes and
 * dangerous `[[commands]]` are. Reading stays: lists, YAML, describe, logs, port-forwards.
 */

/** What each app command that writes is called in the refusal. */
export const WRITE_COMMANDS: Partial<Record<AppCommand, string>> = {
  delete: 'delete',
  kill: 'force delete',
  scale: 'scale',
  restart_rollout: 'restart rollout',
  cordon: 'cordon',
  uncordon: 'uncordon',
  drain: 'drain',
  trigger: 'trigger',
  set_image: 'set image',
  edit: 'edit',
  debug_mode: 'debug mode',
  root_debug_mode: 'root debug mode',
  debug_container: 'debug containers',
  exec: 'exec (a shell in a container)',
};

/** What each `resource/action` that writes is called in the refusal (scripts' side of the same table). */
export const WRITE_ACTIONS: Partial<Record<ResourceActionName, string>> = {
  delete: 'delete',
  kill: 'force delete',
  scale: 'scale',
  restart: 'restart rollout',
  cordon: 'cordon',
  uncordon: 'uncordon',
  drain: 'drain',
  trigger: 'trigger',
  suspend: 'suspend',
  resume: 'resume',
  'set-image': 'set image',
  debug: 'debug mode and debug containers',
  exec: 'exec (a shell in a container)',
};

/** The refusal of `what` while read-only. */
export const readOnlyRefusal = (what: string): string => `kubetile runs read-only (--readonly, or readonly = true in the config): ${what} is off`;
