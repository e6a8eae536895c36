#!/usr/bin/env node
import { run } from './cli/run.js';

try {
  const code = await run(process.argv.slice(2));
  process.exitCode = code;
  // Open handles (a detached daemon's pipes, timers) must not keep a finished command alive.
  setImmediate(() => process.exit(code));
} catch (e) {
  process.stderr.write(`kubetile: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}
