import { Box } from 'ink';
import type { Floating as FloatingBox } from './chrome.js';
import { Line } from './Line.js';
import { boxWidth } from './frame-compositor.js';

/** A box drawn at `left`, `top` of ink's frame (overlays, toasts). */
export function Floating({ box, left, top }: { box: FloatingBox; left: number; top: number }) {
  return (
    <Box position="absolute" marginLeft={left} marginTop={top} width={boxWidth(box)} height={box.lines.length} flexDirection="column">
      {box.lines.map((l, i) => (
        <Line key={i} line={l} />
      ))}
    </Box>
  );
}
