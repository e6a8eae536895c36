/** Parses kube-sim's command line; errors name the offending flag. */
import type { KubeSimOptions } from './sim.js';

export class UsageError extends Error {}

export const USAGE = `usage: kube-sim [--port P] [--host H] [--kubeconfig-out FILE] [--seed demo|empty]
                [--token T] [--state-dir DIR] [--no-controller]

  --port P             port to listen on (default 0: ephemeral)
  --host H             address to listen on (default 127.0.0.1)
  --kubeconfig-out F   write a kubeconfig for the sim to F
  --seed demo|empty    initial objects (default demo)
  --token T            bearer token (default: random, or the one saved in --state-dir)
  --state-dir DIR      keep the CA, certificate and token in DIR across runs
  --no-controller      do not run the demo lifecycle controller
  --help               show this help`;

export function parseArgs(argv: readonly string[]): KubeSimOptions | 'help' {
  const opts: KubeSimOptions = { seed: 'demo' };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i] as string;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = value(i, arg);
      i++;
      return v;
    };
    switch (arg) {
      case '--help':
      case '-h':
        return 'help';
      case '--port': {
        const v = take();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`--port must be an integer between 0 and 65535, got "${v}"`);
        opts.port = n;
        break;
      }
      case '--host': opts.host = take(); break;
      case '--kubeconfig-out': opts.kubeconfigOut = take(); break;
      case '--seed': {
        const v = take();
        if (v !== 'demo' && v !== 'empty') throw new UsageError(`--seed must be demo or empty, got "${v}"`);
        opts.seed = v;
        break;
      }
      case '--token': opts.token = take(); break;
      case '--state-dir': opts.stateDir = take(); break;
      case '--no-controller':
        if (inline !== undefined) throw new UsageError('--no-controller takes no value');
        opts.controller = false;
        break;
      default:
        throw new UsageError(`unknown flag ${arg}`);
    }
  }
  return opts;
}
