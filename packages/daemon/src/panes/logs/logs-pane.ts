import type { LinesView, PaneCommand, PaneView, Viewport } from '@kubetile/rpc-schema';
import { KubeApiError } from '../../kube/api-error.js';
import { arrivalSeq, type LogLine, type LogOrigin } from '../../kube/logs/log-line.js';
import type { LogSources } from '../../kube/logs/log-sources.js';
import type { SourceState } from '../../kube/logs/source-state.js';
import type { KubeObject } from '../../kube/types.js';
import { errorMessage } from '../../util/errors.js';
import { BasePane } from '../base-pane.js';
import type { ClientPrompts, PaneContext } from '../pane.js';
import type { PaneGroup } from '../../keys/bindings.js';
import { LogBuffer } from './log-buffer.js';
import { compileFilter, type LogFilter } from './log-filter.js';
import { LogScroll, type MatchList } from './log-scroll.js';
import { WithProvisional } from './provisional.js';
import { lineText, OriginLabels, type RenderOptions } from './line-render.js';
import { LineLayouts } from './line-layouts.js';
import { logFrame } from './log-frame.js';
import { historyFor, parseLogsArgs, SINCE_CHOICES, sinceLabel, type LogsArgs, type SinceChoice } from './logs-args.js';
import { PaneFeeds, type Feed } from './pane-feeds.js';
import { containerLabel, containersOf, containerStarted, fetchPod, type ContainerInfo } from './pod-containers.js';
import { WorkloadPods, type PodChanges } from './workload-pods.js';
import { describeSelector, fetchSelector, type LabelSelector } from './workload-selector.js';
import { LogExports } from './log-exports.js';
import { grouped } from '../../util/grouped.js';

const ALL_CONTAINERS = 'all containers';
const MARKER_ORIGIN: LogOrigin = { pod: '', container: '' };
/** At most one redraw per this many ms while lines pour in. */
const REDRAW_MS = 16;

/** What the pane shows logs of, as the user chose it (the arguments, then `c`, `p`, `s`). */
interface Choice {
  container: string | null;
  all: boolean;
  previous: boolean;
  since: SinceChoice;
}

/**
 * Logs of one pod (one container, or all of them interleaved by timestamp) or of every pod a
 * workload's selector picks, following. Streams are shared (LogSources); the pane keeps a bounded
 * buffer of references, its filter, its scroll position and what it shows.
 */
export class LogsPane extends BasePane {
  private readonly spec: LogsArgs | null;
  private readonly ctx: PaneContext;
  private problem: string | null = null;
  private info: string | null = null;
  private readonly buffer: LogBuffer;
  private readonly scroll = new LogScroll();
  /** The last view's rows, for how far a sideways scroll may go (not past the widest line shown). */
  private lastShown: { maxH(): number } | null = null;
  private readonly labels = new OriginLabels();
  /** Long lines as shown, kept from frame to frame (a frame costs the rows it shows). */
  private readonly layouts = new LineLayouts();
  private filterQuery = '';
  private filter: LogFilter | null = null;
  /** The filter's test on a line (null: every line shows). */
  private lineTest: ((l: LogLine) => boolean) | null = null;
  private showTimestamps: boolean;
  private choice: Choice;
  private feeds: PaneFeeds;
  private containers: ContainerInfo[] = [];
  private selector: LabelSelector | null = null;
  private workload: WorkloadPods | null = null;
  private podCount = 0;
  private gonePods = 0;
  private received = 0;
  private readonly tailLines: number;
  private readonly exports: LogExports;
  private redrawTimer: NodeJS.Timeout | null = null;
  private disposed = false;
  /** Bumped on every restart: late answers for an older setup are ignored. */
  private generation = 0;

  constructor(
    ctx: PaneContext,
    private readonly sources: LogSources,
  ) {
    super('logs', ctx);
    this.ctx = ctx;
    const cfg = ctx.services.config().logs;
    this.tailLines = cfg.tail_lines;
    this.buffer = new LogBuffer(cfg.max_lines, cfg.max_bytes);
    const parsed = parseLogsArgs(ctx.args);
    this.spec = parsed.ok ? parsed.args : null;
    if (!parsed.ok) this.problem = parsed.error;
    const a = this.spec;
    this.choice = { container: a?.container ?? null, all: a?.allContainers === true, previous: a?.previous === true, since: a?.since ?? 'tail' };
    this.showTimestamps = a?.timestamps === true;
    this.feeds = this.makeFeeds();
    this.exports = new LogExports({
      sources: () => this.exportTargets(),
      kc: () => this.ctx.services.kube.configFor(this.spec!.context),
      config: () => this.ctx.services.config().logs,
      streams: () => this.ctx.services.streams.open('logs'),
      meta: () => this.fileMeta(),
      render: () => this.renderOptions(),
      labels: this.labels,
    });
    if (this.spec) this.start();
  }

