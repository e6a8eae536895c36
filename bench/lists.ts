import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { waitFor } from '../test/helpers/daemon-process.js';
import { BenchCluster, curlMissing, kubectlMissing } from './lib/cluster.js';
import { BenchDaemon } from './lib/daemon.js';
import { KernelBursts } from './lib/kernel-bursts.js';
import { asPromptObserver, sendKeysOnSchedule } from './lib/key-sender.js';
import { opts } from './lib/options.js';
import { cpuMs, load, MiB } from './lib/proc.js';
import { PtyClient, ptyMissing, type FrameSeen, type Screen } from './lib/pty-client.js';
import { badge, footer, podName, selectedIndex, sortedBy } from './lib/screen-read.js';
import { record, skipped } from './lib/verdict.js';
import { dist, durations, msShort, pace, report, sleep, summary, type Span, type Summary } from './stats.js';

const NS = 'big';
const LIST_PATH = `/api/v1/namespaces/${NS}/pods`;
const CHURN = 2000;
const KEYS_PER_S = 30;
const HOLD_S = 5;
/** How long a marker pod may take to be painted before it counts as lost (lag ≥ this). */
const MARKER_TIMEOUT = 30_000;

const epoch = (at: number): number => performance.timeOrigin + at;
/** `100k pods`, `20k pods`. */
const big = (n: number): string => `${n >= 1000 ? `${Math.round(n / 1000)}k` : n} pods`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

/** Time from a key typed into `c` to the first frame `c` paints that satisfies `pred`. */
async function keyToFrame(c: PtyClient, key: string, label: string, pred: (s: Screen) => boolean, spans?: Span[]): Promise<number> {
  const t0 = performance.now();
  const painted = c.waitFrame(label, pred, 30_000, false, t0);
  c.write(key);
  const at = (await painted).at;
  spans?.push([t0, at]);
  return at - t0;
}

const topSelected = (s: Screen): boolean => s.highlighted.includes(s.lines[3] ?? '\u0000');
/** The rows are in the sort's order: a sort whose keys are still being made says `sorting…` on the pane. */
const inOrder = (s: Screen): boolean => !s.lines.some((l) => l.includes('sorting…'));

/**
 * The 100k-pod figures, on one kube-sim process (`opts.pods` pods in one namespace) and a real
 * `kubetile` client in a 160×50 pty:
 * - cold load: first rows on screen after the first page arrived (kube-sim's journal: the daemon
 *   asks for page 2 right after page 1 arrived) and all rows, vs one `curl` of the whole list (and
 *   the floor of any Node process that holds the list parsed: its pages fetched one ahead as the
 *   daemon fetches them, each JSON.parsed and kept);
 * - daemon heap per pod after a GC in the daemon and here (the parsed object as the baseline);
 * - filter keystrokes and sorts, key → painted, interleaved with `j` on the same list;
 * - holding `j` at 30 keys/s: every key painted, frame gaps, settling after the last key, client CPU per frame;
 * - 2,000 pod events/s: a marker pod created in kube-sim until it is painted, sorted and unsorted
 *   (interleaved), and the daemon's CPU vs `kubectl get pods -w` on the same stream.
 */
