import { benchSessionLatency } from './session-latency.js';
import { benchPlugins } from './plugins.js';
import { benchKubeLists } from './kube-lists.js';

/** `npm run bench`: every benchmark, each printing its figures and ratios against a baseline measured in the same run. */
const only = process.argv[2];
const benches: Array<[string, () => Promise<unknown>]> = [['session', benchSessionLatency], ['kube', benchKubeLists]];
benches.push(['plugins', benchPlugins]);
benches.push(['logs', async () => (await import('./logs.js')).benchLogs()]);
benches.push(['port-forward', async () => (await import('./port-forward.js')).benchPortForward()]);
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  await run();
}
