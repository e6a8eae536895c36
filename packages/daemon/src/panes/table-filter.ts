import type { PaneCommand } from '@kubetile/rpc-schema';

/**
 * A small table pane's filter after `cmd`: `/` sets it, clearing sets it empty, and `esc` (back)
 * clears a filter that is set (k9s) — undefined when `cmd` leaves the filter alone (so `esc` with no
 * filter goes on to whatever else it does).
 */
export function filterAfter(cmd: PaneCommand, filter: string): string | undefined {
  switch (cmd.type) {
    case 'filter':
      return cmd.query;
    case 'clear_filter':
      return '';
    case 'back':
      return filter ? '' : undefined;
    default:
      return undefined;
  }
}
