#!/usr/bin/env node
// `kubetiled`: the daemon in the foreground. Only node's own modules and the paths load before the
// socket listens (see run-daemon.ts); `kubetile daemon run` runs the same code in its own process.
import { runDaemon } from './run-daemon.js';
import { errorMessage } from './util/error-message.js';

runDaemon(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`kubetiled: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
