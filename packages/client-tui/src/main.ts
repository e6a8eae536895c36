#!/usr/bin/env node
import { outputFlushed } from './cli/io.js';
import { run } from './cli/run.js';

try {
  const code = await run(process.argv.slice(2));
  process.exitCode = code;
  // Everything written must reach a slow pipe before exiting (process.exit drops what is queued);
  // then open handles (a detached daemon's pipes, timers) must not keep a finished command alive.
  await outputFlushed();
  setImmediate(() => process.exit(code));
} catch (e) {
  process.stderr.write(`kubetile: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  await outputFlushed().catch(() => undefined);
  process.exit(1);
}
