import { z } from 'zod';
import { isPermission, PERMISSIONS } from '../plugins/abi.js';
import { PLAIN_VARS, unknownVariables } from '../commands/command-vars.js';

const KeyOrKeys = z.union([z.string().max(64), z.array(z.string().max(64)).max(16)]);

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
    /** Consent given in the config: the plugin may run with these without asking (headless use). */
    grant: z
      .array(z.string().refine(isPermission, { error: (iss) => `unknown permission '${String(iss.input)}' in grant (known: ${PERMISSIONS.join(', ')})` }))
      .default([]),
    keybinding: z.string().optional(),
    timeout_ms: z.number().int().min(10).max(60_000).optional(),
    max_instances: z.number().int().min(1).max(256).optional(),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

/** A declarative command (`[[commands]]`): a program run on the selected object, output in a pane. */
export const CommandEntrySchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'command names are kebab-case, e.g. tail-app'),
    key: z.string().min(1).max(64),
    description: z.string().max(200).optional(),
    /** Kinds it applies to (`pods`, `po`, `Deployment`, `certificates.cert-manager.io`) or `all`. */
    scopes: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, 'a scope names a kind (plural, singular or short name) or is all')).min(1).max(64),
    /**
     * The program: a name looked up on PATH, or an absolute path (`~/` is the home directory); run
     * directly, never through a shell. A relative path is refused: the daemon runs in `/`.
     */
    command: z
      .string()
      .min(1)
      .max(4096)
      .refine((c) => !c.includes('/') || c.startsWith('/') || c.startsWith('~/'), {
        error: (iss) => `command ${JSON.stringify(String(iss.input).slice(0, 200))} is a relative path, which would be looked up from / (where the daemon runs): write it absolute (/… or ~/…), or a program name found on PATH`,
      }),
    args: z
      .array(
        z
          .string()
          .max(4096)
          .refine((a) => unknownVariables(a).length === 0, {
            error: (iss) => `unknown variable ${unknownVariables(String(iss.input)).join(', ')} (known: ${PLAIN_VARS.map((v) => `$${v}`).join(', ')}, $LABELS.<key>; $NAMES and $OBJECTS as args of their own; $$ for a literal $)`,
          }),
      )
      .max(256)
      .default([]),
    /** Ask before running (the dialog shows the command line). */
    confirm: z.boolean().default(false),
    /** Changes things: always asks, and is refused when kubetile runs read-only. */
    dangerous: z.boolean().default(false),
  })
  .strict();

export const LogsSchema = z
  .object({
    /** Lines fetched when a logs pane opens (then it follows). */
    tail_lines: z.number().int().min(0).max(100_000).default(1000),
    /** A logs pane keeps at most this many lines… */
    max_lines: z.number().int().min(100).max(1_000_000).default(50_000),
    /** …and at most this many bytes of them (the oldest go first; the pane says so). */
    max_bytes: z.number().int().min(64 * 1024).max(512 * 1024 * 1024).default(16 * 1024 * 1024),
    /** Where ctrl+s (save) and ctrl+e (download) write. */
    download_dir: z.string().min(1).max(4096).default('~/Downloads'),
  })
  .strict();

export const ExecSchema = z
  .object({
    /** Shells tried in order in the container; the first one found runs. */
    shells: z.array(z.string().regex(/^[A-Za-z0-9_./-]+$/, 'a shell is a program name or path')).min(1).max(8).default(['zsh', 'bash', 'sh']),
    /** Lines of scrollback each exec screen keeps (shared by every client that shows it). */
    scrollback: z.number().int().min(0).max(100_000).default(5000),
  })
  .strict();

export const QuerySchema = z
  .object({
    /** Rows a query pane reads at first; `m` fetches this many more from the open cursor. */
    row_cap: z.number().int().min(1).max(100_000).default(500),
    /** Text a result may hold (all its rows); reading stops beyond it and the pane says so. */
    max_result_bytes: z.number().int().min(64 * 1024).max(512 * 1024 * 1024).default(32 * 1024 * 1024),
    /** A table column is at most this wide; longer values are cut with … (v shows a row whole). */
    max_column_width: z.number().int().min(8).max(400).default(40),
    /**
     * How long the rest of a result longer than row_cap stays fetchable with `m`: its open cursor keeps
     * a transaction and the tables' locks on the server, so after this many seconds without `m` it is
     * closed (the rows fetched stay; running the query again fetches the rest).
     */
    cursor_idle_seconds: z.number().int().min(1).max(3600).default(30),
    /** How long connecting may take: reaching the server and logging in, then its answer to kubetile's first query — each. */
    connect_timeout_seconds: z.number().int().min(1).max(600).default(30),
  })
  .strict();

export const ConfigSchema = z
  .object({
    general: GeneralSchema.default(GeneralSchema.parse({})),
    /** Refuse every plugin write (k8s_write) and every dangerous [[commands]] entry, as `kubetile daemon run --readonly` does. */
    readonly: z.boolean().default(false),
    logs: LogsSchema.default(LogsSchema.parse({})),
    exec: ExecSchema.default(ExecSchema.parse({})),
    query: QuerySchema.default(QuerySchema.parse({})),
    keybindings: z.record(z.string(), z.record(z.string(), KeyOrKeys)).default({}),
    plugins: z.array(PluginEntrySchema).default([]),
    commands: z.array(CommandEntrySchema).max(256).default([]),
    views: z
      .record(
        z.string(),
        z
          .object({
            columns: z.array(z.string()).optional(),
            /** Start this kind's lists wide (`-o wide`: NODE and IP on pods); the wide key toggles it per pane. */
            wide: z.boolean().optional(),
          })
          .strict(),
      )
      .default({}),
    /** `:` names of your own: `dp = "deployments"`, `cr = "certificates.cert-manager.io"` (k9s aliases). */
    aliases: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'an alias is a lower-case name (letters, digits, - and .)'),
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, 'an alias names a kind: a plural, singular or short name, optionally .group'),
      )
      .default({}),
    /** `s` on a node: the privileged pod that opens a shell on it (k9s "node shell"). */
    node_shell: z
      .object({
        image: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\/:@-]{0,254}$/, 'an image reference').default('busybox:1.36'),
        namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name').max(63).default('default'),
      })
      .strict()
      .default({ image: 'busybox:1.36', namespace: 'default' }),
    /** Ephemeral debug containers (`kubectl debug`): the image offered first. */
    debug: z
      .object({
        image: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\/:@-]{0,254}$/, 'an image reference').default('busybox:1.36'),
      })
      .strict()
      .default({ image: 'busybox:1.36' }),
    theme: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type PluginEntry = z.infer<typeof PluginEntrySchema>;
export type CommandEntry = z.infer<typeof CommandEntrySchema>;

export const DEFAULT_CONFIG: Config = ConfigSchema.parse({});
