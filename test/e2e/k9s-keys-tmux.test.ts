import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKubeSim, type KubeSim } from '@kubetile/kube-sim';
import { CLIENT_MAIN, makeTestEnv, waitFor, type TestEnv } from '../helpers/daemon-process.js';
import { TmuxTerminal, tmuxMissing } from '../helpers/tmux.js';

/**
 * The habits k9s users bring, typed into a real `kubetile` client in tmux and read off the painted
 * screen, on kube-sim's demo cluster (its controller running the workloads): `?` opens help and
 * closes it, F1 lists the k9s keys and the `:` names; F2 shows only the focused pane's keys; `:svc`,
 * `:deploy`, `:po` switch the list; `x` draws the xray tree of a Deployment; `:pulse` counts the
 * namespace's kinds; `ctrl+d` deletes the selected pod after one confirmation (gone from kube-sim);
 * `:ns NAME` and `:ctx NAME` switch the tab. Then, in a terminal attached to the same session: `/-l`
 * filters by labels, `shift+j` jumps to the owner and `esc` back, `:top` shows usage, `x` on a Secret decodes it, `s` on a CronJob suspends it, `r` on a Node drains
 * it, `ctrl+alt+k` force-deletes a pod — each read off the screen and checked in kube-sim.
 */

let env: TestEnv;
let sim: KubeSim;
let term: TmuxTerminal | null = null;

beforeAll(async () => {
  env = makeTestEnv();
  sim = await startKubeSim({ port: 0, seed: 'demo', controller: true, stateDir: join(env.dir, 'sim') });
  // Two contexts on the one server: `kube-sim` on namespace shop, `second` on namespace ops.
  const yaml = sim.kubeconfigYaml
    .replace('namespace: "default"', 'namespace: "shop"')
    .replace('contexts:\n', 'contexts:\n- context:\n    cluster: "kube-sim"\n    namespace: "ops"\n    user: "kube-sim"\n  name: "second"\n');
  const kubeconfig = join(env.dir, 'kubeconfig');
  writeFileSync(kubeconfig, yaml, { mode: 0o600 });
  env.env.KUBECONFIG = kubeconfig;
  sim.createObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'doomed', namespace: 'shop', labels: { app: 'doomed' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } });
}, 120_000);

afterAll(async () => {
  term?.kill();
  term = null;
  // kubetile started the daemon itself: stop it.
  if (env) spawnSync(process.execPath, [CLIENT_MAIN, 'kill-server', '--socket', env.socket], { env: env.env });
  await sim?.stop();
  env?.cleanup();
});

