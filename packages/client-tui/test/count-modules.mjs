// --import this: logs every module loaded (ESM via hooks, CJS via Module._load) with a timestamp to $KT_MODULE_LOG.
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
const log = process.env.KT_MODULE_LOG;
const hooks = `
import { appendFileSync } from 'node:fs';
const log = ${JSON.stringify(log)};
export async function load(url, context, next) {
  if (!url.startsWith('node:')) appendFileSync(log, Date.now() + ' esm ' + url + '\\n');
  return next(url, context);
}`;
register('data:text/javascript,' + encodeURIComponent(hooks));
const require = createRequire(import.meta.url);
const Module = require('node:module');
const seen = new Set();
const orig = Module._load;
Module._load = function (request, parent, isMain) {
  try {
    const f = Module._resolveFilename(request, parent, isMain);
    if (!Module.builtinModules.includes(f) && !f.startsWith('node:') && !seen.has(f) && !Module._cache[f]) {
      seen.add(f);
      appendFileSync(log, Date.now() + ' cjs ' + f + '\n');
    }
  } catch {}
  return orig.apply(this, arguments);
};
