import { Box, Text } from 'ink';
import { useRef, useSyncExternalStore } from 'react';
import { bodyRect } from '@kubetile/rpc-schema/light';
import { inkRows, tooSmall } from './frame-compositor.js';
import { Overlay } from './Overlay.js';
import type { SessionLayout } from '@kubetile/rpc-schema/light';
import type { ClientState, Store } from './store.js';
import { TabBar } from './TabBar.js';
import { Toasts } from './Toasts.js';
import { wrap } from '../util/text.js';

/** What the chrome is drawn from: everything but the pane views and the status row (which change far more often). */
export type ChromeState = Pick<ClientState, 'size' | 'layout' | 'toasts'>;

/**
 * The chrome of the screen, drawn by ink: the tab bar, the overlay and the toasts, with the body
 * left blank — the pane bodies and the status row are drawn beside ink by the FrameCompositor,
 * which lays them under this. Ink draws only the rows down to the lowest floating box (`inkRows`;
 * the tab bar alone when nothing floats), not the blank rows below. The status row changes with
 * every key typed into a filter (and with the mode, the hints, the cluster's state): drawn beside
 * ink, a keystroke there costs one line, not an ink render. A terminal too small for panes gets a
 * message instead.
 */
export function Chrome({ state }: { state: ChromeState }) {
  const { size, layout, toasts } = state;
  const { cols, rows } = size;
  if (tooSmall(size)) {
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
  const height = inkRows(state);
  return (
    <Box width={cols} height={height} flexDirection="column">
      <TabBar layout={layout} cols={cols} />
      {height > body.y ? (
        <Box width={cols} height={height - body.y}>
          {layout?.overlay ? <Overlay overlay={layout.overlay} cols={cols} rows={body.height} /> : null}
          <Toasts toasts={toasts} cols={cols} rows={body.height} />
        </Box>
      ) : null}
    </Box>
  );
}

/**
 * What of a layout ink draws (the tab bar and the overlay): a new layout that differs only in what
 * the status row shows (mode, input, hints, cluster state) or in the pane trees does not render ink.
 */
export const chromeKey = (layout: SessionLayout | null): string =>
  layout ? JSON.stringify([layout.session, layout.activeTabId, layout.tabs.map((t) => [t.id, t.title]), layout.overlay]) : '';

/** The app: the chrome for the store's state, redrawn only when the chrome's inputs change. */
export function App({ store }: { store: Store }) {
  /** The chrome drawn last, its key, and the layout object last compared with it (a layout is keyed once). */
  const last = useRef<{ state: ChromeState; key: string; seen: SessionLayout | null } | null>(null);
  const chrome = useSyncExternalStore(store.subscribe, () => {
    const s = store.getState();
    const prev = last.current;
    if (prev && prev.state.size === s.size && prev.state.toasts === s.toasts) {
      if (prev.seen === s.layout) return prev.state;
      const key = chromeKey(s.layout);
      prev.seen = s.layout;
      if (key === prev.key) return prev.state;
      last.current = { state: { size: s.size, layout: s.layout, toasts: s.toasts }, key, seen: s.layout };
      return last.current.state;
    }
    last.current = { state: { size: s.size, layout: s.layout, toasts: s.toasts }, key: chromeKey(s.layout), seen: s.layout };
    return last.current.state;
  });
  return <Chrome state={chrome} />;
}
