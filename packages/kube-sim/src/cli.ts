#!/usr/bin/env node
/** The kube-sim command: runs a sim until SIGTERM/SIGINT. */
import { parseArgs, USAGE, UsageError } from './cli-args.js';
import { startKubeSim } from './index.js';

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kube-sim: ${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (opts === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // What reads the sim's messages may go away first (`kube-sim | head -1`): the rest of them are
  // dropped rather than the sim dying of the broken pipe without stopping.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  // The handlers go in before the sim starts and before it says it is listening: whatever waits for
  // that line and then sends SIGTERM must find them (without one, SIGTERM kills at once, unstopped).
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`kube-sim: ${signal}, stopping\n`);
    // Signals are handled on the event loop, so never before `starting` below is set.
    starting
      .then((sim) => sim.stop())
      .then(() => process.exit(0), (err: unknown) => {
        process.stderr.write(`kube-sim: stop failed: ${String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  const starting = startKubeSim(opts);
  const sim = await starting;
  if (stopping) return;
  process.stdout.write(`kube-sim listening on ${sim.url} (seed ${opts.seed})\n`);
  if (sim.kubeconfigPath) process.stdout.write(`kubeconfig written to ${sim.kubeconfigPath}\n`);
  else process.stdout.write('no --kubeconfig-out given; kubeconfig not written\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`kube-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
