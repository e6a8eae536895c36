import type { Tab } from './tab.js';

/** A named session: an ordered list of tabs. Panes live in the daemon's pane table. */
export class Session {
  readonly tabs: Tab[] = [];
  /** The tab selected most recently by anyone: the default target of unattached scripts. */
  lastActiveTabId: number | null = null;

  constructor(readonly name: string) {}

  tab(id: number): Tab | undefined {
    return this.tabs.find((t) => t.id === id);
  }

  tabOfPane(paneId: number): Tab | undefined {
    return this.tabs.find((t) => t.has(paneId));
  }

  defaultTab(): Tab | undefined {
    return (this.lastActiveTabId !== null ? this.tab(this.lastActiveTabId) : undefined) ?? this.tabs[0];
  }
}
