import { z } from 'zod';
import { badObjectName } from '../../kube/object-ref.js';
import { badNamespace } from '../../kube/resource-ref.js';
import { badContainer, type LogHistory } from '../../kube/logs/log-request.js';

/** The kinds `l` works on: a pod, or a workload whose selector picks pods. */
export const LOG_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet', 'Service'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** The since-window picker's choices (`tail` is the default: the last `tail_lines` lines). */
export const SINCE_CHOICES = ['tail', '1m', '5m', '15m', '1h', 'all'] as const;
export type SinceChoice = (typeof SINCE_CHOICES)[number];

const SINCE_SECONDS: Record<Exclude<SinceChoice, 'tail' | 'all'>, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600 };

export function historyFor(since: SinceChoice, tailLines: number): LogHistory {
  if (since === 'tail') return { tail: tailLines };
  if (since === 'all') return { all: true };
  return { sinceSeconds: SINCE_SECONDS[since] };
}

export const sinceLabel = (since: SinceChoice, tailLines: number): string => (since === 'tail' ? `last ${tailLines} lines` : since === 'all' ? 'all' : `since ${since}`);

const name = (field: string) => z.string().superRefine((v, ctx) => {
  const bad = badObjectName(v, field);
  if (bad) ctx.addIssue({ code: 'custom', message: bad });
});

/** A logs pane's arguments (from `l`, `resource/action`, or a script's `pane/open`: validated either way). */
export const LogsArgsSchema = z
  .object({
    context: z.string().min(1).max(253),
    namespace: z.string().superRefine((v, ctx) => {
      const bad = badNamespace(v);
      if (bad) ctx.addIssue({ code: 'custom', message: bad });
    }),
    kind: z.enum(LOG_KINDS).default('Pod'),
    name: name('name'),
    uid: z.string().max(128).optional(),
    /** One container; absent with `allContainers` or when the pod has one. */
    container: z
      .string()
      .superRefine((v, ctx) => {
        const bad = badContainer(v);
        if (bad) ctx.addIssue({ code: 'custom', message: bad });
      })
      .optional(),
    allContainers: z.boolean().optional(),
    previous: z.boolean().optional(),
    since: z.enum(SINCE_CHOICES).optional(),
    timestamps: z.boolean().optional(),
  })
  .strip();

export type LogsArgs = z.infer<typeof LogsArgsSchema>;

/** Parsed args, or a message naming what is wrong. */
export function parseLogsArgs(args: Record<string, unknown>): { ok: true; args: LogsArgs } | { ok: false; error: string } {
  if (args.name === undefined) {
    return { ok: false, error: 'a logs pane shows the logs of one pod or workload: press l on it in a list, or give args {context, namespace, name} (kind, container optional)' };
  }
  const r = LogsArgsSchema.safeParse(args);
  if (r.success) return { ok: true, args: r.data };
  const issue = r.error.issues[0];
  const path = issue?.path.join('.') || 'args';
  return { ok: false, error: `bad logs pane arguments: ${path}: ${issue?.message ?? 'invalid'}` };
}