  // ---- setup ---------------------------------------------------------------------------------

  private makeFeeds(): PaneFeeds {
    const a = this.spec;
    return new PaneFeeds({
      sources: this.sources,
      context: a?.context ?? '',
      namespace: a?.namespace ?? 'default',
      previous: this.choice.previous,
      lines: (ls) => this.onLines(ls),
      state: (f, s) => this.onState(f, s),
      partial: () => this.touch(),
    });
  }

  private start(): void {
    const gen = ++this.generation;
    const a = this.spec!;
    if (!this.ctx.services.kube.available) {
      this.problem = `no cluster connection: ${this.ctx.services.kube.problem ?? 'no kubeconfig'}`;
      return;
    }
    if (a.kind === 'Pod') void this.startPod(gen);
    else void this.startWorkload(gen);
  }

  private kc() {
    return this.ctx.services.kube.configFor(this.spec!.context);
  }

  private async startPod(gen: number): Promise<void> {
    const a = this.spec!;
    let pod: KubeObject | null = null;
    this.info = `reading pod ${a.namespace}/${a.name}`;
    try {
      pod = await fetchPod(this.kc(), a.namespace, a.name);
    } catch (err) {
      if (gen !== this.generation || this.disposed) return;
      if (err instanceof KubeApiError && err.status === 404) {
        this.problem = `pod ${a.namespace}/${a.name} not found (it was deleted, or never existed)`;
        this.info = null;
        this.touch();
        return;
      }
      // Reading the pod was refused or failed: the log request itself will say what is wrong.
      this.ctx.logger.warn({ err: errorMessage(err) }, 'logs: reading the pod failed');
    }
    if (gen !== this.generation || this.disposed) return;
    this.info = null;
    if (pod) this.containers = containersOf(pod);
    const c = this.choice;
    let names: string[];
    if (c.container !== null) {
      if (pod && !this.containers.some((x) => x.name === c.container)) {
        this.problem = `pod ${a.namespace}/${a.name} has no container '${c.container}' (it has: ${this.containers.map(containerLabel).join(', ') || 'none'})`;
        this.touch();
        return;
      }
      names = [c.container];
    } else if (!pod) names = [''];
    else if (this.containers.length === 1 && !c.all) names = [this.containers[0]!.name];
    else {
      c.all = true;
      names = this.containers.map((x) => x.name);
    }
    const history = historyFor(c.since, this.tailLines);
    const uid = pod?.metadata.uid ?? a.uid;
    for (const n of names) this.feeds.add(a.name, uid, n, history);
    this.touch();
  }

  private async startWorkload(gen: number): Promise<void> {
    const a = this.spec!;
    this.info = `reading ${a.kind} ${a.namespace}/${a.name}`;
    let selector: LabelSelector;
    try {
      selector = this.selector ?? (await fetchSelector(this.kc(), a.kind as Exclude<LogsArgs['kind'], 'Pod'>, a.namespace, a.name));
    } catch (err) {
      if (gen !== this.generation || this.disposed) return;
      this.problem = err instanceof KubeApiError && err.status === 404 ? `${a.kind} ${a.namespace}/${a.name} not found` : errorMessage(err);
      this.info = null;
      this.touch();
      return;
    }
    if (gen !== this.generation || this.disposed) return;
    this.selector = selector;
    this.info = `waiting for the pods of ${describeSelector(selector)}`;
    this.workload = new WorkloadPods(this.ctx.services.kube, a.context, a.namespace, selector, (ch) => this.onPods(ch, gen));
    this.workload.start();
    this.touch();
  }

  /** Names of the containers to follow in `pod`, per the choice. */
  private wanted(pod: KubeObject): string[] {
    const names = containersOf(pod)
      .filter((c) => !c.init)
      .map((c) => c.name);
    return this.choice.container !== null ? names.filter((n) => n === this.choice.container) : names;
  }

