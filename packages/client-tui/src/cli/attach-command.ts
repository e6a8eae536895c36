import { StringDecoder } from 'node:string_decoder';
import { MAX_EDIT_CHARS, MAX_PASTE_CHARS, resolveSocketPath } from '@kubetile/rpc-schema/light';
import { AttachedClient, type SessionEnd } from '../connection/attached-client.js';
import { schemaContract } from '../connection/contract.js';
import { DaemonUnreachableError } from '../connection/daemon-client.js';
import { LIGHT_CONTRACT, withLightFrames } from '../connection/light-contract.js';
import { DaemonStartError } from '../connection/launcher.js';
import { KeyDecoder } from '../input/decode-keys.js';
import { FrameSink } from '../terminal/frame-sink.js';
import { installRestoreHandlers, osc52, TerminalScreen } from '../terminal/screen.js';
import type { EditorRun } from '../terminal/external-editor.js';
import type { InkChrome } from '../tui/ink-chrome.js';
import { Store } from '../tui/store.js';
import { clientLogger } from '../util/client-log.js';
import { IdleScavenger } from '@kubetile/rpc-schema/idle-scavenge';
import { raiseJitBudget } from './jit-budget.js';
import type { DaemonFlags } from './args.js';
import type { Io } from './io.js';

/** ink loads at the latest this long after the first frame, even while a pane is still loading. */
const INK_LOAD_MS = 1500;

function endMessage(end: SessionEnd): string {
  switch (end.kind) {
    case 'detached':
      return `[detached (from session ${end.session})]`;
    case 'server-exited':
      return `[server exited (${end.reason})]`;
    case 'quit':
      return `[lost server (session ${end.session})]`;
    case 'session-ended':
      return `[exited (${end.reason})]`;
    case 'incompatible':
      return `[the daemon was replaced by another version]`;
  }
}

