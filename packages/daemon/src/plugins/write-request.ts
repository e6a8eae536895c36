import { z } from 'zod';

/** A patch bigger than this (as JSON) is refused: it has to fit a dialog the user can read. */
export const PATCH_MAX_BYTES = 16 * 1024;
/** Replicas a plugin may ask for. */
export const REPLICAS_MAX = 10_000;

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RESOURCE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `k8s_write`'s request. `kind` is named as in the permission: the plural, or plural.group. */
export const WriteRequestSchema = z
  .object({
    verb: z.enum(['patch', 'delete', 'scale']),
    kind: z.string().max(253).regex(RESOURCE, 'a resource plural like pods, or plural.group'),
    /** Default: the pane's namespace (ignored for cluster-scoped kinds). */
    namespace: z.string().max(63).regex(LABEL, 'a namespace name').optional(),
    name: z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'an object name'),
    /** The object the plugin means; a different object of that name is refused. */
    uid: z.string().min(1).max(128).regex(/^[A-Za-z0-9-]+$/, 'a uid').optional(),
    patch: z.record(z.string(), z.unknown()).optional(),
    replicas: z.number().int().min(0).max(REPLICAS_MAX).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.verb === 'patch' && r.patch === undefined) ctx.addIssue({ code: 'custom', path: ['patch'], message: 'a patch write needs `patch` (a JSON merge patch object)' });
    if (r.verb === 'scale' && r.replicas === undefined) ctx.addIssue({ code: 'custom', path: ['replicas'], message: 'a scale write needs `replicas`' });
    if (r.verb !== 'patch' && r.patch !== undefined) ctx.addIssue({ code: 'custom', path: ['patch'], message: `\`patch\` is for verb patch, not ${r.verb}` });
    if (r.verb !== 'scale' && r.replicas !== undefined) ctx.addIssue({ code: 'custom', path: ['replicas'], message: `\`replicas\` is for verb scale, not ${r.verb}` });
    if (r.patch !== undefined && Buffer.byteLength(JSON.stringify(r.patch), 'utf8') > PATCH_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['patch'], message: `the patch is over ${PATCH_MAX_BYTES / 1024} KiB` });
    }
  });
export type WriteRequest = z.infer<typeof WriteRequestSchema>;