export async function benchLists(cluster: BenchCluster): Promise<{ clientCpuPerFrame: number[] }> {
  const N = opts.pods;
  const title = big(N);
  const noPty = ptyMissing();
  if (noPty) {
    for (const f of ['first rows after the first page', 'holding j at 30 keys/s', 'filter keystroke / sort', '2,000 events/s: view lag']) skipped(`${big(N)}: ${f}`, '', noPty);
    return { clientCpuPerFrame: [] };
  }
  const t0 = performance.now();
  await cluster.namespace(NS, N);
  process.stdout.write(`\n(lists: ${title} made in kube-sim in ${msShort(performance.now() - t0)})\n`);
  const sim = cluster.sim;

  // ---- cold loads, interleaved with one curl of the same list ----
  const noCurl = curlMissing();
  const curls: number[] = [];
  const floors: number[] = [];
  const parses: number[] = [];
  const tables: Array<{ ms: number; parseMs: number; bytes: number }> = [];
  const firstRows: number[] = [];
  const allRows: number[] = [];
  const firstPageMs: number[] = [];
  const sortAfterLoad: number[] = [];
  const sortedAfterLoad: number[] = [];
  let daemon: BenchDaemon | null = null;
  let client: PtyClient | null = null;
  let mem: { before: { rss: number; heapUsed: number }; after: { rss: number; heapUsed: number } } | null = null;
  const env = cluster.env(NS);
  try {
    for (let i = 0; i < opts.loads; i++) {
      if (!noCurl) curls.push((await cluster.curl(LIST_PATH)).ms);
      const floor = await cluster.parseFloor(LIST_PATH);
      floors.push(floor.ms);
      parses.push(floor.parseMs);
      tables.push(await cluster.parseFloor(LIST_PATH, true));
      const last = i === opts.loads - 1;
      if (client) await client.kill();
      if (daemon) await daemon.stop();
      daemon = await BenchDaemon.start(env, { inspect: last });
      const before = last ? await daemon.memoryAfterGc() : null;
      const seq0 = (await sim.journal(LIST_PATH)).reduce((m, e) => Math.max(m, e.seq), 0);
      await sleep(200);
      client = PtyClient.spawn({ socket: env.socket, env: env.env, cols: opts.cols, rows: opts.rows });
      const first = await client.waitFrame('first rows', (s) => s.has(podName(0)), 120_000);
      const all = await client.waitFrame('all rows', (s) => badge(s)?.total === N && !footer(s).includes('loading'), 300_000, true);
      const lists = (await sim.journal(LIST_PATH, seq0)).filter((e) => e.method === 'GET' && e.query.watch === undefined && e.query.limit !== undefined);
      const page1 = lists.find((e) => e.query.continue === undefined);
      const page2 = lists.find((e) => e.query.continue !== undefined);
      if (!page1 || !page2) throw new Error(`the journal shows no paged list of ${LIST_PATH}: ${JSON.stringify(lists.slice(0, 3))}`);
      firstRows.push(epoch(first.at) - page2.time);
      firstPageMs.push(page2.time - page1.time);
      allRows.push(epoch(all.at) - page1.time);
      // `s` as soon as all rows are on screen: no sort key of the list is made yet (the daemon makes
      // them in the background after a load), the hardest sort there is. Then unsorted again.
      const unsorted = sortedBy(client.screen());
      const s0 = performance.now();
      sortAfterLoad.push(await keyToFrame(client, 's', 'sorted right after the load', (s) => sortedBy(s) !== unsorted));
      sortedAfterLoad.push((await client.waitFrame('the rows in order after the load', inOrder, 60_000, true)).at - s0);
      await sortBy(client, unsorted);
      if (last && before) {
        await sleep(1000);
        mem = { before, after: await daemon.memoryAfterGc() };
      }
    }
    const c = client!;
    const d = daemon!;

    const fr = summary(firstRows);
    const ar = summary(allRows);
    const cu = summary(curls);
    const fp = summary(firstPageMs);
    const fl = summary(floors);
    const pa = summary(parses);
    const tb = summary(tables.map((t) => t.ms));
    const tbParse = summary(tables.map((t) => t.parseMs));
    /** `  (N× curl)` after a figure, when there is a curl to compare with. */
    const vsCurl = (s: { p50: number }): string => (noCurl ? '' : `  (${ratio(s.p50, cu.p50)} curl)`);
    report(`lists: a cold ${title} list in a 160×50 terminal (new daemon each time) vs one curl, interleaved`, [
      ['machine load', load()],
      ['curl of the whole list (time_total)', noCurl ? `skipped: ${noCurl}` : dist(cu)],
      ['node: the same pages fetched one ahead + JSON.parse, kept (the floor of holding it parsed)', `${dist(fl)}${vsCurl(fl)}`],
      ['of which JSON.parse alone (the pages parsed, summed)', `${dist(pa)}${vsCurl(pa)}`],
      [
        "node: the server's table rows instead (as=Table, includeObject=Metadata), fetched and parsed the same way",
        `${dist(tb)}${vsCurl(tb)}; JSON.parse alone p50 ${msShort(tbParse.p50)}; ${(tables[0]!.bytes / 1e6).toFixed(0)} MB (kube-sim prints each pod's row from what it read of the pod when it was stored, as kube-apiserver prints from its watch cache)`,
      ],
      ['first list request → page 2 asked', `${dist(fp)}  (the first page's round trip in the daemon)`],
      ['first page arrived → first rows painted', dist(fr)],
      ['first list request → all rows painted', dist(ar)],
      ['then s: key → painted (its header)', dist(summary(sortAfterLoad))],
      ['then s: key → the rows in order (no sorting…)', dist(summary(sortedAfterLoad))],
    ]);
    record({ figure: `${title}: first rows after the first page`, value: `p50 ${msShort(fr.p50)} max ${msShort(fr.max)}`, baseline: `first page ${msShort(fp.p50)}`, ratio: '—', goal: '≤ 300 ms', met: fr.max <= 300 });
    const sortWorst = Math.max(...sortAfterLoad);
    record({ figure: `sort right after the list loaded, ${title} (max)`, value: msShort(sortWorst), baseline: `rows in order ${msShort(Math.max(...sortedAfterLoad))}`, ratio: '—', goal: '≤ 16 ms', met: sortWorst <= 16 });
    if (noCurl) skipped(`${title}: all rows vs one curl`, '≤ 2× curl', noCurl);
    else record({ figure: `${title}: all rows on screen`, value: `p50 ${msShort(ar.p50)}`, baseline: `curl p50 ${msShort(cu.p50)} (Node floor: pages + JSON.parse ${msShort(fl.p50)}, the parse alone ${msShort(pa.p50)})`, ratio: ratio(ar.p50, cu.p50), goal: '≤ 2× curl', met: ar.p50 <= 2 * cu.p50 });

    if (mem) {
      const perPodHeap = (mem.after.heapUsed - mem.before.heapUsed) / N;
      const perPodRss = (mem.after.rss - mem.before.rss) / N;
      const object = await parsedPodBytes(cluster);
      report(`lists: daemon memory per watched pod (after a full GC in the daemon and here)`, [
        ['daemon heap before → after the list', `${(mem.before.heapUsed / MiB).toFixed(1)} → ${(mem.after.heapUsed / MiB).toFixed(1)} MiB (RSS ${(mem.before.rss / MiB).toFixed(1)} → ${(mem.after.rss / MiB).toFixed(1)} MiB)`],
        ['heap per pod', `${perPodHeap.toFixed(0)} B  (RSS ${perPodRss.toFixed(0)} B)`],
        ['a parsed pod object (JSON.parse, this process)', `${object.heap.toFixed(0)} B  (its JSON ${object.json.toFixed(0)} B)`],
        ['heap beyond the object itself', `${(perPodHeap - object.heap).toFixed(0)} B  (issue 4's target ≤ 1024 B)`],
      ]);
    }

    await c.waitFrame('settled on all rows', (s) => badge(s)?.total === N && s.selected(podName(0)), 60_000, true);
    await filterAndSort(c, N);
    const cpu = await holdJ(c, N);
    await churn(cluster, c, d, env.env.KUBECONFIG!, N);
    return { clientCpuPerFrame: cpu };
  } finally {
    await client?.kill();
    await daemon?.stop();
  }
}

