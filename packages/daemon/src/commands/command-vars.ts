/**
 * Variables of a `[[commands]]` entry's args (k9s plugin style): `$NAME`, `${NAMESPACE}`,
 * `$LABELS.app`… replaced by the selected object's values. Each arg stays one argv entry: values go
 * to the program as they are, never through a shell, so nothing in an object can inject a command.
 */

/** Variables every target has. */
export const PLAIN_VARS = ['NAMESPACE', 'NAME', 'CONTEXT', 'KIND', 'RESOURCE', 'UID', 'CONTAINER', 'KUBECONFIG'] as const;
export type PlainVar = (typeof PLAIN_VARS)[number];

/** Variables that stand for every marked object (or the selected one): an arg of their own, one arg each. */
export const LIST_VARS = ['NAMES', 'OBJECTS'] as const;
export type ListVar = (typeof LIST_VARS)[number];

/** Values for one object (plain variables, its labels: `$LABELS.<key>`), and the lists of all acted on. */
export interface CommandVars {
  plain: Record<PlainVar, string>;
  labels: Readonly<Record<string, string>>;
  /** NAMES: each object's name; OBJECTS: each one's namespace/name (name when cluster-scoped). */
  lists: Record<ListVar, readonly string[]>;
}

/** The list variable an arg is, whole (`$NAMES`, `${OBJECTS}`), or null. */
export function listVarOf(arg: string): ListVar | null {
  const m = /^\$(?:\{([A-Z]+)\}|([A-Z]+))$/.exec(arg);
  const name = m?.[1] ?? m?.[2];
  return name !== undefined && (LIST_VARS as readonly string[]).includes(name) ? (name as ListVar) : null;
}

/** `$$` (a literal $), `${VAR}` / `${LABELS.key}`, `$VAR` / `$LABELS.key`. */
const TOKEN = /\$\$|\$\{([A-Z_]+(?:\.[A-Za-z0-9._/-]+)?)\}|\$([A-Z_]+(?:\.[A-Za-z0-9._/-]*[A-Za-z0-9])?)/g;

const isPlain = (v: string): v is PlainVar => (PLAIN_VARS as readonly string[]).includes(v);

/** The variables an arg names that do not exist (for a config error naming them). */
export function unknownVariables(arg: string): string[] {
  if (listVarOf(arg)) return [];
  const bad: string[] = [];
  for (const m of arg.matchAll(TOKEN)) {
    const name = m[1] ?? m[2];
    if (name === undefined) continue;
    if (isPlain(name)) continue;
    if ((LIST_VARS as readonly string[]).includes(name)) {
      bad.push(`$${name} (it must be an arg of its own: it becomes one arg per object)`);
      continue;
    }
    if (name.startsWith('LABELS.') && name.length > 'LABELS.'.length) continue;
    bad.push(`$${name}`);
  }
  return bad;
}

/** Whether any arg needs the object itself (its labels or containers), not only its reference. */
export const needsObject = (args: readonly string[]): boolean => args.some((a) => /\$\{?(LABELS\.|CONTAINER\b)/.test(a));

/** The argv for `args`: a list variable becomes one arg per object, any other arg one arg. */
export function expandArgs(args: readonly string[], vars: CommandVars): string[] {
  return args.flatMap((a) => {
    const list = listVarOf(a);
    return list ? [...vars.lists[list]] : [expandArg(a, vars)];
  });
}

/** One arg with its variables replaced (an unknown one — refused by the config — is left as written). */
export function expandArg(arg: string, vars: CommandVars): string {
  return arg.replace(TOKEN, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare;
    if (name === undefined) return '$';
    if (isPlain(name)) return vars.plain[name];
    if (name.startsWith('LABELS.')) return vars.labels[name.slice('LABELS.'.length)] ?? '';
    return whole;
  });
}

/**
 * The first arg that an object's value made an option, or null: an arg not written with a leading
 * `-` that starts with one once expanded (`$NAME` of a Role named `--kubeconfig=evil`: Kubernetes lets
 * some kinds have such names), or such a value of `$NAMES`/`$OBJECTS`. A program would read it as
 * an option, not as the object. Args after a `--` arg are operands and are not checked.
 */
export function injectedOption(args: readonly string[], vars: CommandVars): { arg: string; value: string } | null {
  for (const a of args) {
    if (a === '--') return null;
    const list = listVarOf(a);
    const values = list ? vars.lists[list] : a.startsWith('-') ? [] : [expandArg(a, vars)];
    const value = values.find((v) => v.startsWith('-'));
    if (value !== undefined) return { arg: a, value };
  }
  return null;
}

/** The environment a command also gets its values in (as k9s does): NAMESPACE, NAME, … */
export function varsEnv(vars: CommandVars): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PLAIN_VARS) if (k !== 'KUBECONFIG' || vars.plain.KUBECONFIG) env[k] = vars.plain[k];
  return env;
}

/**
 * What would let a value draw on a dialog instead of being shown: line breaks, controls, and the
 * marks that reorder text (bidi overrides and isolates).
 */
const UNSHOWABLE_CHAR = '[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]';
const UNSHOWABLE = new RegExp(UNSHOWABLE_CHAR, 'g');
const HAS_UNSHOWABLE = new RegExp(UNSHOWABLE_CHAR);

const escapeChar = (ch: string): string => {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  const code = ch.charCodeAt(0);
  return named[ch] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
};

/** Text a value of an object puts in a dialog's line: its line breaks and controls as escapes (`\n`, `\x1b`). */
export const visibleText = (s: string): string => s.replace(UNSHOWABLE, escapeChar);

/**
 * An argv shown to a person (a confirmation): each arg quoted when a shell would split it, one
 * holding line breaks or controls as `$'…'` with them escaped (it cannot draw lines of its own).
 */
export function showArgv(argv: readonly string[]): string {
  return argv
    .map((a) => {
      if (a !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a)) return a;
      if (HAS_UNSHOWABLE.test(a)) return `$'${a.replace(/[\\']/g, '\\$&').replace(UNSHOWABLE, escapeChar)}'`;
      return `'${a.replace(/'/g, `'\\''`)}'`;
    })
    .join(' ');
}
