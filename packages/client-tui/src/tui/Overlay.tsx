import type { Overlay as OverlaySpec } from '@kubetile/rpc-schema';
import { overlayBox } from './chrome.js';
import { Floating } from './Floating.js';

/** The selector / confirm / input overlay, centred in the body. */
export function Overlay({ overlay, cols, rows }: { overlay: OverlaySpec; cols: number; rows: number }) {
  const box = overlayBox(overlay, cols, rows);
  return box ? <Floating box={box} /> : null;
}