/** Heap of one parsed pod of the list, after a GC (this process), and its JSON size. */
async function parsedPodBytes(cluster: BenchCluster): Promise<{ heap: number; json: number }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const file = join(cluster.home.dir, 'page.json');
  const { execFileSync } = await import('node:child_process');
  execFileSync('curl', ['-s', '-o', file, '--cacert', cluster.sim.caFile, '-H', `Authorization: Bearer ${cluster.sim.token}`, `${cluster.sim.url}${LIST_PATH}?limit=2000`]);
  const items = (JSON.parse(readFileSync(file, 'utf8')) as { items: unknown[] }).items;
  const texts = items.map((o) => JSON.stringify(o));
  gc();
  const h0 = process.memoryUsage().heapUsed;
  const held = texts.map((t) => JSON.parse(t) as unknown);
  gc();
  const heap = (process.memoryUsage().heapUsed - h0) / held.length;
  return { heap, json: texts.reduce((n, t) => n + t.length, 0) / texts.length };
}

/** Filter keystrokes and sorts on the big list, key → painted, interleaved with `j` (the same path without a re-filter). */
async function filterAndSort(c: PtyClient, N: number): Promise<void> {
  /** Each key's [sent, painted], by kind. */
  const spans = { j: [] as Span[], first: [] as Span[], next: [] as Span[], clear: [] as Span[], sort: [] as Span[] };
  /** The slowest key of the first round (the list just loaded: its background warm-up may still run). */
  let firstRound = 0;
  const kernel = KernelBursts.start();
  const t0 = performance.now();
  try {
    for (let r = 0; r < opts.filterRounds; r++) {
      if (r === 1) firstRound = Math.max(...durations(Object.values(spans).flat()));
      // A: j on the same list.
      const cur = selectedIndex(c.screen());
      await keyToFrame(c, 'j', 'j', (s) => selectedIndex(s) === cur + 1, spans.j);
      await pace(60);
      // B: / 9 8 7, then Esc; then every sort column in turn, back to unsorted.
      await keyToFrame(c, '/', 'filter mode', (s) => s.has(' FILTER '));
      await pace(60);
      let q = '';
      for (const ch of ['9', '8', '7']) {
        q += ch;
        const want = `/${q}`;
        await keyToFrame(c, ch, `filter ${want}`, (s) => footer(s).startsWith(want), q.length === 1 ? spans.first : spans.next);
        await pace(60);
      }
      await keyToFrame(c, '\x1b', 'filter cleared', (s) => badge(s)?.shown === N && !footer(s).startsWith('/'), spans.clear);
      await pace(60);
      let prev = sortedBy(c.screen());
      for (let k = 0; k < 12; k++) {
        const before = prev;
        await keyToFrame(c, 's', 'sorted', (s) => sortedBy(s) !== before, spans.sort);
        prev = sortedBy(c.screen());
        await pace(60);
        if (prev === null) break;
      }
      await keyToFrame(c, 'g', 'top', topSelected);
    }
  } finally {
    kernel?.stop();
  }
  const j = summary(durations(spans.j));
  const f1 = summary(durations(spans.first));
  const fn = summary(durations(spans.next));
  const cl = summary(durations(spans.clear));
  const so = summary(durations(spans.sort));
  report(`lists: filter keystrokes and sorts on ${N.toLocaleString('en')} pods, key → painted (160×50), interleaved with j`, [
    ['machine load', load()],
    ['j (baseline)', dist(j)],
    ['first filter key (/9: a full scan)', dist(f1)],
    ['next filter keys (98, 987: narrowing)', dist(fn)],
    ['Esc (filter cleared)', dist(cl)],
    ['s (sort by the next column)', dist(so)],
    ['the slowest key of the first round', `${msShort(firstRound)}  (right after the list loaded; ${opts.filterRounds} rounds in ${msShort(performance.now() - t0)})`],
    ...(kernel ? kernel.rows(spans) : []),
  ]);
  record({ figure: `filter: first keystroke, ${big(N)} (p99)`, value: msShort(f1.p99), baseline: `j ${msShort(j.p99)}`, ratio: ratio(f1.p99, j.p99), goal: '≤ 16 ms', met: f1.p99 <= 16 });
  record({ figure: `filter: next keystrokes, ${big(N)} (p99)`, value: msShort(fn.p99), baseline: `j ${msShort(j.p99)}`, ratio: ratio(fn.p99, j.p99), goal: '≤ 16 ms', met: fn.p99 <= 16 });
  record({ figure: `sort, ${big(N)} (p99)`, value: msShort(so.p99), baseline: `j ${msShort(j.p99)}`, ratio: ratio(so.p99, j.p99), goal: '≤ 16 ms', met: so.p99 <= 16 });
}

