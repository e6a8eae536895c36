// The floor of "all rows of a list held by a Node process": one GET of the whole list (as the curl
// baseline does) and JSON.parse of it, the parsed items kept until the end, in a fresh node process.
// No store, no rows, no frames: what any Node program that holds the parsed list pays at least.
// Usage: node list-parse-floor.mjs URL CA_FILE TOKEN → prints {"ms":…,"received":…,"bytes":…,"items":…}
// (received: request → last byte in).
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';

const [url, caFile, token] = process.argv.slice(2);
if (!url || !caFile || !token) {
  process.stderr.write('usage: list-parse-floor.mjs URL CA_FILE TOKEN\n');
  process.exit(2);
}
const t0 = performance.now();
const req = request(url, { ca: readFileSync(caFile), headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
  const chunks = [];
  let bytes = 0;
  res.on('data', (c) => {
    chunks.push(c);
    bytes += c.length;
  });
  res.on('end', () => {
    if (res.statusCode !== 200) {
      process.stderr.write(`HTTP ${res.statusCode}\n`);
      process.exit(1);
    }
    const received = performance.now() - t0;
    const buf = Buffer.concat(chunks, bytes);
    chunks.length = 0;
    const items = JSON.parse(buf.toString('latin1')).items;
    const ms = performance.now() - t0;
    process.stdout.write(`${JSON.stringify({ ms, received, bytes, items: items.length })}\n`);
  });
});
req.on('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
req.end();
