import { render } from 'ink-testing-library';
import { Chrome } from '../src/tui/App.js';
import { FrameCompositor, inkRegion } from '../src/tui/frame-compositor.js';
import type { ClientState } from '../src/tui/store.js';

/**
 * The screen for a state as the real client paints it: ink renders the floating boxes, the compositor
 * lays them over the tab bar, the pane bodies and the status row it draws. Lines joined with `\n`.
 */
export function screenFrame(state: ClientState, spin = 0): string {
  const chrome = render(<Chrome state={state} />).lastFrame() ?? '';
  const c = new FrameCompositor();
  c.setChrome(chrome, inkRegion(state));
  return c.compose(state, spin).join('\n');
}
