import { describe, expect, it, vi } from 'vitest';
import type { PaneView, SessionLayout } from '@kubetile/rpc-schema';
import { FrameScheduler } from '../src/view/frame-scheduler.js';
import { orderedSink } from '../src/session/ordered-sink.js';
import type { ClientSink } from '../src/session/client-sink.js';

class SlowSink implements ClientSink {
  views: Array<{ paneId: number; view: PaneView }> = [];
  layouts = 0;
  backlog = false;
  private drains: Array<() => void> = [];
  layout(_l: SessionLayout): void {
    this.layouts++;
  }
  view(paneId: number, _seq: number, view: PaneView): void {
    this.views.push({ paneId, view });
    this.order.push(`view ${view.type === 'message' ? view.text : view.type}`);
  }
  /** Views and toasts in the order they reached the client ("view v3", "toast deleted"). */
  readonly order: string[] = [];
  toast(_level: string, text: string): void {
    this.order.push(`toast ${text}`);
  }
  clipboard(): void {}
  openEditor(): void {}
  sessionEnded(): void {}
  backlogged(): boolean {
    return this.backlog;
  }
  onDrain(cb: () => void): void {
    this.drains.push(cb);
  }
  drain(): void {
    this.backlog = false;
    for (const d of this.drains.splice(0)) d();
  }
}

const tick = () => new Promise((r) => setTimeout(r, 25));
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 400 && !cond(); i++) await tick();
  expect(cond()).toBe(true);
};

/** A client sink and its scheduler for one pane (id 1) at 80×24 whose view's text is `text()`. */
function onePane(text: () => string): { sink: SlowSink; s: FrameScheduler } {
  const sink = new SlowSink();
  const s = new FrameScheduler(sink, {
    layout: () => ({}) as SessionLayout,
    activeTab: () => ({ tree: { type: 'leaf', paneId: 1 }, fullscreenPaneId: null }),
    size: () => ({ cols: 80, rows: 24 }),
    render: () => ({ type: 'message', title: 't', level: 'info', text: text() }),
  });
  return { sink, s };
}

/**
 * Under fake timers: one pane whose view says `v<version>`, its first frame sent and a second
 * passed (the burst refilled), so the next change may go out at once.
 */
async function pacedScheduler(): Promise<{ sink: SlowSink; s: FrameScheduler; setVersion(v: number): void }> {
  let version = 0;
  const { sink, s } = onePane(() => `v${version}`);
  s.flushNow();
  await vi.advanceTimersByTimeAsync(1000);
  return { sink, s, setVersion: (v) => (version = v) };
}

/** Runs `body` under fake timers on a pacedScheduler, closing it afterwards. */
async function withPacedScheduler(body: (p: Awaited<ReturnType<typeof pacedScheduler>>) => Promise<void>): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance', 'Date'] });
  try {
    const p = await pacedScheduler();
    await body(p);
    p.s.close();
  } finally {
    vi.useRealTimers();
  }
}

