import { Box, Text } from 'ink';
import { useRef, useSyncExternalStore } from 'react';
import { bodyRect } from '@kubetile/rpc-schema/light';
import { floatingBoxes, inkRegion, tooSmall } from './frame-compositor.js';
import type { SessionLayout } from '@kubetile/rpc-schema/light';
import { Floating } from './Floating.js';
import type { ClientState, Store } from './store.js';
import { wrap } from '../util/text.js';

/** What the chrome is drawn from: everything but the pane views and the status row (which change far more often). */
export type ChromeState = Pick<ClientState, 'size' | 'layout' | 'toasts'>;

/**
 * The floating UI of the screen, drawn by ink: the overlay and the toasts, in a frame the size of
 * the region they cover (`inkRegion`), which the FrameCompositor lays over the tab bar, the pane
 * bodies and the status row it draws itself (they change far more often: a tab switch, a filter
 * key, a list's rows). Nothing floating, ink draws nothing. A terminal too small for panes gets a
 * message instead.
 */
export function Chrome({ state }: { state: ChromeState }) {
  const { size } = state;
  const { cols, rows } = size;
  const region = inkRegion(state);
  if (!region) return null;
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
    <Box width={region.width} height={region.height}>
      {floatingBoxes(state).map((box, i) => (
        <Floating key={i} box={box} left={box.x - region.x} top={body.y + box.y - region.y} />
      ))}
    </Box>
  );
}

/**
 * What of a layout ink draws (the overlay): a new layout that differs only in what the tab bar or
 * the status row shows, or in the pane trees, does not render ink.
 */
export const chromeKey = (layout: SessionLayout | null): string => (layout?.overlay ? JSON.stringify(layout.overlay) : '');

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
