import { Box, Text } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { bodyRect, layoutTab } from '@kubetile/rpc-schema';
import { Overlay } from './Overlay.js';
import { PaneBox } from './PaneBox.js';
import { StatusBar } from './StatusBar.js';
import type { ClientState, Store } from './store.js';
import { TabBar } from './TabBar.js';
import { Toasts } from './Toasts.js';
import { wrap } from '../util/text.js';

export const MIN_COLS = 20;
export const MIN_ROWS = 5;

/** The whole screen for a state: tab bar, the active tab's panes, status bar, overlay, toasts. */
export function Screen({ state, frame = 0 }: { state: ClientState; frame?: number }) {
  const { size, layout, views, toasts, conn } = state;
  const { cols, rows } = size;
  if (cols < MIN_COLS || rows < MIN_ROWS) {
    return (
      <Box width={cols} height={rows} flexDirection="column">
        {wrap(`terminal too small (${cols}x${rows})`, cols)
          .slice(0, rows)
          .map((l, i) => (
            <Text key={i} wrap="truncate">
              {l}
            </Text>
          ))}
      </Box>
    );
  }
  const body = bodyRect(size);
  const tab = layout?.tabs.find((t) => t.id === layout.activeTabId) ?? layout?.tabs[0];
  const rects = tab ? layoutTab(tab.tree, tab.fullscreenPaneId, body) : new Map();
  return (
    <Box width={cols} height={rows} flexDirection="column">
      <TabBar layout={layout} cols={cols} />
      <Box width={cols} height={body.height}>
        {[...rects].map(([id, rect]) => {
          const entry = views.get(id);
          const title = entry?.view.title || layout?.paneTitles[String(id)] || `pane ${id}`;
          return <PaneBox key={id} rect={rect} originY={body.y} title={title} view={entry?.view} focused={tab?.focusedPaneId === id} frame={frame} />;
        })}
        {layout?.overlay ? <Overlay overlay={layout.overlay} cols={cols} rows={body.height} /> : null}
        <Toasts toasts={toasts} cols={cols} rows={body.height} />
      </Box>
      <StatusBar layout={layout} conn={conn} cols={cols} />
    </Box>
  );
}

const hasLoading = (s: ClientState): boolean => [...s.views.values()].some((e) => e.view.type === 'message' && e.view.level === 'loading');

/** The app: renders the store's state; ticks a spinner while a pane is loading. */
export function App({ store }: { store: Store }) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [frame, setFrame] = useState(0);
  const loading = hasLoading(state);
  useEffect(() => {
    if (!loading) return;
    const t = setInterval(() => setFrame((f) => f + 1), 100);
    return () => clearInterval(t);
  }, [loading]);
  return <Screen state={state} frame={frame} />;
}
