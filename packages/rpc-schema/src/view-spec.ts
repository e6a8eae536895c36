import { z } from 'zod';
import { jsonSize, tooDeepAt } from './json-bounds.js';

/** Pane type keys are kebab-case: `resource-list`, `app-logs`, `smoke-test`. */
export const PANE_KEY_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * A pane's args are kept for its life, listed by `pane/list` to every client and saved with the
 * session: they are bounded in nesting and in size so no one pane can break those for everyone.
 */
export const VIEW_ARGS_MAX_DEPTH = 16;
export const VIEW_ARGS_MAX_BYTES = 64 * 1024;

const ViewArgsSchema = z.record(z.string(), z.unknown()).superRefine((args, ctx) => {
  const deep = tooDeepAt(args, VIEW_ARGS_MAX_DEPTH);
  if (deep !== null) {
    ctx.addIssue({ code: 'custom', message: `nested more than ${VIEW_ARGS_MAX_DEPTH} levels deep (at ${deep === '(params)' ? 'args' : `args.${deep}`})` });
    return;
  }
  const size = jsonSize(args);
  if (size === null) ctx.addIssue({ code: 'custom', message: 'must be plain JSON' });
  else if (size > VIEW_ARGS_MAX_BYTES) ctx.addIssue({ code: 'custom', message: `${size} bytes of JSON, more than the ${VIEW_ARGS_MAX_BYTES} allowed` });
});

export const ViewSpecSchema = z.object({
  key: z.string().min(1).max(64),
  args: ViewArgsSchema.optional(),
});
/** What a pane is: a registry key plus arguments, e.g. `{ key: "resource-list", args: { kind: "pods" } }`. */
export type ViewSpec = z.infer<typeof ViewSpecSchema>;
