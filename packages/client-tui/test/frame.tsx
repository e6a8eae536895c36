import { render } from 'ink-testing-library';
import { Chrome } from '../src/tui/App.js';
import { FrameCompositor } from '../src/tui/frame-compositor.js';
import type { ClientState } from '../src/tui/store.js';

/**
 * The screen for a state as the real client paints it: ink renders the chrome, the compositor lays
 * the pane bodies beside it. Lines joined with `\n`.
 */
export function screenFrame(state: ClientState, spin = 0): string {
  const chrome = render(<Chrome state={state} />).lastFrame() ?? '';
  const c = new FrameCompositor();
  c.setChrome(chrome);
  return c.compose(state, spin).join('\n');
}
