import type { Line, Style } from '@kubetile/rpc-schema';
import { LinesPane } from '../lines-pane.js';
import type { PaneContext } from '../pane.js';
import type { LogEntry } from '../../logging/log-ring.js';

const LEVELS: Record<number, [string, Style]> = {
  10: ['TRACE', 'dim'],
  20: ['DEBUG', 'dim'],
  30: ['INFO ', 'ok'],
  40: ['WARN ', 'warn'],
  50: ['ERROR', 'error'],
  60: ['FATAL', 'error'],
};

/** The daemon's own log lines from the bounded ring buffer; follows new lines by default. */
export class AppLogsPane extends LinesPane {
  constructor(private readonly ctx: PaneContext) {
    super('app-logs', ctx);
    this.follow = true;
    this.disposers.push(ctx.services.logRing.changed.subscribe(() => this.changed.emit()));
  }
  title(): string {
    return 'App Logs';
  }
  alias(): string {
    return 'ALG';
  }
  protected override footerExtra(): string {
    return `${this.ctx.services.logRing.size}/${this.ctx.services.logRing.capacity} buffered`;
  }
  protected lines(): Line[] {
    return this.ctx.services.logRing.all().map(formatEntry);
  }
}

function formatEntry(e: LogEntry): Line {
  const time = new Date(e.time).toISOString().slice(11, 23);
  const [label, style] = LEVELS[e.level] ?? ['LOG  ', 'normal'];
  const rest = e.extra ? `${e.msg} ${e.extra}` : e.msg;
  return {
    text: `${time} ${label} ${rest}`,
    spans: [{ text: `${time} `, style: 'dim' }, { text: `${label} `, style }, { text: rest }],
  };
}