  private onPods(ch: PodChanges, gen: number): void {
    if (gen !== this.generation || this.disposed) return;
    const history = historyFor(this.choice.since, this.tailLines);
    // By uid, not name: a pod deleted and created again under the same name (a StatefulSet's) may be
    // reported gone and new in one batch, and the old one's feeds must not hide (or take) the new one.
    const goneUids = new Set(ch.removed.map((p) => p.metadata.uid));
    for (const pod of ch.removed) this.dropPod(pod.metadata.name, (f) => f.uid === undefined || f.uid === pod.metadata.uid);
    for (const pod of ch.upserted) {
      const name = pod.metadata.name;
      const uid = pod.metadata.uid;
      if (goneUids.has(uid)) continue;
      // An older pod of the same name whose end was never reported (a relist): it is gone.
      this.dropPod(name, (f) => f.uid !== undefined && f.uid !== uid);
      for (const c of this.wanted(pod)) {
        if (this.feeds.has(`${name}/${c}`)) continue;
        if (!this.choice.previous && !containerStarted(pod, c)) continue;
        // Pods there when the pane opened show the chosen history; ones that start later, all of it.
        const started = ch.initial && containerStarted(pod, c);
        this.feeds.add(name, uid, c, started || this.choice.previous ? history : { all: true });
      }
    }
    this.podCount = this.workload?.count ?? 0;
    this.info = this.podCount === 0 ? `no pods match ${describeSelector(this.selector!)} (yet)` : null;
    this.touch();
  }

  /** Leaves the feeds of pod `name` that `which` picks; marks the pod gone if it had any. */
  private dropPod(name: string, which: (f: Feed) => boolean): void {
    let had = false;
    for (const f of this.feeds.all()) {
      if (f.pod !== name || !which(f)) continue;
      this.feeds.remove(f.key);
      had = true;
    }
    if (had) {
      this.gonePods++;
      this.marker('warn', `── pod ${name} is gone ──`);
    }
  }

  /** Restarts every stream with the current choice (container, previous, since). */
  private restart(): void {
    this.feeds.close();
    this.workload?.dispose();
    this.workload = null;
    this.buffer.clear();
    this.received = 0;
    this.gonePods = 0;
    this.problem = null;
    this.feeds = this.makeFeeds();
    this.scroll.toBottom();
    this.start();
    this.touch();
  }

  // ---- lines and states ----------------------------------------------------------------------

  private onLines(lines: readonly LogLine[]): void {
    this.received += lines.length;
    this.buffer.insert(lines);
    this.touch();
  }

  private onState(feed: Feed, s: SourceState): void {
    const who = this.spec?.kind === 'Pod' ? feed.container : feed.key;
    if (this.multi() && (s.phase === 'ended' || s.phase === 'error')) {
      this.marker(s.phase === 'error' ? 'error' : 'info', `── ${who}: ${s.phase === 'error' ? s.message : `ended: ${s.reason}`} ──`);
    }
    // Where one run of a container ended and the next (followed) begins, in every pane.
    if (s.phase === 'restarting') this.marker('warn', `── ${who}: ${s.reason}; its next run follows ──`);
    this.touch();
  }

  /** A line of the pane's own (a pod went away, a stream ended), placed after the newest line. */
  private marker(kind: 'info' | 'warn' | 'error', text: string): void {
    // Where the last line sorts, not its own timestamp: a line stepped back an hour sorts at the end.
    const last = this.buffer.lastKey();
    this.buffer.insert([{ sec: last?.sec ?? Math.floor(Date.now() / 1000), nano: last?.nano ?? 0, seq: arrivalSeq(), text, chars: text.length, origin: MARKER_ORIGIN, cut: 0, marker: kind }]);
  }

