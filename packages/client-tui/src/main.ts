#!/usr/bin/env node
import { outputFlushed } from './cli/io.js';
import { run } from './cli/run.js';

try {
  const code = await run(process.argv.slice(2));
  process.exitCode = code;
  // The command is done: a signal from now on (a late second Ctrl-C, a process group's SIGINT while
  // output drains to a slow pipe) ends the process at once with the command's own status.
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => process.exit(code));
  // Everything written must reach a slow pipe before exiting (process.exit drops what is queued);
  // then open handles (a detached daemon's pipes, timers) must not keep a finished command alive.
  await outputFlushed();
  setImmediate(() => process.exit(code));
} catch (e) {
  process.stderr.write(`kubetile: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  await outputFlushed().catch(() => undefined);
  process.exit(1);
}
