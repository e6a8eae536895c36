// The floor of "all rows of a list held by a Node process": the list fetched in pages of 1,000 as the
// daemon fetches it (the next page asked for as soon as this one's continue token is read from the
// head of its answer, so the server prepares and sends it while this one is received and parsed)
// and JSON.parse of each page, the items kept until the end, in a fresh node process. No store, no rows, no frames: what any
// Node program that holds the parsed list pays at least.
// With a fourth argument `table`, the same list as the server's table rows (as=Table, includeObject=Metadata:
// the cells and each object's metadata, what kubectl get asks for), the floor of a client that holds those instead.
// Usage: node list-parse-floor.mjs URL CA_FILE TOKEN [table] → prints {"ms":…,"parseMs":…,"received":…,"bytes":…,"items":…}
// (received: the time the last page's last byte came in; parseMs: the JSON.parse calls alone, summed —
// what no Node program holding the parsed list can avoid, however it receives the bytes).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';

const [url, caFile, token, form] = process.argv.slice(2);
if (!url || !caFile || !token || (form !== undefined && form !== 'table')) {
  process.stderr.write('usage: list-parse-floor.mjs URL CA_FILE TOKEN [table]\n');
  process.exit(2);
}
const LIMIT = 1000;
const TABLE = form === 'table';
const ACCEPT = TABLE ? 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' : 'application/json';
const ca = readFileSync(caFile);
const fail = (msg) => {
  process.stderr.write(`${msg}\n`);
  process.exit(1);
};

/** One page's answer: `head`, its continue token (or null) as soon as the answer's head says it, and `body`, its text. */
function page(cont) {
  let onToken;
  const head = new Promise((r) => (onToken = r));
  return { head, body: pageBody(cont, (t) => onToken(t)) };
}

function pageBody(cont, onToken) {
  const u = new URL(url);
  u.searchParams.set('limit', String(LIMIT));
  if (cont) u.searchParams.set('continue', cont);
  if (TABLE) u.searchParams.set('includeObject', 'Metadata');
  return new Promise((resolve) => {
    const req = request(u, { ca, headers: { authorization: `Bearer ${token}`, accept: ACCEPT } }, (res) => {
      const chunks = [];
      let bytes = 0;
      let looking = true;
      res.on('data', (c) => {
        chunks.push(c);
        bytes += c.length;
        if (!looking) return;
        // The list's metadata comes before its items.
        const head = Buffer.concat(chunks, bytes).toString('latin1', 0, Math.min(bytes, 4096));
        const m = /"continue":"([^"]*)"/.exec(head);
        if (m || head.includes('"items"') || head.includes('"rows"') || bytes >= 4096) {
          looking = false;
          onToken(m?.[1] || null);
        }
      });
      res.on('end', () => {
        if (res.statusCode !== 200) fail(`HTTP ${res.statusCode}`);
        if (looking) onToken(null);
        resolve({ text: Buffer.concat(chunks, bytes).toString('latin1'), bytes, at: performance.now() });
      });
    });
    req.on('error', (err) => fail(err.message));
    req.end();
  });
}

const t0 = performance.now();
const kept = [];
let bytes = 0;
let received = 0;
let parseMs = 0;
// One page ahead, as the daemon: the next is asked for once this one's head names its token.
let cur = page(undefined);
while (cur) {
  const token = await cur.head;
  const ahead = token ? page(token) : null;
  const p = await cur.body;
  bytes += p.bytes;
  received = p.at - t0;
  const t = performance.now();
  const body = JSON.parse(p.text);
  kept.push(TABLE ? body.rows : body.items);
  parseMs += performance.now() - t;
  cur = ahead;
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, parseMs, received, bytes, items: kept.reduce((n, a) => n + a.length, 0) })}\n`);
