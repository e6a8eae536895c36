import { displayKey, type Line } from '@kubetile/rpc-schema';
import { LinesPane } from '../lines-pane.js';
import type { PaneContext } from '../pane.js';

const GROUP_TITLES: Record<string, string> = {
  global: 'Global',
  mutate: 'Mutate (each asks once: delete, scale, restart, debug mode)',
  interact: 'Interact (selected resource)',
  navigation: 'Navigation',
  browse: 'Browse',
  tui: 'TUI',
  logs: 'Logs pane',
  exec: 'Exec pane',
  port_forwards: 'Port-forwards pane',
  query_editor: 'Query pane: editor (insert mode)',
  query_browse: 'Query pane: results (normal mode)',
  viewer: 'YAML, describe and decoded Secret panes (/ searches)',
};

/** The names `:` takes, shown after the key groups in the full help. */
const SWITCHER_ENTRIES: ReadonlyArray<[string, string]> = [
  [':po :svc :deploy', "A kind by kubectl's names: short (cm sts ds ns pv pvc ev…), plural, singular, Kind, name.group"],
  [':wg', "A CRD's short names; your [aliases] from the config"],
  [':ev', 'Events (type, reason, object, count, last seen; warnings highlighted)'],
  [':ns NAME', "Switch the tab's namespace (:ns all for all namespaces)"],
  [':deploy kube-system', "A kind with the tab on that namespace (:po all: all namespaces)"],
  [':ctx NAME', "Switch the tab's context (:ctx alone: the context selector)"],
  [':pulse :pu', "Counts and health of the main kinds in the tab's namespace"],
  [':port-forwards :pf', 'The port-forwards pane'],
  [':top :top-nodes', 'Usage from metrics-server (CPU, memory, their share of requests and limits)'],
];

/** What a list's `/` filter takes (k9s's forms; row-filter.ts). */
const FILTER_ENTRIES: ReadonlyArray<[string, string]> = [
  ['/text', 'Rows containing the text (any column, case-insensitive)'],
  ['/api|web', 'Rows containing either'],
  ['/!text', 'Rows without it (also !api|web, !re:…)'],
  ['/-l app=web', "Rows whose labels kubectl's -l would select (app in (a,b), !canary, tier)"],
  ['/-f ngx1', "Rows whose name has those letters in order (k9s's fuzzy find)"],
  ['/re:^api-[0-9]', 'Rows a regular expression matches (case-insensitive, linear time)'],
];

/** The live key bindings, by group, like KubeTile's help pane; follows config reloads. */
export class HelpPane extends LinesPane {
  /**
   * The lines drawn last and the groups they were drawn for: the bindings change only with the
   * config (then `bindingsChanged` drops them), and every view of the pane, for every client
   * showing it, used to group and merge all the bindings again.
   */
  private drawn: { focus: string; lines: Line[] } | null = null;

  constructor(private readonly ctx: PaneContext) {
    super('help', ctx);
    this.disposers.push(
      ctx.services.bindingsChanged.subscribe(() => {
        this.drawn = null;
        this.changed.emit();
      }),
    );
  }
  /** F2: only these groups (the focused pane's keys), in this order. */
  private focus(): string[] | null {
    const g = this.ctx.args.groups;
    return Array.isArray(g) && g.every((x) => typeof x === 'string') ? (g as string[]).slice(0, 16) : null;
  }

  /** F2 on a pane that takes only some of a group's keys: `group.name` of those shown (others of the group are left out). */
  private only(): Set<string> | null {
    const o = this.ctx.args.only;
    return Array.isArray(o) && o.every((x) => typeof x === 'string') ? new Set((o as string[]).slice(0, 256)) : null;
  }

  title(): string {
    const f = this.ctx.args.for;
    return this.focus() ? `Keys${typeof f === 'string' && f !== '' ? ` of ${f.slice(0, 80)}` : ''}` : 'Help';
  }
  alias(): string {
    return 'HLP';
  }
  protected override supportsFollow(): boolean {
    return false;
  }
  protected lines(): Line[] {
    const focus = this.focus();
    const key = focus ? JSON.stringify(focus) : '';
    if (this.drawn?.focus === key) return this.drawn.lines;
    const lines = this.draw(focus);
    this.drawn = { focus: key, lines };
    return lines;
  }

  private draw(focus: string[] | null): Line[] {
    const out: Line[] = [];
    const all = this.ctx.services.bindings().groups;
    const groups = focus ? focus.flatMap((name) => all.filter((g) => g.group === name)) : all;
    const only = this.only();
    for (const g of groups) {
      const entries = this.groupEntries(only && [...only].some((n) => n.startsWith(`${g.group}.`)) ? g.bindings.filter((b) => only.has(`${g.group}.${b.name}`)) : g.bindings);
      if (entries.length === 0) continue;
      if (out.length) out.push({ text: '' });
      out.push({ text: GROUP_TITLES[g.group] ?? g.group, style: 'header' });
      const width = Math.min(18, Math.max(...entries.map(([k]) => k.length)));
      for (const [keys, description] of entries) out.push(row(keys, description, width));
    }
    if (!focus) {
      // What `:` takes (k9s's command line): not key bindings, so listed here.
      out.push({ text: '' }, { text: 'View switcher (:)', style: 'header' });
      for (const [what, description] of SWITCHER_ENTRIES) out.push(row(what, description, 18));
      out.push({ text: '' }, { text: 'List filters (/)', style: 'header' });
      for (const [what, description] of FILTER_ENTRIES) out.push(row(what, description, 18));
    }
    return out;
  }

  /** `[keys, description]` rows of a group: same-description bindings merged, Alt+1..9 compacted. */
  private groupEntries(bindings: Array<{ name: string; keys: string[]; description: string }>): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const seen = new Set<string>();
    const tabs = bindings.filter((b) => /^goto_tab_\d$/.test(b.name));
    for (const b of bindings) {
      if (b.keys.length === 0 || seen.has(b.description)) continue;
      if (/^goto_tab_\d$/.test(b.name)) {
        // Compacted like KubeTile: Alt+1..9.
        if (b.name !== 'goto_tab_1') continue;
        const first = tabs[0]?.keys[0];
        const last = tabs[tabs.length - 1]?.keys[0];
        if (first && last) out.push([`${displayKey(first)}..${displayKey(last).split('+').pop()}`, 'Go to tab N']);
        continue;
      }
      const dupes = bindings.filter((x) => x.description === b.description && x.keys.length > 0);
      seen.add(b.description);
      out.push([dupes.flatMap((x) => x.keys).map(displayKey).join(' / '), b.description]);
    }
    return out;
  }
}

function row(keys: string, description: string, width: number): Line {
  const k = `  ${keys.padEnd(width)}  `;
  return { text: `${k}${description}`, spans: [{ text: k, style: 'accent' }, { text: description }] };
}
