import type { Contract } from './contract.js';

/**
 * The attach path checked by hand — daemon/hello, session/attach, client/key, client/resize,
 * session/detach and every notification — following rpc-schema's zod schemas field by field
 * (test/light-contract.test.ts holds the two to agreement). It lets the client paint its first
 * frame without loading zod; the client switches to the schema contract once zod has loaded.
 */

/** An error message naming the path, or null when the value fits. */
type Check = (v: unknown, path: string) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/**
 * Whether checks build the paths they pass down. A message is checked first without (every field of
 * a 160×50 list's view, every frame: a path string per field, none of them used when the message
 * fits); only a message that does not fit is checked again with paths, for an error that names the
 * field (`checked`). The checks are pure: the second run finds the same first error.
 */
let naming = false;
const at = (path: string, key: string | number): string => (naming ? (path ? `${path}.${key}` : String(key)) : path);
const expected = (what: string, path: string, v: unknown): string =>
  `${path || '(params)'}: expected ${what}, received ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}`;

const str: Check = (v, p) => (typeof v === 'string' ? null : expected('string', p, v));
const strMax = (max: number): Check => (v, p) => str(v, p) ?? ((v as string).length <= max ? null : `${p}: too long (at most ${max})`);
const bool: Check = (v, p) => (typeof v === 'boolean' ? null : expected('boolean', p, v));
const num: Check = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? null : expected('number', p, v));
const int =
  (min = -Infinity, max = Infinity): Check =>
  (v, p) =>
    typeof v !== 'number' || !Number.isInteger(v) ? expected('integer', p, v) : v < min || v > max ? `${p}: out of range ${min}..${max}` : null;
const literal =
  (...values: readonly unknown[]): Check =>
  (v, p) =>
    values.includes(v) ? null : `${p || '(params)'}: expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
const opt =
  (c: Check): Check =>
  (v, p) =>
    v === undefined ? null : c(v, p);
const nullable =
  (c: Check): Check =>
  (v, p) =>
    v === null ? null : c(v, p);
const union =
  (...cs: Check[]): Check =>
  (v, p) => {
    let first: string | null = null;
    for (const c of cs) {
      const e = c(v, p);
      if (e === null) return null;
      first ??= e;
    }
    return first;
  };
function arr(c: Check, max = Infinity): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return expected('array', p, v);
    if (v.length > max) return `${p}: too many items (at most ${max})`;
    for (let i = 0; i < v.length; i++) {
      const e = c(v[i], at(p, i));
      if (e) return e;
    }
    return null;
  };
}
function rec(c: Check): Check {
  return (v, p) => {
    if (!isObject(v)) return expected('object', p, v);
    for (const k of Object.keys(v)) {
      const e = c(v[k], at(p, k));
      if (e) return e;
    }
    return null;
  };
}
function obj(shape: Record<string, Check>): Check {
  const keys = Object.keys(shape);
  return (v, p) => {
    if (!isObject(v)) return expected('object', p, v);
    for (const k of keys) {
      const e = shape[k]!(v[k], at(p, k));
      if (e) return e;
    }
    return null;
  };
}
/** One of several object shapes chosen by a tag field. */
function tagged(tag: string, variants: Record<string, Check>): Check {
  return (v, p) => {
    if (!isObject(v)) return expected('object', p, v);
    const t = v[tag];
    const c = typeof t === 'string' && Object.hasOwn(variants, t) ? variants[t] : undefined;
    return c ? c(v, p) : `${at(p, tag)}: expected one of ${Object.keys(variants).map((x) => JSON.stringify(x)).join(', ')}`;
  };
}

// pane-view.ts
const style = literal('normal', 'dim', 'accent', 'ok', 'warn', 'error', 'header', 'selected', 'match');
const TERMINAL_MAX = 1000;
const termColor = union(int(0, 255), (v, p) => (typeof v === 'string' && /^#[0-9a-f]{6}$/.test(v) ? null : `${p}: expected a colour index or #rrggbb`));
const textLook = { fg: opt(termColor), bg: opt(termColor), bold: opt(bool), dim: opt(bool), italic: opt(bool), underline: opt(bool) };
const span = obj({ text: str, style: opt(style), ...textLook });
const line = obj({ text: str, style: opt(style), spans: opt(arr(span)) });
const column = obj({ id: str, title: str, width: opt(int(0)), align: opt(literal('left', 'right')) });
const row = obj({ id: str, cells: rec(str), styles: opt(rec(style)), looks: opt(rec(obj(textLook))) });
const common = { title: str, badge: opt(str), footer: opt(str) };
const termRun = obj({
  text: strMax(8192),
  fg: opt(termColor),
  bg: opt(termColor),
  bold: opt(bool),
  dim: opt(bool),
  italic: opt(bool),
  underline: opt(bool),
  inverse: opt(bool),
});
const paneView = tagged('type', {
  table: obj({
    ...common,
    columns: arr(column),
    rows: arr(row),
    offset: int(0),
    total: int(0),
    unfiltered: int(0),
    selected: nullable(int()),
    sort: opt(obj({ column: str, order: literal('asc', 'desc') })),
    filter: opt(str),
    empty: opt(str),
    caption: opt(arr(line)),
    rowsOf: opt(int(0)),
  }),
  lines: obj({ ...common, lines: arr(line), offset: int(0), total: int(0), cursor: opt(nullable(int())), follow: opt(bool), wrap: opt(bool) }),
  message: obj({ ...common, level: literal('info', 'loading', 'error'), text: str }),
  terminal: obj({
    ...common,
    rows: arr(arr(termRun, TERMINAL_MAX), TERMINAL_MAX),
    cursor: nullable(obj({ row: int(0, TERMINAL_MAX - 1), col: int(0, TERMINAL_MAX - 1) })),
    scrollback: int(0),
    scrolled: int(0),
  }),
});

