import { z } from 'zod';

/** Pane type keys are kebab-case: `resource-list`, `app-logs`, `smoke-test`. */
export const PANE_KEY_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const ViewSpecSchema = z.object({
  key: z.string().min(1).max(64),
  args: z.record(z.string(), z.unknown()).optional(),
});
/** What a pane is: a registry key plus arguments, e.g. `{ key: "resource-list", args: { kind: "pods" } }`. */
export type ViewSpec = z.infer<typeof ViewSpecSchema>;