describe.skipIf(tmuxMissing)('k9s keys in a real terminal (tmux)', () => {
  it('?, F1, F2, :svc/:deploy/:po, x, :pulse, ctrl+d, :ns and :ctx as a k9s user types them', async () => {
    const t = (term = TmuxTerminal.start(env, [], { cols: 160, rows: 50 }));
    const pods = await t.waitScreen('pods of shop listed', (s) => s.includes('Pods (shop)') && /doomed\s+\d\/1\s+\w+/.test(s) && /frontend-\S+\s+1\/1\s+Running/.test(s), 60_000);
    expect(pods).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+(?:CPU\s+MEM\s+)?AGE/);

    // `:NAME⏎` typed at once, as k9s users do: the enter waits for the kinds still loading from discovery.
    const view = async (name: string, title: string, pred: (s: string) => boolean): Promise<string> => {
      t.keys(':');
      t.text(name);
      t.keys('Enter');
      return t.waitScreen(`:${name} → ${title}`, (s) => s.includes(title) && !s.includes('Switch view') && pred(s));
    };
    // The first `:` after the start, while discovery still loads.
    const svc = await view('svc', 'Services (shop)', (s) => /frontend\s+ClusterIP/.test(s));
    expect(svc).toMatch(/NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
    expect(svc).toMatch(/postgres\s+ClusterIP\s+None\s+<none>\s+5432\/TCP/);
    await view('po', 'Pods (shop)', (s) => /doomed\s/.test(s));

    // `?` opens help beside the list, as F1 does; the k9s keys are in it, and `?` again closes it.
    t.keys('?');
    const help = await t.waitScreen('help opened by ?', (s) => /\bHelp\b/.test(s) && s.includes('Delete resource'));
    expect(help).toMatch(/Ctrl\+Alt\+X \/ Ctrl\+D\s+Delete resource/);
    expect(help).toMatch(/F1\s+Help/);
    expect(help).toMatch(/F2\s+Help for the focused pane's keys/);
    // At its end, what `:` takes.
    t.keys('G');
    const names = await t.waitScreen('the `:` names at the end of help', (s) => s.includes('View switcher (:)'));
    expect(names).toMatch(/:po :svc :deploy\s+A kind by kubectl's names/);
    expect(names).toMatch(/:ns NAME\s+Switch the tab's namespace/);
    expect(names).toMatch(/:ctx NAME\s+Switch the tab's context/);
    expect(names).toMatch(/:pulse :pu\s+Counts and health/);
    expect(names).toMatch(/:port-forwards :pf\s+The port-forwards pane/);
    expect(names).toMatch(/:ev\s+Events/);
    t.keys('?');
    await t.waitScreen('help closed by ?', (s) => !s.includes('Delete resource') && s.includes('Pods (shop)'));

    // F2: only the focused pane's keys (a list's: delete, logs), not the tab keys; F2 again closes it.
    t.keys('F2');
    const f2 = await t.waitScreen('F2 pane help', (s) => s.includes('Keys of Pods') && s.includes('Delete resource') && s.includes('Logs'));
    // (the status bar's hints name Ctrl+T New tab; the pane does not)
    expect(f2).not.toMatch(/┃\s+Ctrl\+T\s+New tab/);
    expect(f2).toMatch(/┃\s+Ctrl\+Alt\+X \/ Ctrl\+D\s+Delete resource/);
    t.keys('F2');
    await t.waitScreen('F2 closed', (s) => !s.includes('Keys of Pods'));

    // `:` takes kubectl's short names.
    const deploy = await view('deploy', 'Deployments (shop)', (s) => /frontend\s+3\/3/.test(s));
    expect(deploy).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);

    // `x` on the selected Deployment: its ReplicaSet, pods and containers as a tree.
    t.keys('/');
    t.text('frontend');
    await t.waitScreen('filtered to frontend', (s) => /frontend\s+3\/3/.test(s) && !/\bapi\s+2\/2/.test(s));
    t.keys('Enter');
    await t.waitScreen('normal mode', (s) => s.includes('NORMAL'));
    t.keys('x');
    const xray = await t.waitScreen('the xray tree', (s) => s.includes('Deployment frontend  3/3 ready') && (s.match(/─ Pod frontend-\S+\s+Running 1\/1/g) ?? []).length === 3, 30_000);
    expect(xray).toMatch(/─ ReplicaSet frontend-[a-z0-9]+\s+3\/3 ready/);
    expect((xray.match(/─ Container frontend\s+running nginx:1\.27\.2/g) ?? []).length).toBe(3);
    t.keys('M-x');
    await t.waitScreen('xray closed', (s) => !s.includes('Deployment frontend  3/3 ready'));

    // `:pulse`: counts and health of the main kinds of the tab's namespace.
    const loaded = await view('pulse', 'Pulse (shop)', (s) => /\bPods\s+\d+\s+\d+/.test(s) && !s.includes('loading…'));
    expect(loaded).toMatch(/KIND\s+TOTAL\s+OK\s+WARN\s+FAILED\s+NEEDS ATTENTION/);
    expect(loaded).toMatch(/┃StatefulSets\s+1\s+1\s+0\s+0\s/);
    expect(loaded).toMatch(/┃Services\s+4\s/);
    // Live: cart crash-loops (it runs a few seconds between crashes), and then needs attention.
    // (The pods' OK count moves with the demo's own life: doomed may have failed by now.)
    await t.waitScreen(
      'cart needing attention',
      (s) => /┃Deployments\s+3\s+2\s+\d+\s+\d+\s+cart/.test(s) && /┃Pods\s+9\s+\d+\s+\d+\s+\d+\s+cart-/.test(s),
      60_000,
    );

    // `:po`, then ctrl+d on doomed: one confirmation, and the pod is gone from the server.
    await view('po', 'Pods (shop)', (s) => /doomed\s/.test(s));
    t.keys('/');
    t.text('doomed');
    await t.waitScreen('filtered to doomed', (s) => /doomed\s/.test(s) && !/frontend-\S+\s+1\/1/.test(s));
    t.keys('Enter');
    await t.waitScreen('normal mode again', (s) => s.includes('NORMAL') && !s.includes('FILTER'));
    t.keys('C-d');
    await t.waitScreen('the delete confirmation', (s) => s.includes('Delete Pod shop/doomed?'));
    t.keys('n');
    await t.waitScreen('kept', (s) => !s.includes('Delete Pod shop/doomed?'));
    expect(sim.getObject('v1', 'Pod', 'doomed', 'shop')).toBeTruthy();
    t.keys('C-d');
    await t.waitScreen('the delete confirmation again', (s) => s.includes('Delete Pod shop/doomed?'));
    t.keys('y');
    await waitFor('doomed gone from kube-sim', () => !sim.getObject('v1', 'Pod', 'doomed', 'shop'), 30_000);
    await t.waitScreen('doomed gone from the list', (s) => !/doomed\s+\d\/1/.test(s));
    t.keys('/');
    t.keys('Escape');
    await t.waitScreen('filter cleared', (s) => /frontend-\S+\s+1\/1/.test(s) && !s.includes('/doomed'));

    // `:ns NAME` switches the tab's namespace, `:ctx NAME` its context (and the context's namespace).
    await view('ns payments', 'Pods (payments)', (s) => /payments-gateway-\S+\s+1\/1\s+Running/.test(s));
    await view('ctx second', 'Pods (ops)', (s) => /prometheus-\S+\s+1\/1\s+Running/.test(s));
    expect(t.screen()).toContain('second');
  }, 240_000);

  it('/-l, shift+j, x on a Secret, s on a CronJob, r on a Node and ctrl+alt+k, painted in a real terminal attached to the same session', async () => {
    term?.kill();
    const t = (term = TmuxTerminal.start(env, [], { cols: 160, rows: 50 }));
    await t.waitScreen('attached', (s) => s.includes('NORMAL'), 60_000);
    const view = async (name: string, title: string, pred: (s: string) => boolean): Promise<string> => {
      t.keys(':');
      t.text(name);
      t.keys('Enter');
      return t.waitScreen(`:${name} → ${title}`, (s) => s.includes(title) && !s.includes('Switch view') && pred(s));
    };
    const filter = async (text: string, pred: (s: string) => boolean): Promise<string> => {
      t.keys('/');
      t.text(text);
      const s = await t.waitScreen(`filtered by ${text}`, pred);
      t.keys('Enter');
      await t.waitScreen('normal mode', (x) => x.includes('NORMAL') && !x.includes('FILTER'));
      return s;
    };
    await view('ctx kube-sim', 'Pods', () => true);
    await view('ns shop', 'Pods (shop)', (s) => /frontend-\S+\s+1\/1\s+Running/.test(s));

    // `/-l app=frontend`: only the frontend pods, by their labels.
    const byLabel = await filter('-l app=frontend', (s) => (s.match(/frontend-\S+\s+1\/1\s+Running/g) ?? []).length === 3 && !/\bapi-\S+\s+1\/1/.test(s));
    expect(byLabel).toContain('/-l app=frontend');
    // shift+j: the selected pod's owner, its ReplicaSet, in the pane's place; esc comes back, filter kept; esc again clears it.
    const podRs = sim.listObjects('apps/v1', 'ReplicaSet', 'shop').find((r) => r.metadata.name.startsWith('frontend-'))!.metadata.name;
    t.keys('J');
    await t.waitScreen('the ReplicaSets with the owner', (s) => s.includes('ReplicaSets (shop)') && s.includes(podRs));
    t.keys('Escape');
    await t.waitScreen('back on the filtered pods', (s) => s.includes('Pods (shop)') && s.includes('/-l app=frontend') && /frontend-\S+\s+1\/1\s+Running/.test(s));
    t.keys('Escape');
    await t.waitScreen('the filter cleared by esc', (s) => /\bapi-\S+\s+1\/1/.test(s) && !s.includes('/-l app=frontend'));
    t.keys('/');
    t.keys('Escape');

    // `:top`: the namespace's pods by usage (kube-sim's metrics-server), live.
    await view('top', 'Top: Pods (shop)', (s) => /frontend-\S+\s+\d+m\s+/.test(s) && s.includes('%CPU/R'));
    await view('po', 'Pods (shop)', (s) => /frontend-\S+\s+1\/1\s+Running/.test(s));

    // `x` on a Secret: its data decoded, beside the list.
    await view('secrets', 'Secrets (shop)', (s) => s.includes('postgres-credentials'));
    await filter('postgres-credentials', (s) => /postgres-credentials\s+Opaque/.test(s) && !s.includes('shop-tls'));
    t.keys('x');
    const decoded = await t.waitScreen('the decoded secret', (s) => s.includes('Decoded: Secret shop/postgres-credentials') && s.includes('password: s3cr3t-demo-password'));
    expect(decoded).toContain('username: shop');
    t.keys('M-x');
    await t.waitScreen('decoded closed', (s) => !s.includes('Decoded: Secret'));

    // `s` on a CronJob suspends it (and `o` would sort there).
    await view('ns payments', 'Secrets (payments)', () => true);
    await view('cj', 'CronJobs (payments)', (s) => /settlement-report\s+\*\/2 \* \* \* \*/.test(s));
    t.keys('s');
    await t.waitScreen('the suspend question', (s) => s.includes('Suspend CronJob payments/settlement-report?'));
    t.keys('y');
    await waitFor('suspended in kube-sim', () => (sim.getObject('batch/v1', 'CronJob', 'settlement-report', 'payments')?.spec as { suspend?: boolean }).suspend === true, 30_000);
    await t.waitScreen('SUSPEND True painted', (s) => /settlement-report\s+\*\/2 \* \* \* \*\s+\S+\s+True/.test(s));

    // `r` on a Node drains it: cordoned, its pods evicted (DaemonSet pods stay).
    await view('no', 'Nodes', (s) => /worker-2\s+Ready/.test(s));
    await filter('worker-2', (s) => /worker-2\s+Ready/.test(s) && !/worker-1\s+Ready/.test(s));
    t.keys('r');
    await t.waitScreen('the drain question', (s) => s.includes('Drain Node worker-2?'));
    t.keys('y');
    await t.waitScreen('worker-2 cordoned', (s) => /worker-2\s+Ready,SchedulingDisabled/.test(s), 30_000);
    await waitFor('the evictions sent', () => sim.journalEntries({ method: 'POST' }).some((e) => e.path.endsWith('/eviction')), 30_000);

    // ctrl+alt+k on a pod: force-deleted after one question.
    await view('ns shop', 'Nodes', () => true);
    await view('po', 'Pods (shop)', (s) => /postgres-0\s/.test(s));
    await filter('postgres-0', (s) => /postgres-0\s/.test(s) && !/frontend-\S+\s+1\/1/.test(s));
    const uid = sim.getObject('v1', 'Pod', 'postgres-0', 'shop')!.metadata.uid;
    t.keys('C-M-k');
    await t.waitScreen('the force-delete question', (s) => s.includes('Force-delete Pod shop/postgres-0?'));
    t.keys('y');
    await waitFor('that postgres-0 gone', () => sim.getObject('v1', 'Pod', 'postgres-0', 'shop')?.metadata.uid !== uid, 30_000);
  }, 240_000);
});