  /** Coalesces redraws while lines pour in. */
  private touch(): void {
    if (this.redrawTimer || this.disposed) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = null;
      if (!this.disposed) this.changed.emit();
    }, REDRAW_MS);
  }

  // ---- keys ----------------------------------------------------------------------------------

  bindingGroup(): PaneGroup {
    return 'logs';
  }

  handleCommand(cmd: PaneCommand): void {
    const b = this.shownLines();
    switch (cmd.type) {
      case 'scroll_up':
      case 'select_prev':
        this.scroll.scroll(b, -1);
        break;
      case 'scroll_down':
      case 'select_next':
        this.scroll.scroll(b, 1);
        break;
      case 'page_up':
        this.scroll.page(b, -1);
        break;
      case 'page_down':
        this.scroll.page(b, 1);
        break;
      case 'go_to_top':
        this.scroll.toTop(b);
        break;
      case 'go_to_bottom':
        this.scroll.toBottom();
        break;
      case 'toggle_follow':
        this.scroll.toggleFollow();
        break;
      case 'toggle_wrap':
        this.scroll.toggleWrap();
        break;
      case 'scroll_left':
        this.scroll.left();
        break;
      case 'scroll_right':
        this.scroll.right(this.lastShown?.maxH() ?? 0);
        break;
      case 'filter':
        this.setFilter(cmd.query);
        break;
      case 'clear_filter':
        this.setFilter('');
        break;
      case 'back':
        // As k9s: esc clears a filter first, then leaves the logs (back to the list beside them).
        if (!this.filterQuery) {
          this.ctx.requests.close('back');
          return;
        }
        this.setFilter('');
        break;
      default:
        return;
    }
    this.changed.emit();
  }

  private setFilter(query: string): void {
    this.filterQuery = query;
    this.filter = compileFilter(query);
    const f = this.filter;
    if (f && f.ok) {
      const opts = this.renderOptions();
      const prefixed = opts.prefix;
      this.lineTest = prefixed ? (l) => f.test(lineText(l, this.labels, { ...opts, timestamps: false })) : (l) => f.test(l.text);
    } else this.lineTest = null;
    this.buffer.setFilter(this.lineTest);
    this.scroll.filterChanged(this.buffer);
  }

  handleAction(name: string, prompts: ClientPrompts): void {
    if (!this.spec) {
      prompts.toast('warn', this.problem ?? 'this logs pane has nothing to act on');
      return;
    }
    switch (name) {
      case 'toggle_timestamps':
        this.showTimestamps = !this.showTimestamps;
        this.changed.emit();
        return;
      case 'toggle_previous':
        this.choice.previous = !this.choice.previous;
        prompts.toast('info', this.choice.previous ? "showing the previous container's logs" : 'showing the current logs');
        this.restart();
        return;
      case 'pick_container':
        void this.pickContainer(prompts);
        return;
      case 'pick_since':
        void this.pickSince(prompts);
        return;
      case 'save':
        void this.exports.save(this.buffer.matching(), this.filterQuery, prompts);
        return;
      case 'download':
        void this.exports.download(prompts);
        return;
    }
  }

  private containerChoices(): string[] {
    if (this.spec?.kind === 'Pod') return this.containers.map(containerLabel);
    const names = new Set<string>();
    for (const p of this.workload?.pods() ?? []) for (const c of containersOf(p)) if (!c.init) names.add(c.name);
    return [...names].sort();
  }

  private async pickContainer(prompts: ClientPrompts): Promise<void> {
    const items = [ALL_CONTAINERS, ...this.containerChoices()];
    if (items.length === 1) {
      prompts.toast('info', 'no containers to choose from');
      return;
    }
    const current = this.choice.all || this.choice.container === null ? 0 : Math.max(0, items.findIndex((i) => i.replace(/ \(init\)$/, '') === this.choice.container));
    const picked = await prompts.pick('Container', items, { selected: current });
    if (picked === null || this.disposed) return;
    if (picked === ALL_CONTAINERS) {
      this.choice.container = null;
      this.choice.all = true;
    } else {
      this.choice.container = picked.replace(/ \(init\)$/, '');
      this.choice.all = false;
    }
    this.restart();
  }

  private async pickSince(prompts: ClientPrompts): Promise<void> {
    const labels = SINCE_CHOICES.map((s) => sinceLabel(s, this.tailLines));
    const picked = await prompts.pick('Show logs since', labels, { selected: SINCE_CHOICES.indexOf(this.choice.since) });
    if (picked === null || this.disposed) return;
    const i = labels.indexOf(picked);
    if (i < 0) return;
    this.choice.since = SINCE_CHOICES[i]!;
    this.restart();
  }

  // ---- exports -------------------------------------------------------------------------------

  private exportTargets(): Array<{ pod: string; container: string; previous: boolean; namespace: string; context: string }> {
    const a = this.spec!;
    return this.feeds.all().map((f) => ({ context: a.context, namespace: a.namespace, pod: f.pod, container: f.container, previous: this.choice.previous }));
  }

  private fileMeta() {
    const a = this.spec!;
    return {
      context: a.context,
      namespace: a.namespace,
      what: a.kind === 'Pod' ? 'pod' : a.kind.toLowerCase(),
      name: a.name,
      container: this.containerDescription(),
      filter: this.filterQuery,
    };
  }

  // ---- view ----------------------------------------------------------------------------------

  private multi(): boolean {
    return this.spec?.kind !== 'Pod' || this.choice.all || this.feeds.size > 1;
  }

  private renderOptions(): RenderOptions {
    const workload = this.spec !== null && this.spec.kind !== 'Pod';
    return { prefix: this.multi(), podInPrefix: workload, timestamps: this.showTimestamps };
  }

  private containerDescription(): string {
    if (this.choice.all || (this.choice.container === null && this.feeds.size > 1)) return ALL_CONTAINERS;
    return this.choice.container ?? this.feeds.all()[0]?.container ?? '';
  }

  title(): string {
    const a = this.spec;
    if (!a) return 'Logs';
    const flags = [this.choice.previous ? 'previous' : '', this.choice.since !== 'tail' ? sinceLabel(this.choice.since, this.tailLines) : ''].filter(Boolean).join(', ');
    const extra = flags ? ` (${flags})` : '';
    if (a.kind === 'Pod') {
      const c = this.containerDescription();
      return `Logs: ${a.name}${c ? ` [${c}]` : ''} @ ${a.namespace}${extra}`;
    }
    const c = this.choice.container ? ` [${this.choice.container}]` : '';
    return `Logs: ${a.kind} ${a.name}${c} @ ${a.namespace} — ${this.podCount} pod${this.podCount === 1 ? '' : 's'}${extra}`;
  }

  alias(): string {
    return 'LOG';
  }

  private stateText(): string {
    const parts: string[] = [];
    const s = this.feeds.summary();
    if (s) parts.push(s);
    if (this.spec && this.spec.kind !== 'Pod') {
      parts.push(`${this.podCount} pod${this.podCount === 1 ? '' : 's'}${this.gonePods ? ` (${this.gonePods} gone)` : ''}`);
      const p = this.workload?.problem();
      if (p) parts.push(p);
    }
    return parts.join(' · ');
  }

  private footer(): string {
    const parts = [this.scroll.follow ? 'FOLLOW' : 'PAUSED', this.scroll.wrap ? 'WRAP' : 'NOWRAP'];
    const f = this.filter;
    if (f) parts.push(f.ok ? `filter: ${f.describe}` : `filter error: ${f.error}`);
    const st = this.stateText();
    if (st) parts.push(st);
    parts.push(`${grouped(this.received)} received`);
    if (this.buffer.dropped > 0) parts.push(`${grouped(this.buffer.dropped)} old lines dropped (buffer full)`);
    return parts.join(' | ');
  }

  /** Every feed failed before any line came: the pane says why instead of an empty list. */
  private failure(): string | null {
    if (this.problem) return this.problem;
    const feeds = this.feeds.all();
    if (feeds.length === 0 || this.buffer.size > 0) return null;
    if (!feeds.every((f) => f.state.phase === 'error')) return null;
    const msgs = [...new Set(feeds.map((f) => (f.state.phase === 'error' ? f.state.message : '')))];
    return msgs.join('\n');
  }

  view(viewport: Viewport): PaneView {
    const failed = this.failure();
    if (failed) return { type: 'message', title: this.title(), level: 'error', text: failed };
    if (this.buffer.size === 0 && this.info) return { type: 'message', title: this.title(), level: this.podCount === 0 && this.workload?.ready ? 'info' : 'loading', text: this.info, footer: this.footer() };
    return this.linesView(viewport);
  }

  /**
   * The matching lines, then the lines the streams are in the middle of (a progress bar drawn with
   * `\r` showed nothing until its newline came), each until it is complete.
   */
  private shownLines(): MatchList {
    const test = this.lineTest;
    const tail = this.feeds.partials().filter((l) => test === null || test(l));
    return tail.length ? new WithProvisional(this.buffer, tail) : this.buffer;
  }

  private linesView(viewport: Viewport): LinesView {
    const rows = Math.max(1, viewport.rows - 1);
    const shown = this.shownLines();
    const frame = logFrame(shown, this.scroll, rows, viewport.cols, this.labels, this.renderOptions(), this.layouts);
    const lines = frame.lines;
    const wrap = this.scroll.wrap;
    // How far right a scroll may go from this view (measured only when one is asked for).
    this.lastShown = frame;
    const total = shown.matchCount;
    return {
      type: 'lines',
      title: this.title(),
      lines,
      offset: Math.min(this.scroll.topIndex(shown), Math.max(0, total - 1)),
      total,
      follow: this.scroll.follow,
      wrap,
      badge: this.filter?.ok ? `${total}/${this.buffer.size}` : `${this.buffer.size}`,
      footer: this.footer(),
    };
  }

  override dispose(): void {
    this.disposed = true;
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.feeds.close();
    this.workload?.dispose();
    this.workload = null;
    this.exports.cancel();
    super.dispose();
  }
}