/**
 * Holds `j` at 30 keys/s for 5 s, `opts.holds` times: each key's frame, gaps between frames, settling, client CPU per frame.
 * The keys come from a worker thread on an absolute schedule (bench/lib/key-sender.ts), which
 * records when each was really written: a key it wrote late is named as the sender's, not the client's.
 */
async function holdJ(c: PtyClient, N: number): Promise<number[]> {
  const latency: number[] = [];
  const frameGaps: number[] = [];
  const keyGaps: number[] = [];
  /** How late each key was written against its schedule. */
  const lateness: number[] = [];
  /** Gaps between the frames of consecutive keys both written on time (≤ ON_TIME_MS late). */
  const onTimeGaps: number[] = [];
  /** The same gaps minus the keys' own spacing: how much later than its key's the frame came. */
  const onTimeJitter: number[] = [];
  /** Key → painted, keys written on time. */
  const onTimeLatency: number[] = [];
  const settle: number[] = [];
  const cpuPerFrame: number[] = [];
  /**
   * This process's event-loop delay, one histogram per hold: one re-enabled after `disable()` counts
   * the time it was off as a single delay (node 20: 1,544 ms printed for the pause between two holds).
   */
  const loops: IntervalHistogram[] = [];
  const interval = 1000 / KEYS_PER_S;
  const n = KEYS_PER_S * HOLD_S;
  const ON_TIME_MS = 2;
  let senderNice: number | string = '';
  for (let r = 0; r < opts.holds; r++) {
    await keyToFrame(c, 'g', 'top', topSelected);
    await sleep(500);
    const base = selectedIndex(c.screen());
    c.frameTimes.length = 0;
    c.recording = true;
    const cpu0 = cpuMs(c.pid);
    const f0 = c.arrived;
    const startAt = performance.now();
    // Key k's frame selects row base + k; no frame before the first key can.
    const painted = Array.from({ length: n }, (_, i) => c.waitFrame(`key ${i + 1}`, (s) => selectedIndex(s) >= base + i + 1, 60_000, false, startAt));
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loops.push(loop);
    loop.enable();
    const held = await asPromptObserver(async () => {
      const keys = await sendKeysOnSchedule(c.fd, Array.from({ length: n }, () => 'j'), interval);
      return { ...keys, frames: await Promise.all(painted) };
    });
    const { sent, due, nice, frames } = held.result;
    senderNice = `${nice}; frames stamped by a thread at ${held.priority}`;
    loop.disable();
    const end = frames[n - 1]!.at;
    await sleep(1000);
    const final = selectedIndex(c.screen());
    if (final !== base + n) throw new Error(`holding j: ${n} keys from row ${base} should select row ${base + n}, the screen shows ${final}`);
    c.recording = false;
    cpuPerFrame.push((cpuMs(c.pid) - cpu0) / Math.max(1, c.arrived - f0));
    frames.forEach((f, k) => latency.push(f.at - sent[k]!));
    sent.forEach((t, k) => lateness.push(t - due[k]!));
    for (let k = 1; k < n; k++) {
      keyGaps.push(sent[k]! - sent[k - 1]!);
      if (sent[k]! - due[k]! <= ON_TIME_MS && sent[k - 1]! - due[k - 1]! <= ON_TIME_MS) {
        onTimeGaps.push(frames[k]!.at - frames[k - 1]!.at);
        onTimeJitter.push(frames[k]!.at - frames[k - 1]!.at - (sent[k]! - sent[k - 1]!));
      }
    }
    frames.forEach((f, k) => {
      if (sent[k]! - due[k]! <= ON_TIME_MS) onTimeLatency.push(f.at - sent[k]!);
    });
    const during = c.frameTimes.filter((t) => t >= sent[0]! && t <= end);
    for (let k = 1; k < during.length; k++) frameGaps.push(during[k]! - during[k - 1]!);
    settle.push(end - sent[n - 1]!);
  }
  const lat = summary(latency);
  const fg = summary(frameGaps);
  const kg = summary(keyGaps);
  const og = summary(onTimeGaps);
  const oj = summary(onTimeJitter);
  const ol = summary(onTimeLatency);
  const st = summary(settle);
  const cpf = summary(cpuPerFrame);
  report(`lists: holding j at ${KEYS_PER_S} keys/s for ${HOLD_S} s on ${N.toLocaleString('en')} pods (160×50), ${opts.holds} time(s)`, [
    ['machine load', load()],
    ['key → its row selected on screen', dist(lat)],
    ['gaps between frames while held', dist(fg)],
    ['gaps between keys written (worker thread, absolute schedule)', dist(kg)],
    ['key written after its due time (the sender’s own lateness)', `${dist(summary(lateness))}  (${lateness.filter((x) => x > ON_TIME_MS).length} of ${lateness.length} over ${ON_TIME_MS} ms; sender thread: ${senderNice})`],
    ['frames of consecutive keys both written on time: gap', `${dist(og)}  (${og.n} of ${keyGaps.length} pairs; a key written late cannot be painted on time)`],
    ['the same pairs: frame gap minus the keys’ gap', `${dist(oj)}  (the latency difference of consecutive keys)`],
    ['keys written on time: key → painted', `${dist(ol)}  (${ol.n} keys)`],
    ['last key → screen settled', dist(st)],
    ['this process’s event-loop delay meanwhile', `p99 ${msShort(Math.max(...loops.map((l) => l.percentile(99))) / 1e6)}  max ${msShort(Math.max(...loops.map((l) => l.max)) / 1e6)}  (the worst hold's; it stamps the frames; the keys come from a worker thread)`],
    ['client CPU per frame', `${cpuPerFrame.map((x) => x.toFixed(2)).join(', ')} ms`],
  ]);
  // The goal: the screen keeps pace with the keys, a frame per key and never a frame behind. Two
  // frames are apart by the keys' own spacing (33.3 ms at 30/s) plus the difference of their
  // latencies, so "≤ 33 ms apart" read literally fails for a client of constant latency on half the
  // pairs (the raw gaps' p50 is 33.2–33.4 ms); what the client controls is each key's latency, and a
  // frame painted within 33 ms of its key is on screen before the next key. A key the sender wrote
  // late (the machine gave its thread no CPU, see the lateness) says nothing of the client: left out.
  record({ figure: `holding j 30/s, ${big(N)}: every key painted within a frame (33 ms), keys on time`, value: `max ${msShort(ol.max)} (p99 ${msShort(ol.p99)}; frames apart max ${msShort(og.max)}, beyond the keys' spacing max ${msShort(oj.max)})`, baseline: `key gap max ${msShort(kg.max)}, late max ${msShort(Math.max(...lateness))}`, ratio: '—', goal: '≤ 33 ms', met: ol.max <= 33 });
  record({ figure: `holding j 30/s, ${big(N)}: settles after the last key`, value: `max ${msShort(st.max)}`, baseline: '—', ratio: '—', goal: '≤ 50 ms', met: st.max <= 50 });
  return [cpf.max];
}

