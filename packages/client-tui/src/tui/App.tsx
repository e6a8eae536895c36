import { Box, Text } from 'ink';
import { useRef, useSyncExternalStore } from 'react';
import { bodyRect } from '@kubetile/rpc-schema/light';
import { tooSmall } from './frame-compositor.js';
import { Overlay } from './Overlay.js';
import { StatusBar } from './StatusBar.js';
import type { ClientState, Store } from './store.js';
import { TabBar } from './TabBar.js';
import { Toasts } from './Toasts.js';
import { wrap } from '../util/text.js';

/** What the chrome is drawn from: everything but the pane views (which change far more often). */
export type ChromeState = Pick<ClientState, 'size' | 'layout' | 'toasts' | 'conn'>;

/**
 * The chrome of the screen, drawn by ink: the tab bar, the status bar, the overlay and the toasts,
 * with the body left blank — the pane bodies are drawn beside ink by the FrameCompositor, which
 * lays them under this. A terminal too small for panes gets a message instead.
 */
export function Chrome({ state }: { state: ChromeState }) {
  const { size, layout, toasts, conn } = state;
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
  return (
    <Box width={cols} height={rows} flexDirection="column">
      <TabBar layout={layout} cols={cols} />
      <Box width={cols} height={body.height}>
        {layout?.overlay ? <Overlay overlay={layout.overlay} cols={cols} rows={body.height} /> : null}
        <Toasts toasts={toasts} cols={cols} rows={body.height} />
      </Box>
      <StatusBar layout={layout} conn={conn} cols={cols} />
    </Box>
  );
}

/** The app: the chrome for the store's state, redrawn only when the chrome's inputs change. */
export function App({ store }: { store: Store }) {
  const last = useRef<ChromeState | null>(null);
  const chrome = useSyncExternalStore(store.subscribe, () => {
    const s = store.getState();
    const prev = last.current;
    if (prev && prev.size === s.size && prev.layout === s.layout && prev.toasts === s.toasts && prev.conn === s.conn) return prev;
    last.current = { size: s.size, layout: s.layout, toasts: s.toasts, conn: s.conn };
    return last.current;
  });
  return <Chrome state={chrome} />;
}
