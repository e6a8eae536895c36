import { Box } from 'ink';
import type { Floating as FloatingBox } from './chrome.js';
import { Line } from './Line.js';
import { lineWidth } from './segments.js';

/** A box drawn over the body at fixed coordinates (overlays, toasts). */
export function Floating({ box }: { box: FloatingBox }) {
  const width = box.lines.reduce((w, l) => Math.max(w, lineWidth(l)), 0);
  return (
    <Box position="absolute" marginLeft={box.x} marginTop={box.y} width={width} height={box.lines.length} flexDirection="column">
      {box.lines.map((l, i) => (
        <Line key={i} line={l} />
      ))}
    </Box>
  );
}