/** Presses `s` until the list is sorted by `column` (null: unsorted). */
async function sortBy(c: PtyClient, column: string | null): Promise<void> {
  for (let k = 0; k < 12 && sortedBy(c.screen()) !== column; k++) {
    const before = sortedBy(c.screen());
    await keyToFrame(c, 's', 'sort', (s) => sortedBy(s) !== before);
    await sleep(100);
  }
  if (sortedBy(c.screen()) !== column) throw new Error(`could not sort by ${column}`);
  // The rows in that order: a sort whose keys were not made yet says `sorting…` until they are (the
  // figures after this are of a list that stays sorted, not of the sort itself).
  await c.waitFrame('sorted', inOrder, 60_000, true);
}

/** Which markers of each window were slow (over 2× the p50): a tail that is always a window's first is the sort's leftovers, not the churn. */
function slowMarkers(lags: number[], p50: number): string {
  const slow = lags.map((v, i) => ({ v, nth: (i % opts.markers) + 1 })).filter((x) => x.v > 2 * p50);
  return slow.length ? slow.map((x) => `${msShort(x.v)} (#${x.nth})`).join(', ') : 'none';
}

async function churn(cluster: BenchCluster, c: PtyClient, d: BenchDaemon, kubeconfig: string, N: number): Promise<void> {
  const sim = cluster.sim;
  const noKubectl = kubectlMissing();
  try {
    // CPU: the daemon and `kubectl get pods -w` on the same stream, in the same windows. kubectl lists
    // before the churn starts (its paged list would outlive the sim's continue tokens under 2,000 events/s),
    // in one request: paged by 500, kubectl's own client-side rate limit (5 requests/s) made its initial
    // list of 100k pods take ~43 s of the run. Only the windows after it are measured.
    const daemonCpu = { sorted: [] as number[], unsorted: [] as number[] };
    const kubectlCpu: number[] = [];
    let kubectlStarted = 'skipped';
    if (!noKubectl) {
      let lines = 0;
      const k = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods', '-w', '--chunk-size=0'], { stdio: ['ignore', 'pipe', 'inherit'] });
      k.stdout!.on('data', (b: Buffer) => {
        for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
      });
      const t0 = performance.now();
      try {
        await waitFor('kubectl get -w listed every pod', () => lines > N, 300_000, 100);
        kubectlStarted = `${msShort(performance.now() - t0)}, ${cpuMs(k.pid!).toFixed(0)} ms CPU`;
        await sim.admin('event-rate', { perSec: CHURN, namespace: NS });
        await waitFor('kubectl get -w receiving events', () => lines > N + CHURN, 30_000, 100);
        await sleep(1000);
        for (let w = 0; w < opts.cpuWindows; w++) {
          const sorted = w % 2 === 1;
          await sortBy(c, sorted ? 'AGE' : null);
          await sleep(500);
          const d0 = cpuMs(d.pid);
          const k0 = cpuMs(k.pid!);
          const t = performance.now();
          await sleep(opts.cpuWindowS * 1000);
          const s = (performance.now() - t) / 1000;
          (sorted ? daemonCpu.sorted : daemonCpu.unsorted).push((cpuMs(d.pid) - d0) / 10 / s);
          kubectlCpu.push((cpuMs(k.pid!) - k0) / 10 / s);
        }
      } finally {
        k.kill();
      }
    }
    await sim.admin('event-rate', { perSec: CHURN, namespace: NS });
    await sleep(1000);
    // Lag: marker pods created in kube-sim until painted, unsorted and sorted by AGE (newest first), interleaved.
    const lag = { sorted: [] as number[], unsorted: [] as number[] };
    const lagCpu = { sorted: [] as number[], unsorted: [] as number[] };
    /**
     * When kube-sim answered the marker's create (it sends the ADDED event before it answers): the
     * simulator's share of the lag, on the same 2 cores as the event generator it runs (2,000 MODIFIED/s).
     */
    const simAccept = { sorted: [] as number[], unsorted: [] as number[] };
    let serial = 0;
    const missed: string[] = [];
    let misses = 0;
    // As in the hold: the thread that stamps frames runs at real-time priority, so the bench's own
    // event loop (busy parsing screens under churn) delays a marker's stamp less than the machine delays its frame.
    const { priority: stampPriority } = await asPromptObserver(async () => {
      for (let r = 0; r < opts.churnRounds; r++) {
        for (const sorted of [false, true]) {
          misses = 0;
          try {
            await sortBy(c, sorted ? 'AGE' : null);
            await keyToFrame(c, 'g', 'top', topSelected);
          } catch (err) {
            missed.push(`could not ${sorted ? 'sort by AGE' : 'unsort'}: ${String(err).split('\n')[0]}; the pane said: ${footer(c.screen()).slice(0, 140)}`);
            continue;
          }
          await sleep(300);
          const d0 = cpuMs(d.pid);
          const t = performance.now();
          for (let m = 0; m < opts.markers; m++) {
            // Names before `pod-` and newest first by name; by AGE the newest is first anyway.
            const name = `a-${String(999_999 - serial++).padStart(6, '0')}`;
            const t0 = performance.now();
            const painted = c.waitFrame(`marker ${name}`, (s) => s.has(name), MARKER_TIMEOUT, false, t0);
            await sim.createPod(NS, name);
            const accepted = performance.now() - t0;
            const seen = await painted.catch(() => null);
            (sorted ? simAccept.sorted : simAccept.unsorted).push(accepted);
            // A marker never painted counts as the deadline (a lag of at least that), and why is said.
            (sorted ? lag.sorted : lag.unsorted).push(seen ? seen.at - t0 : MARKER_TIMEOUT);
            if (!seen) {
              const why = footer(c.screen()) || c.screen().lines[c.screen().lines.length - 1] || '';
              missed.push(`${name} (${sorted ? 'sorted' : 'unsorted'}) not painted in ${MARKER_TIMEOUT / 1000} s; the pane said: ${why.slice(0, 140)}`);
              if (++misses >= 2) break;
            } else misses = 0;
            await pace(150);
          }
          (sorted ? lagCpu.sorted : lagCpu.unsorted).push((cpuMs(d.pid) - d0) / 10 / ((performance.now() - t) / 1000));
        }
      }
    });
    await sortBy(c, null).catch(() => undefined);
    const ls = summary(lag.sorted);
    const lu = summary(lag.unsorted);
    const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const lost = (sorted: boolean): string => {
      const n = (sorted ? lag.sorted : lag.unsorted).filter((x) => x >= MARKER_TIMEOUT).length;
      return n ? `, ${n} never painted` : '';
    };
    const dS = avg(daemonCpu.sorted);
    const dU = avg(daemonCpu.unsorted);
    const kC = avg(kubectlCpu);
    report(`lists: ${CHURN.toLocaleString('en')} pod events/s on ${N.toLocaleString('en')} pods: a marker pod created in kube-sim → painted (160×50)`, [
      ['machine load', load()],
      ['unsorted: marker → painted', dist(lu)],
      ['sorted by AGE: marker → painted', dist(ls)],
      ['unsorted: markers over 2× the p50 (n-th of its window)', slowMarkers(lag.unsorted, lu.p50)],
      ['sorted: markers over 2× the p50 (n-th of its window)', slowMarkers(lag.sorted, ls.p50)],
      ['the bench thread that stamps frames', stampPriority],
      ['of which kube-sim took to answer the create (unsorted / sorted)', `${dist(summary(simAccept.unsorted))} / ${dist(summary(simAccept.sorted))}`],
      ['daemon CPU in those windows (unsorted / sorted)', `${avg(lagCpu.unsorted).toFixed(0)}% / ${avg(lagCpu.sorted).toFixed(0)}% of one core`],
      ['kubectl get pods -w: initial list', kubectlStarted],
      ...missed.map((m): [string, string] => ['LOST', m]),
      ['CPU, same stream, same windows', noKubectl ? `skipped: ${noKubectl}` : `daemon unsorted ${dU.toFixed(1)}%, sorted ${dS.toFixed(1)}%; kubectl get -w ${kC.toFixed(1)}% of one core (${opts.cpuWindows} × ${opts.cpuWindowS} s)`],
    ]);
    record({ figure: `2,000 events/s, ${big(N)}, sorted: view lag`, value: `p99 ${msShort(ls.p99)} (p50 ${msShort(ls.p50)})${lost(true)}`, baseline: '—', ratio: '—', goal: 'p99 ≤ 50 ms', met: ls.n > 0 && ls.p99 <= 50 });
    if (noKubectl) skipped(`2,000 events/s, ${big(N)}, sorted: daemon CPU`, '< kubectl', noKubectl);
    else record({ figure: `2,000 events/s, ${big(N)}, sorted: daemon CPU`, value: `${dS.toFixed(1)}% of a core`, baseline: `kubectl get -w ${kC.toFixed(1)}%`, ratio: ratio(dS, kC), goal: '< kubectl get -w', met: dS < kC });
    record({ figure: `2,000 events/s, ${big(N)}, unsorted: view lag`, value: `p99 ${msShort(lu.p99)} (p50 ${msShort(lu.p50)})${lost(false)}`, baseline: '—', ratio: '—', goal: 'p99 ≤ 50 ms', met: lu.n > 0 && lu.p99 <= 50 });
  } finally {
    await sim.admin('event-rate', { perSec: 0 });
  }
}

export type { Summary };
