import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeTestEnv, type TestEnv } from '../../test/helpers/daemon-process.js';
import { SimProcess } from './sim-process.js';

const PARSE_FLOOR = fileURLToPath(new URL('./list-parse-floor.mjs', import.meta.url));

export const kubectlMissing = (): string | false => (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0 ? false : 'kubectl is not installed');
export const curlMissing = (): string | false => (spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0 ? false : 'curl is not installed');

/**
 * One kube-sim process for the whole run, with namespaces of pods made on demand: `big` (the 100k
 * list) and `small` (a list of a few hundred pods for the frame, fan-out and start-up figures).
 */
export class BenchCluster {
  private readonly made = new Map<string, number>();
  private readonly envs: TestEnv[] = [];

  private constructor(
    readonly home: TestEnv,
    readonly sim: SimProcess,
  ) {}

  static async start(): Promise<BenchCluster> {
    const home = makeTestEnv();
    return new BenchCluster(home, await SimProcess.start(home.dir));
  }

  /** Makes `namespace` with `pods` pods named `pod-000000…` (once per run). */
  async namespace(namespace: string, pods: number): Promise<void> {
    const have = this.made.get(namespace);
    if (have !== undefined) {
      if (have !== pods) throw new Error(`namespace ${namespace} already has ${have} pods`);
      return;
    }
    await this.sim.namespace(namespace);
    await this.sim.addPods(pods, namespace, 'pod');
    this.made.set(namespace, pods);
  }

  /** A fresh home (XDG dirs, socket path) whose kubeconfig points at the sim with `namespace` as the context's. */
  env(namespace: string): TestEnv {
    const env = makeTestEnv();
    env.env.KUBECONFIG = this.sim.kubeconfigFor(namespace, env.dir);
    this.envs.push(env);
    return env;
  }

  /** One `curl` of a collection with the kubeconfig's token and CA: total time as curl measures it, and bytes. */
  curl(path: string): Promise<{ ms: number; bytes: number }> {
    return new Promise((resolve, reject) => {
      execFile(
        'curl',
        ['-s', '-o', '/dev/null', '--cacert', this.sim.caFile, '-H', `Authorization: Bearer ${this.sim.token}`, '-w', '%{time_total} %{size_download} %{http_code}', `${this.sim.url}${path}`],
        { maxBuffer: 1024 * 1024 },
        (err, stdout) => {
          if (err) return reject(err);
          const [t, bytes, code] = stdout.trim().split(' ');
          if (code !== '200') return reject(new Error(`curl ${path}: HTTP ${code}`));
          resolve({ ms: Number(t) * 1000, bytes: Number(bytes) });
        },
      );
    });
  }

  /**
   * A collection fetched in pages of 1,000, one ahead (as the daemon fetches it), and JSON.parse of
   * each page, the items kept, in a fresh node process (timed inside it: first request → last page
   * parsed): the least a Node process pays to hold the parsed list (bench/lib/list-parse-floor.mjs);
   * `parseMs` is its JSON.parse calls alone. `table`: the server's table rows of it instead (as=Table,
   * includeObject=Metadata).
   */
  parseFloor(path: string, table = false): Promise<{ ms: number; parseMs: number; received: number; bytes: number; items: number }> {
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [PARSE_FLOOR, `${this.sim.url}${path}`, this.sim.caFile, this.sim.token, ...(table ? ['table'] : [])], { maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`the parse floor of ${path} failed: ${stderr.trim() || err.message}`));
        resolve(JSON.parse(stdout) as { ms: number; parseMs: number; received: number; bytes: number; items: number });
      });
    });
  }

  /**
   * Stops kube-sim and removes the run's files, or keeps them (`keep`: a benchmark failed, and its
   * daemons' logs under each env's state/kubetile/ say why) and says where.
   */
  stop(keep = false): void {
    this.sim.stop();
    if (keep) {
      process.stderr.write(`bench: a benchmark failed; its files (daemon logs in */state/kubetile/kubetiled.log) are kept: ${[this.home, ...this.envs].map((e) => e.dir).join(' ')}\n`);
      return;
    }
    for (const e of this.envs) e.cleanup();
    this.home.cleanup();
  }
}