// layout.ts, session-layout.ts
const paneTree: Check = tagged('type', {
  leaf: obj({ paneId: int() }),
  split: obj({
    direction: literal('vertical', 'horizontal'),
    ratio: (v, p) => num(v, p) ?? ((v as number) >= 0 && (v as number) <= 1 ? null : `${p}: out of range 0..1`),
    first: (v, p) => paneTree(v, p),
    second: (v, p) => paneTree(v, p),
  }),
});
const sessionLayout = obj({
  session: str,
  clientId: str,
  tabs: arr(
    obj({ id: int(), title: str, tree: paneTree, fullscreenPaneId: nullable(int()), focusedPaneId: int(), context: nullable(str), namespace: str }),
  ),
  activeTabId: int(),
  mode: literal('normal', 'filter', 'search', 'insert', 'selector', 'confirm'),
  input: opt(str),
  overlay: nullable(
    tagged('type', {
      selector: obj({ title: str, query: str, items: arr(str), selected: int(), total: int(), offset: opt(int(0)) }),
      confirm: obj({ title: str, text: str }),
      input: obj({ title: str, value: str }),
    }),
  ),
  status: obj({ context: str, cluster: str, hints: arr(obj({ key: str, label: str })), readonly: opt(bool), namespaces: opt(arr(str)) }),
  paneTitles: rec(str),
  seq: opt(int()),
});

// methods.ts: the attach path's requests and every notification
const ok = obj({ ok: literal(true) });
const RESULTS: ReadonlyMap<string, Check> = new Map([
  [
    'daemon/hello',
    obj({ server: obj({ name: str, version: str, pid: int() }), apiLevel: int(), minApiLevel: opt(int()), maxApiLevel: opt(int()) }),
  ],
  ['session/attach', obj({ clientId: str, layout: sessionLayout })],
  ['session/detach', ok],
  ['client/key', obj({ handled: bool, command: opt(str) })],
  ['client/paste', obj({ handled: bool, command: opt(str) })],
  ['client/resize', ok],
  ['editor/done', ok],
]);
const NOTIFICATIONS: ReadonlyMap<string, Check> = new Map([
  ['session/layout', sessionLayout],
  ['pane/view', obj({ paneId: int(1), seq: int(), view: paneView })],
  ['toast', obj({ level: literal('info', 'success', 'warn', 'error'), text: str })],
  ['plugin/status', obj({ key: str, status: str, error: opt(str) })],
  ['clipboard/write', obj({ text: str })],
  ['editor/open', obj({ editId: str, file: str, text: str })],
  ['session/ended', obj({ session: str, reason: str })],
  ['daemon/exit', obj({ reason: str, restarting: opt(bool) })],
]);

const checked = (c: Check, raw: unknown): ReturnType<Contract['result']> => {
  if (c(raw, '') === null) return { ok: true, value: raw };
  naming = true;
  try {
    return { ok: false, message: c(raw, '') ?? 'does not fit the schema' };
  } finally {
    naming = false;
  }
};

export const LIGHT_CONTRACT: Contract = {
  name: 'light',
  result(method, raw) {
    const c = RESULTS.get(method);
    return c ? checked(c, raw) : { ok: false, message: `${method} is not checked before the schema has loaded` };
  },
  notification(method, raw) {
    const c = NOTIFICATIONS.get(method);
    return c ? checked(c, raw) : undefined;
  },
};

/** The notifications that come with every frame (a key, a watch event): checked by hand even once zod has loaded. */
const HOT = new Set(['pane/view', 'session/layout']);
/**
 * The answer to every key, checked by hand too: with zod, the first key's answer built the schema's
 * checks (normalising and compiling them, ~3 ms measured right after a 100k list loaded) before the
 * frame that came with it was painted.
 */
const HOT_RESULTS = new Set(['client/key']);

/**
 * `schema` for everything but the per-frame notifications (pane/view, session/layout) and the key's
 * answer, which keep the hand checks above: they judge a message as the zod schemas do (test/light-contract.test.ts),
 * at a fraction of the cost — zod was ~10% of a client's CPU per frame, on every one of the
 * clients attached when a key changes a pane.
 */
export function withLightFrames(schema: Contract): Contract {
  return {
    name: `${schema.name}+light frames`,
    result: (method, raw) => (HOT_RESULTS.has(method) ? LIGHT_CONTRACT.result(method, raw) : schema.result(method, raw)),
    notification: (method, raw) => (HOT.has(method) ? LIGHT_CONTRACT.notification(method, raw) : schema.notification(method, raw)),
  };
}
