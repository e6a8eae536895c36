import { z } from 'zod';
import { isPermission, PERMISSIONS } from '../plugins/abi.js';

const KeyOrKeys = z.union([z.string(), z.array(z.string())]);

export const GeneralSchema = z
  .object({
    tick_rate_ms: z.number().int().min(50).max(60_000).default(250),
    /** What a new tab opens with: a pane type (`help`, `empty`) or a resource kind (`pods`). */
    default_view: z.string().default('pods'),
    log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    show_managed_fields: z.boolean().default(false),
  })
  .strict();

export const PluginEntrySchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'plugin keys must be kebab-case, e.g. pod-health'),
    path: z.string().min(1),
    permissions: z
      .array(z.string().refine(isPermission, { error: (iss) => `unknown permission '${String(iss.input)}' (known: ${PERMISSIONS.join(', ')})` }))
      .default([]),
    keybinding: z.string().optional(),
    timeout_ms: z.number().int().min(10).max(60_000).optional(),
    max_instances: z.number().int().min(1).max(256).optional(),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

export const ConfigSchema = z
  .object({
    general: GeneralSchema.default(GeneralSchema.parse({})),
    keybindings: z.record(z.string(), z.record(z.string(), KeyOrKeys)).default({}),
    plugins: z.array(PluginEntrySchema).default([]),
    views: z.record(z.string(), z.object({ columns: z.array(z.string()) }).strict()).default({}),
    theme: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type PluginEntry = z.infer<typeof PluginEntrySchema>;

export const DEFAULT_CONFIG: Config = ConfigSchema.parse({});