/** `kubetile`: attach to the session in this terminal, starting the daemon first when none answers. */
export async function runAttach(io: Io, flags: DaemonFlags & { session?: string }): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) {
    io.err(`kubetile: the TUI needs a terminal (stdin and stdout must be a TTY); scripts can use 'kubetile rpc'\n`);
    return 1;
  }
  const socket = resolveSocketPath(flags.socket, io.env);
  const log = clientLogger(io.env);
  const screen = new TerminalScreen(stdin, stdout);
  const store = new Store(screen.size, { notify: 'batched' });
  const client = new AttachedClient({
    socket,
    ...(flags.session ? { session: flags.session } : {}),
    store,
    log,
    // The attach path is checked by hand until zod has loaded (after the first views are on screen).
    contract: LIGHT_CONTRACT,
    writeClipboard: (text) => screen.writeRaw(osc52(text)),
    openEditor: (editId, file, text) => {
      edits = edits.then(() => editInTerminal(editId, file, text)).catch((e: unknown) => log(`editor: ${e instanceof Error ? e.message : String(e)}`));
    },
  });
  /** Edits run one after another, each with the terminal handed to the editor (see editInTerminal). */
  let edits: Promise<void> = Promise.resolve();
  let editing = false;
  /** Until the screen is ours (set below), an edit is answered at once: no editor ran. */
  let editInTerminal = (editId: string, _file: string, _text: string): Promise<void> =>
    client.editorDone(editId, null, 'the terminal was not ready for an editor yet');

  // The drawing modules load while the daemon answers hello and attach.
  const drawing = Promise.all([import('../tui/frame-compositor.js'), import('../tui/screen-painter.js')]);
  drawing.catch(() => undefined); // awaited once attached

  // Attach before taking over the screen, so that failures print plainly.
  // A daemon that accepted but has not answered yet is loading (a socket-activated start): wait for it,
  // saying so, and never start a second one beside it.
  const slow = setTimeout(() => io.err(`kubetile: waiting for the daemon on ${socket} to answer…\n`), 2000);
  try {
    if (flags.readonly) {
      const { readonlyMismatch } = await import('./readonly-check.js');
      const refused = await readonlyMismatch(socket, io.env);
      if (refused) {
        clearTimeout(slow);
        store.dispose();
        io.err(`kubetile: ${refused}\n`);
        return 1;
      }
    }
    try {
      await client.start();
      if (flags.demo) io.err(`kubetile: a daemon already runs on ${socket}; --demo applies only to a daemon this command starts\n`);
    } catch (e) {
      if (!(e instanceof DaemonUnreachableError) || !e.nobodyListens) throw e;
      clearTimeout(slow);
      io.err(`kubetile: starting the daemon on ${socket}…\n`);
      const { daemonOptions } = await import('./daemon-command.js');
      const { startOrJoin } = await import('./start-or-join.js');
      await startOrJoin(daemonOptions(flags, io.env), io.env);
      await client.start();
    }
  } catch (e) {
    clearTimeout(slow);
    store.dispose();
    if (e instanceof DaemonStartError) {
      io.err(`kubetile: ${e.message}\n`);
      return 1;
    }
    const { reportError } = await import('./rpc-command.js');
    return reportError(io, e);
  }

  clearTimeout(slow);
  const [{ FrameCompositor, inkRegion }, { ScreenPainter }] = await drawing;
  // A signal or a crash exits at once: the restoring bytes go ahead of any frame still on its way.
  const removeHandlers = installRestoreHandlers(
    () => screen.restoreNow(),
    undefined,
    () => editing,
  );
  screen.enter();
  // ink draws the chrome; the compositor lays the pane bodies beside it and paints changed lines.
  // ink (with react and yoga) is the slowest part of the client to load: until it has rendered once
  // the compositor draws the same chrome itself, and ink loads only once the first views are on
  // screen (or INK_LOAD_MS after the first frame at the latest), so it never delays them. The zod
  // schemas load then too, and check everything the daemon sends from then on but the per-frame
  // pane/view and session/layout, which keep the (equivalent, far cheaper) hand checks.
  const compositor = new FrameCompositor();
  let ink: InkChrome | null = null;
  let leaving = false;
  let inkRequested = false;
  const loadInk = (): void => {
    if (inkRequested) return;
    inkRequested = true;
    clearTimeout(inkTimer);
    raiseJitBudget();
    schemaContract().then(
      (contract) => client.useContract(withLightFrames(contract)),
      (e: unknown) => log(`the schema did not load (the attach path stays checked by hand): ${e instanceof Error ? e.message : String(e)}`),
    );
    import('../tui/ink-chrome.js').then(
      ({ startInkChrome }) => {
        if (!leaving) ink = startInkChrome(store, sink);
      },
      (e: unknown) => log(`ink did not load (the chrome stays drawn by the compositor): ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const scavenger = new IdleScavenger();
  const painter = new ScreenPainter(store, compositor, (lines) => {
    screen.paintLines(lines);
    scavenger.busy();
    if (!inkRequested && compositor.panesShown(store.getState())) setImmediate(loadInk);
  });
  const sink = new FrameSink(screen.size, () => inkRegion(store.getState())?.width ?? 1, (frame) => painter.setChrome(frame));
  const inkTimer = setTimeout(loadInk, INK_LOAD_MS);
  painter.schedule();

  const onResize = (): void => {
    const size = screen.size;
    sink.setSize(size);
    screen.invalidate();
    client.resize(size);
    store.redraw();
  };
  stdout.on('resize', onResize);

  const text = new StringDecoder('utf8');
  const decoder = new KeyDecoder((key) => client.key(key), { onPaste: (p) => client.paste(p), maxPaste: MAX_PASTE_CHARS });
  const onData = (chunk: Buffer | string): void => {
    // A read that was under way when the editor took the terminal is the editor's, not ours.
    if (editing) return;
    decoder.push(typeof chunk === 'string' ? chunk : text.write(chunk));
  };
  /**
   * `editor/open`: the terminal goes to the editor (the screen restored as before kubetile, raw mode
   * off, our input paused; frames keep arriving and are painted once we are back), then the text
   * goes to the daemon. A text the daemon did not take (the connection dropped meanwhile) stays in
   * its file, and a toast says where.
   */
  editInTerminal = async (editId: string, file: string, body: string): Promise<void> => {
    if (leaving) return;
    editing = true;
    screen.restore();
    let run: EditorRun;
    try {
      // The editor gets the terminal once our last frame and the restoring bytes are out (and writes block again).
      await screen.flushed();
      // Loaded on the first edit: child_process and the rest stay off the start-up path.
      const { runEditor } = await import('../terminal/external-editor.js');
      run = await runEditor(file, body, io.env, MAX_EDIT_CHARS);
    } catch (e) {
      run = { ok: false, error: `the editor could not be run: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      editing = false;
      if (!leaving) {
        screen.enter();
        onResize();
      }
    }
    try {
      await client.editorDone(editId, run.ok ? run.text : null, run.ok ? undefined : run.error);
      if (run.ok) await run.remove();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      store.pushToast('error', run.ok ? `the edit did not reach the daemon (${why}); your text is in ${run.path}` : `${run.error}; and the daemon was not told (${why})`);
    }
  };
  stdin.on('data', onData);
  // The terminal went away without a SIGHUP (stdin closed): leave like ctrl+q offline.
  const onEnd = (): void => client.quit();
  stdin.on('end', onEnd);

  const end = await client.done;

  stdin.off('data', onData);
  stdin.off('end', onEnd);
  stdout.off('resize', onResize);
  decoder.dispose();
  leaving = true;
  clearTimeout(inkTimer);
  painter.dispose();
  scavenger.dispose();
  (ink as InkChrome | null)?.unmount();
  screen.restore();
  removeHandlers();
  store.dispose();
  io.out(`${endMessage(end)}\n`);
  if (end.kind === 'incompatible') {
    io.err(`kubetile: ${end.message}\n`);
    return 1;
  }
  return 0;
}
