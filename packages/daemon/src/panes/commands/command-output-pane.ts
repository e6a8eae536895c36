import type { Line } from '@kubetile/rpc-schema';
import type { CommandRun } from '../../commands/command-run.js';
import { LinesPane } from '../lines-pane.js';
import type { PaneContext } from '../pane.js';

export const COMMAND_OUTPUT_PANE = 'command-output';

/** The runs panes can show, by id (the feature owns them; a pane only looks its run up). */
export interface RunLookup {
  get(id: string): CommandRun | undefined;
  /** The pane showing run `id` closed: stop it. */
  release(id: string): void;
}

const NOT_KEPT: Line[] = [{ text: 'This command ran under a previous daemon; its output was not kept.', style: 'dim' }];

/**
 * The output of a `[[commands]]` run, following while it runs; closing the pane stops the program.
 * Restored after a daemon restart it only says so: a command is never run again by itself.
 */
export class CommandOutputPane extends LinesPane {
  private readonly run: CommandRun | undefined;
  private readonly runId: string;
  private readonly label: string;

  constructor(
    ctx: PaneContext,
    private readonly runs: RunLookup,
  ) {
    super(COMMAND_OUTPUT_PANE, ctx);
    this.runId = typeof ctx.args.run === 'string' ? ctx.args.run : '';
    this.label = typeof ctx.args.title === 'string' ? ctx.args.title.slice(0, 200) : 'command';
    this.run = runs.get(this.runId);
    this.follow = true;
    if (this.run) this.disposers.push(this.run.changed.subscribe(() => this.changed.emit()));
  }

  title(): string {
    return this.label;
  }

  alias(): string {
    return 'CMD';
  }

  protected lines(): Line[] {
    const run = this.run;
    if (!run) return NOT_KEPT;
    const out: Line[] = [];
    if (run.dropped > 0) out.push({ text: `… ${run.dropped} earlier lines dropped (the pane keeps the newest)`, style: 'dim' });
    for (const l of run.lines) out.push(l.stderr ? { text: l.text, style: 'warn' } : { text: l.text });
    const s = run.state;
    if (s.kind === 'failed') out.push({ text: s.message, style: 'error' });
    return out;
  }

  protected override footerExtra(): string {
    const s = this.run?.state;
    if (!s) return 'ended';
    switch (s.kind) {
      case 'running':
        return `running${s.pid !== null ? ` (pid ${s.pid})` : ''}`;
      case 'exited':
        return `exited ${s.code}`;
      case 'killed':
        return `killed (${s.signal})`;
      case 'failed':
        return 'failed';
    }
  }

  override dispose(): void {
    this.runs.release(this.runId);
    super.dispose();
  }
}
