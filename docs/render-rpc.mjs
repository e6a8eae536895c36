// Renders docs/rpc.md from an rpc/discover answer (the daemon's own declarations): the protocol,
// the rules for evolving it, two scripts on the raw socket, and every method and notification with
// its params and result as types. Used by docs/gen-rpc.mjs (npm run docs:rpc) and by the test that
// fails when docs/rpc.md is out of date.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const INT_BOUND = 9007199254740991;

/** A JSON Schema as a TypeScript-like type, indented when it does not fit on one line. */
export function typeText(schema, defs = schema?.$defs ?? {}, indent = '') {
  const t = inline(schema, defs, new Set());
  if (t.length <= 100) return t;
  return block(schema, defs, indent, new Set());
}

function refName(ref) {
  return ref.replace(/^#\/\$defs\//, '');
}

function constraint(s) {
  const parts = [];
  if (s.minimum !== undefined && Math.abs(s.minimum) !== INT_BOUND) parts.push(`>= ${s.minimum}`);
  if (s.maximum !== undefined && Math.abs(s.maximum) !== INT_BOUND) parts.push(`<= ${s.maximum}`);
  if (s.minLength !== undefined && s.minLength > 0) parts.push(`length >= ${s.minLength}`);
  if (s.maxLength !== undefined) parts.push(`length <= ${s.maxLength}`);
  if (s.pattern !== undefined) parts.push(`/${s.pattern}/`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function scalar(s) {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length && types.every((x) => ['string', 'integer', 'number', 'boolean', 'null'].includes(x))) {
    return types.map((x) => (x === 'integer' ? 'int' : x)).join(' | ');
  }
  return null;
}

function inline(s, defs, seen) {
  if (s === true || s === undefined || (typeof s === 'object' && Object.keys(s).filter((k) => k !== '$schema' && k !== 'description').length === 0)) return 'any';
  if (s.$ref) return refName(s.$ref);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map((a) => inline(a, defs, seen)).join(' | ');
  const sc = scalar(s);
  if (sc !== null) return sc;
  if (s.type === 'array') return `Array<${inline(s.items ?? true, defs, seen)}>`;
  if (s.type === 'object') {
    if (s.properties) {
      const req = new Set(s.required ?? []);
      const fields = Object.entries(s.properties).map(([k, v]) => `${k}${req.has(k) ? '' : '?'}: ${inline(v, defs, seen)}`);
      return fields.length ? `{ ${fields.join('; ')} }` : '{}';
    }
    if (s.additionalProperties) return `Record<string, ${inline(s.additionalProperties, defs, seen)}>`;
    return '{}';
  }
  return 'any';
}

/** The alternatives of a union, nested unions flattened. */
function alternatives(s) {
  const alts = s.anyOf ?? s.oneOf;
  return alts ? alts.flatMap((a) => (a.anyOf ?? a.oneOf ? alternatives(a) : [a])) : null;
}

function block(s, defs, indent, seen) {
  const inner = `${indent}  `;
  const alts = alternatives(s);
  if (alts) {
    const parts = alts.map((a) => {
      const t = inline(a, defs, seen);
      return t.length + inner.length <= 100 ? t : block(a, defs, inner, seen);
    });
    if (parts.join(' | ').length + indent.length <= 100) return parts.join(' | ');
    return parts.map((p) => `\n${inner}| ${p}`).join('');
  }
  if (s.type === 'array') {
    const t = inline(s.items ?? true, defs, seen);
    return t.length + indent.length <= 90 ? `Array<${t}>` : `Array<${block(s.items, defs, indent, seen)}>`;
  }
  if (s.type === 'object' && s.properties) {
    const req = new Set(s.required ?? []);
    const lines = Object.entries(s.properties).map(([k, v]) => {
      const t = inline(v, defs, seen);
      const text = t.length + inner.length + k.length <= 96 ? t : block(v, defs, inner, seen);
      const c = v && typeof v === 'object' ? constraint(v) : '';
      return `${inner}${k}${req.has(k) ? '' : '?'}:${text.startsWith('\n') ? '' : ' '}${text};${c ? ` //${c}` : ''}`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return inline(s, defs, seen);
}

/** Named recursive types ($defs), rendered once after the method that uses them. */
function defsText(schema) {
  const defs = schema?.$defs ?? {};
  return Object.entries(defs).map(([name, d]) => {
    const t = typeText(d, defs);
    return `type ${name} =${t.startsWith('\n') ? '' : ' '}${t};`;
  });
}

function methodSection(m) {
  const out = [`### \`${m.name}\``, '', `${m.kind}, since API level ${m.since}.`, '', m.description, ''];
  const sig = [];
  const paramsType = typeText(m.params);
  const field = (name, t) => `${name}:${t.startsWith('\n') ? '' : ' '}${t}`;
  sig.push(field('params', paramsType));
  if (m.kind === 'request') sig.push(field('result', typeText(m.result)));
  const defs = [...new Set([...defsText(m.params), ...(m.result ? defsText(m.result) : [])])];
  out.push('```ts', ...sig, ...defs, '```', '');
  return out.join('\n');
}

const ERROR_MEANINGS = {
  ParseError: 'The frame body is not JSON.',
  InvalidRequest: 'Not a JSON-RPC request (or a request id still in flight on this connection).',
  MethodNotFound: 'No such method (`rpc/discover` lists them).',
  InvalidParams: 'The params do not match the method, or hold a field it does not take; the message names the field.',
  InternalError: 'The daemon failed; the message says how. It keeps running.',
  HandshakeRequired: 'A call came before `daemon/hello` succeeded.',
  IncompatibleApiLevel: 'Client and daemon share no API level; the message names both versions and what to do, `data` holds the daemon\'s `server`, `apiLevel` and `minApiLevel`.',
  NotAttached: 'The call needs a connection attached to a session (`session/attach`).',
  NotFound: 'A tab, pane, plugin, session or port-forward named in the params does not exist.',
  InvalidState: 'Cannot be done now (no cluster, a pane of the wrong type, …); the message says why.',
  ShuttingDown: 'The daemon is stopping.',
};

/**
 * The whole of docs/rpc.md. `api` is an rpc/discover answer; `errorCodes` rpc-schema's ErrorCodes;
 * `maxMessageBytes` the framing limit.
 */
export function renderRpcDoc(api, errorCodes, maxMessageBytes) {
  const requests = api.methods.filter((m) => m.kind === 'request');
  const notes = api.methods.filter((m) => m.kind === 'notification');
  const ts = readFileSync(here('./examples/rpc-client.ts'), 'utf8').trimEnd();
  const py = readFileSync(here('./examples/rpc_client.py'), 'utf8').trimEnd();
  const errors = Object.entries(errorCodes).map(([name, code]) => `| ${code} | ${name} | ${ERROR_MEANINGS[name] ?? ''} |`);
  errors.push('| -32800 | RequestCancelled | The client sent `$/cancelRequest` for it and the daemon stopped the work. |');
  return `<!-- Generated by \`npm run docs:rpc\` (docs/gen-rpc.mjs) from rpc/discover: do not edit by hand. -->
# kubetile RPC reference (API level ${api.apiLevel})

Everything the TUI does, a script can do: the daemon serves JSON-RPC 2.0 on a Unix socket, and
every client — the TUI, \`kubetile rpc\`, your script — speaks the same methods. The command line
covers most needs without code:

\`\`\`sh
kubetile rpc --list                                   # every method
kubetile rpc daemon/status                            # one call, the result as JSON
kubetile rpc pane/list '{"session":"main"}'
kubetile rpc daemon/status --watch toast              # then stream toasts as JSON lines until Ctrl-C
kubetile open pods --namespace kube-system            # prints the new pane's id
kubetile snapshot 3 | grep Running                    # what pane 3 shows, as text
\`\`\`

## Connecting

- **Socket**: \`--socket PATH\`, else \`$KUBETILE_SOCKET\`, else \`$XDG_RUNTIME_DIR/kubetile/kubetile.sock\`
  (without \`XDG_RUNTIME_DIR\`: \`$TMPDIR/kubetile-UID/kubetile.sock\`). The directory is 0700 and the
  socket 0600, both the user's own; clients refuse a socket or directory that is not.
- **Framing**: each message is \`Content-Length: N\\r\\n\\r\\n\` followed by N bytes of UTF-8 JSON (as the
  Language Server Protocol frames it), both ways. A body larger than ${maxMessageBytes} bytes is refused.
- **Handshake**: the first call must be \`daemon/hello\` with the client's name and version and the API
  levels it speaks (\`apiLevel\`, the newest, and \`minApiLevel\`, the oldest). The answer says the level
  the connection speaks. Any other call before it gets error -32000.
- **Requests** are answered in any order; match answers by \`id\`. A connection has a bounded number of
  requests in flight; more wait unread until earlier ones are answered. A client that does not read
  its answers is disconnected rather than allowed to grow the daemon's memory.
- **Notifications** (\`session/layout\`, \`pane/view\`, \`toast\`, \`clipboard/write\`, \`editor/open\`) go to connections
  attached to a session with \`session/attach\`; \`plugin/status\` and \`daemon/exit\` go to every
  connection. Views are cut to the attached client's size and coalesced: a slow reader gets the newest
  view of each pane, never a backlog. A \`toast\`, \`clipboard/write\` or \`editor/open\` comes after the frame (layout and
  views) pending for that client, never ahead of the state it speaks of.
- **Editing** (\`shift+e\` on a list): \`editor/open\` goes to the one client whose key asked for it, with
  the object's YAML; that client (only it, once per \`editId\`) answers with \`editor/done\` and the text
  its editor saved. The daemon writes it over exactly the version it sent (a change or re-creation
  meanwhile refuses it, and the text is kept under \`$XDG_STATE_HOME/kubetile/edits/\`), or sends a new
  \`editor/open\` with the reasons on top when the text cannot be applied. A client that ignores
  \`editor/open\` only keeps that one terminal from starting another edit until it detaches.
- **Cancelling**: send \`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":ID}}\` for a long call
  (\`kubetile rpc\` does on Ctrl-C). The call still gets an answer: -32800 when the daemon stopped the
  work, else its result.
- **Sessions** outlive connections: panes, tabs and port-forwards belong to the daemon, which saves them
  under \`$XDG_STATE_HOME/kubetile\` and restores them after a restart.

## Errors

| code | name | meaning |
|---|---|---|
${errors.join('\n')}

## Versions and evolving the API

Two numbers: the **product version** (\`kubetile --version\`, semver, per release) and the **API level**
(an integer, this document's title) which changes only when the contract breaks. A client and a daemon
work together when their level ranges overlap; \`daemon/hello\` picks the newest level both speak.
When they share none, the daemon refuses the hello (or the client refuses the answer) with one message
naming both versions and what to do: a client newer than the daemon runs \`kubetile daemon restart\`
(the daemon of the client's version takes over; sessions and port-forwards come back), an older client
upgrades. Never a hang, never a garbled screen: the TUI says it before taking the terminal.

**Within a level** (no bump) the API may only grow:

- new methods and notifications (their \`since\` is the level they appeared in; a client finds out
  whether a daemon has one from \`rpc/discover\`, or from error -32601);
- new optional params fields. A daemon refuses a field it does not know (-32602 naming it) rather
  than ignore it, so a typo (\`contxt\`) or a field an older daemon lacks never quietly does something
  else; a client that sends a newer field checks first that the daemon's \`rpc/discover\` lists it.
  Only \`daemon/hello\` takes fields it does not know, so that any client can always say who it is;
- new fields in results and notifications (clients ignore fields they do not know);
- new error codes (clients treat an unknown code as a failure with a message);
- new values where the daemon reads them: PaneCommand variants, resource actions, \`--watch\` names.

**A new level** is needed for anything an existing client could misread or miss:

- removing or renaming a method, notification, param or field; making an optional param required;
  changing a field's type, unit or meaning;
- a new value in a closed set that clients validate: PaneView \`type\`, styles, toast levels, modes,
  overlay types, port-forward states;
- changing the framing or the handshake.

Then \`API_LEVEL\` is raised; the daemon keeps serving the older level (\`MIN_API_LEVEL\`..\`API_LEVEL\`)
for as long as it can map between them, and the client sends its own range, so one side can be
upgraded before the other. \`daemon/hello\`, \`daemon/shutdown\` and \`daemon/status\`'s \`pid\` and
\`version\` never change at any level: \`kubetile daemon restart\` relies on them to replace a daemon of
any level.

## A script on the raw socket

Neither example needs anything but the language's standard library.

TypeScript (Node.js; \`npx tsx rpc-client.ts\`):

\`\`\`ts
${ts}
\`\`\`

Python 3:

\`\`\`python
${py}
\`\`\`

## Methods

| method | |
|---|---|
${requests.map((m) => `| [\`${m.name}\`](#${anchor(m.name)}) | ${firstSentence(m.description)} |`).join('\n')}

Full JSON Schemas of every params and result: \`kubetile rpc rpc/discover\`.

${requests.map(methodSection).join('\n')}
## Notifications

| notification | |
|---|---|
${notes.map((m) => `| [\`${m.name}\`](#${anchor(m.name)}) | ${firstSentence(m.description)} |`).join('\n')}

${notes.map(methodSection).join('\n')}`;
}

function anchor(name) {
  return name.toLowerCase().replace(/[^a-z0-9 -]/g, '');
}

/** The description's first sentence (a period followed by a blank, not the one in "e.g."). */
function firstSentence(text) {
  const t = text.replace(/\|/g, '\\|');
  const re = /\.(\s|$)/g;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (!/\b(e\.g|i\.e|etc)$/.test(t.slice(0, m.index))) return t.slice(0, m.index + 1);
  }
  return t;
}
