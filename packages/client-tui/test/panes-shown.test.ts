import { afterEach, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { FrameCompositor } from '../src/tui/frame-compositor.js';
import { Store } from '../src/tui/store.js';
import { podsTable, splitLayout } from './fixtures.js';

/**
 * The client loads ink (and zod) only once every visible pane shows its first content, so that
 * loading them (hundreds of milliseconds of CPU on a busy machine) never delays the first rows. A list
 * whose first page has not arrived is a table with no rows that says it is loading: not content yet.
 */
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose();
});

const loadingList: PaneView = {
  type: 'table',
  title: 'Pods',
  badge: '0',
  columns: [
    { id: 'name', title: 'NAME' },
    { id: 'status', title: 'STATUS' },
  ],
  rows: [],
  offset: 0,
  total: 0,
  unfiltered: 0,
  selected: null,
  empty: 'Loading...',
};

function single(view: PaneView): Store {
  const store = new Store({ cols: 100, rows: 20 });
  stores.push(store);
  store.setLayout(splitLayout({ tabs: [{ id: 1, title: 'default|POD', tree: { type: 'leaf', paneId: 1 }, fullscreenPaneId: null, focusedPaneId: 1, context: 'kind-dev', namespace: 'default' }] }));
  store.applyView(1, 1, view);
  return store;
}

describe('first content on screen (when ink may load)', () => {
  it('a list still waiting for its first page is not content yet; its first rows are', () => {
    const c = new FrameCompositor();
    const store = single(loadingList);
    expect(c.panesShown(store.getState())).toBe(false);
    store.applyView(1, 2, podsTable);
    expect(c.panesShown(store.getState())).toBe(true);
  });

  it('an empty list that is loaded, or a loading message, are told apart', () => {
    const c = new FrameCompositor();
    expect(c.panesShown(single({ ...loadingList, empty: 'No resources found' }).getState())).toBe(true);
    expect(c.panesShown(single({ type: 'message', title: 'Pods', level: 'loading', text: 'Loading…' }).getState())).toBe(false);
  });
});