describe('FrameScheduler', () => {
  it('gives a slow client only the newest frame once it drains, not a backlog', async () => {
    let counter = 0;
    const { sink, s } = onePane(() => `state ${counter}`);
    s.flushNow();
    expect(sink.views).toHaveLength(1);
    sink.backlog = true;
    for (let i = 1; i <= 500; i++) {
      counter = i;
      s.markPane(1);
      if (i % 50 === 0) await tick();
    }
    await tick();
    expect(sink.views).toHaveLength(1); // nothing sent while backlogged
    sink.drain();
    await until(() => sink.views.length === 2);
    await tick();
    expect(sink.views).toHaveLength(2);
    expect(sink.views[1]!.view).toMatchObject({ text: 'state 500' });
  });
  it('sends only panes that changed, skips unchanged views and layouts, and re-sends views cut to a new size', async () => {
    const sink = new SlowSink();
    const version = new Map([[1, 0], [2, 0]]);
    let size = { cols: 80, rows: 24 };
    const s = new FrameScheduler(sink, {
      layout: () => ({ size }) as unknown as SessionLayout,
      activeTab: () => ({
        tree: { type: 'split', direction: 'vertical', ratio: 0.5, first: { type: 'leaf', paneId: 1 }, second: { type: 'leaf', paneId: 2 } },
        fullscreenPaneId: null,
      }),
      size: () => size,
      render: (id, vp) => ({ type: 'message', title: `p${id}`, level: 'info', text: `${vp.cols}x${vp.rows} v${version.get(id)}` }),
    });
    s.flushNow();
    expect(sink.views.map((v) => v.paneId)).toEqual([1, 2]);
    // 80 cols split in half, minus the borders; 24 rows minus tab bar, status bar and borders
    expect(sink.views[0]!.view).toMatchObject({ text: '38x20 v0' });
    version.set(2, 1);
    s.markPane(2);
    await until(() => sink.views.length === 3);
    expect(sink.views[2]!.paneId).toBe(2);
    // nothing changed: neither the layout nor the views go out again
    s.markLayout();
    s.markPane(1);
    await tick();
    await tick();
    expect(sink.views).toHaveLength(3);
    expect(sink.layouts).toBe(1);
    // a resize changes the layout and every view's rectangle
    size = { cols: 60, rows: 12 };
    s.markLayout();
    await until(() => sink.views.length === 5);
    expect(sink.layouts).toBe(2);
    expect(sink.views[3]!.view).toMatchObject({ text: '28x8 v0' });
    s.close();
  });
  it('renders a pane once for all clients that show it at the same size, and again after it changes', async () => {
    const tree = { type: 'leaf' as const, paneId: 7 };
    let renders = 0;
    let version = 0;
    const client = (cols: number) => {
      const sink = new SlowSink();
      const s = new FrameScheduler(sink, {
        layout: () => ({}) as SessionLayout,
        activeTab: () => ({ tree, fullscreenPaneId: null }),
        size: () => ({ cols, rows: 24 }),
        render: (_id, vp) => {
          renders++;
          return { type: 'message', title: 'p', level: 'info', text: `${vp.cols} v${version}` };
        },
      });
      return { sink, s };
    };
    const same = [client(80), client(80), client(80)];
    const other = client(100);
    const all = [...same, other];
    for (const c of all) c.s.markPane(7);
    await until(() => all.every((c) => c.sink.views.length === 1));
    expect(renders).toBe(2); // one per size, not one per client
    expect(same.map((c) => c.sink.views[0]!.view)).toEqual(Array(3).fill({ type: 'message', title: 'p', level: 'info', text: '78 v0' }));
    expect(other.sink.views[0]!.view).toMatchObject({ text: '98 v0' });
    // The pane changes: every client gets the new view (nothing stale from the shared one).
    version = 1;
    for (const c of all) c.s.markPane(7);
    await until(() => all.every((c) => c.sink.views.length === 2));
    expect(renders).toBe(4);
    for (const c of same) expect(c.sink.views[1]!.view).toMatchObject({ text: '78 v1' });
    // A change announced between two clients' frames is not hidden by the first one's render.
    version = 2;
    same[0]!.s.flushNow(); // nothing dirty: sends nothing
    same[0]!.s.markPane(7);
    same[0]!.s.flushNow();
    version = 3;
    for (const c of all) c.s.markPane(7);
    await until(() => all.every((c) => c.sink.views.at(-1)!.view.type === 'message' && (c.sink.views.at(-1)!.view as { text: string }).text.endsWith('v3')));
    for (const c of all) c.s.close();
  });

  it('lets a change right after a background frame out at once (a key after the age tick), and paces a stream of them', () =>
    withPacedScheduler(async ({ sink, s, setVersion }) => {
      // The once-a-second repaint goes out…
      setVersion(1);
      s.markPane(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(sink.views.at(-1)!.view).toMatchObject({ text: 'v1' });
      // …and a key 2 ms later is not held back by it.
      await vi.advanceTimersByTimeAsync(2);
      setVersion(2);
      s.markPane(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(sink.views.at(-1)!.view).toMatchObject({ text: 'v2' });
      // A third change in the same 16 ms waits for the pacing, then goes out.
      setVersion(3);
      s.markPane(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(sink.views.at(-1)!.view).toMatchObject({ text: 'v2' });
      await vi.advanceTimersByTimeAsync(16);
      expect(sink.views.at(-1)!.view).toMatchObject({ text: 'v3' });
    }));
  it('sends a due frame at once on flushDue (a key was handled), but keeps one held for the pacing', () =>
    withPacedScheduler(async ({ sink, s, setVersion }) => {
      // A change with a frame allowed: sent by flushDue, in the same turn, not on the next one.
      setVersion(1);
      s.markPane(1);
      s.flushDue();
      expect(sink.views.at(-1)!.view).toMatchObject({ text: 'v1' });
      // Nothing pending: flushDue sends nothing more.
      s.flushDue();
      await vi.advanceTimersByTimeAsync(0);
      expect(sink.views).toHaveLength(2);
      // Two more at once: the burst allows one more now; the next waits for the pacing even on flushDue.
      setVersion(2);
      s.markPane(1);
      s.flushDue();
      expect(sink.views.at(-1)!.view).toMatchObject({ text: 'v2' });
      setVersion(3);
      s.markPane(1);
      s.flushDue();
      expect(sink.views.at(-1)!.view).toMatchObject({ text: 'v2' });
      await vi.advanceTimersByTimeAsync(16);
      expect(sink.views.at(-1)!.view).toMatchObject({ text: 'v3' });
    }));
  it('sends a frame held for the pacing before a toast to the same client: a toast never arrives ahead of the state it speaks of', () =>
    withPacedScheduler(async ({ sink, s, setVersion }) => {
      const toClient = orderedSink(sink, () => s.flushPending());
      // Two frames use up the burst; the third change (the dialog closing on `y`) waits for the pacing…
      for (const v of [1, 2, 3]) {
        setVersion(v);
        s.markPane(1);
        s.flushDue();
      }
      expect(sink.order.at(-1)).toBe('view v2');
      // …and the toast about the deletion that follows goes out after it, not ahead of it.
      toClient.toast('success', 'deleted Pod default/doomed-1');
      expect(sink.order.slice(-2)).toEqual(['view v3', 'toast deleted Pod default/doomed-1']);
      // Nothing pending: a toast sends no frame, and the paced timer does not send one again.
      toClient.toast('info', 'again');
      await vi.advanceTimersByTimeAsync(50);
      expect(sink.order.slice(-3)).toEqual(['view v3', 'toast deleted Pod default/doomed-1', 'toast again']);
    }));
  it('does not start a frame inside a frame when a pane toasts while it renders', () => {
    let version = 0;
    let toClient: ReturnType<typeof orderedSink> | null = null;
    const { sink, s } = onePane(() => {
      // A render that marks its pane again (a change noticed while drawing) and reports something.
      s.markPane(1);
      toClient?.toast('warn', `render ${version}`);
      return `v${version++}`;
    });
    toClient = orderedSink(sink, () => s.flushPending());
    s.flushNow();
    expect(sink.order).toEqual(['toast render 0', 'view v0']);
    s.close();
  });
});

describe('FrameScheduler to a client that keeps its rows (sameRows)', () => {
  class KeepingSink extends SlowSink {
    constructor(readonly sameRows: boolean) {
      super();
    }
    readonly sent: Array<{ paneId: number; seq: number; view: PaneView }> = [];
    override view(paneId: number, seq: number, view: PaneView): void {
      super.view(paneId, seq, view);
      this.sent.push({ paneId, seq, view });
    }
  }
  const table = (names: string[], selected: number): PaneView => ({
    type: 'table',
    title: 'pods',
    columns: [{ id: 'name', title: 'NAME' }],
    rows: names.map((n) => ({ id: n, cells: { name: n } })),
    offset: 0,
    total: names.length,
    unfiltered: names.length,
    selected,
  });

  it('sends a table whose rows it already sent as the rest of the view (rowsOf: the last one sent), anything else whole', () => {
    let names = ['a', 'b', 'c'];
    let selected = 0;
    let shown = 1;
    const kinds = new Map<number, () => PaneView>([
      [1, () => table(names, selected)],
      [2, () => ({ type: 'lines', title: 'help', lines: [{ text: `sel ${selected}` }], offset: 0, total: 1 })],
    ]);
    const run = (sameRows: boolean) => {
      const sink = new KeepingSink(sameRows);
      const s = new FrameScheduler(sink, {
        layout: () => ({}) as SessionLayout,
        activeTab: () => ({ tree: { type: 'leaf', paneId: shown }, fullscreenPaneId: null }),
        size: () => ({ cols: 80, rows: 24 }),
        render: (id) => kinds.get(id)!(),
      });
      return { sink, s };
    };
    const keeping = run(true);
    const plain = run(false);
    const both = (f: (s: FrameScheduler) => void) => {
      for (const x of [keeping, plain]) {
        f(x.s);
        x.s.flushNow();
      }
    };
    const last = (x: { sink: KeepingSink }) => x.sink.sent.at(-1)!;
    both(() => {});
    expect(last(keeping).view).toEqual(table(names, 0));
    const first = last(keeping).seq;
    // The selection moved: the rest only, drawn from view `first`.
    selected = 2;
    both((s) => s.markPane(1));
    expect(last(keeping).view).toEqual({ ...table(names, 2), columns: [], rows: [], rowsOf: first });
    expect(last(plain).view).toEqual(table(names, 2));
    const moved = last(keeping).seq;
    selected = 1;
    both((s) => s.markPane(1));
    expect(last(keeping).view).toMatchObject({ rows: [], rowsOf: moved });
    // Other rows: whole.
    names = ['a', 'c'];
    both((s) => s.markPane(1));
    expect(last(keeping).view).toEqual(table(names, 1));
    // Another tab shown (a lines pane: never as kept rows), then the list again: whole, as the
    // scheduler forgot what it sent for a pane out of sight.
    shown = 2;
    both((s) => s.markLayout());
    expect(last(keeping).view.type).toBe('lines');
    shown = 1;
    both((s) => s.markLayout());
    expect(last(keeping).view).toEqual(table(names, 1));
    // Unchanged: nothing sent at all.
    const count = keeping.sink.sent.length;
    both((s) => s.markPane(1));
    expect(keeping.sink.sent).toHaveLength(count);
    // The script never gets a rowsOf.
    expect(plain.sink.sent.every((v) => v.view.type !== 'table' || (v.view.rowsOf === undefined && v.view.rows.length > 0))).toBe(true);
    keeping.s.close();
    plain.s.close();
  });
});
