import type { IUnicodeVersionProvider } from '@xterm/headless';
import { charWidth } from '@kubetile/rpc-schema';

/** The name the emulator knows these widths by. */
export const CELL_WIDTHS_VERSION = 'kubetile';

/**
 * Character widths for the exec emulator: the ones the client paints with (rpc-schema
 * cell-width.ts, glibc's wcwidth for nearly every code point) instead of xterm's built-in Unicode 6
 * table. With that table every emoji (😀 ✅ ⚡ ❌) took one cell in the daemon's screen and two on
 * the user's terminal: the rest of the row moved right, its end was cut off, the cursor was drawn
 * on the wrong character, and a shell (which counts two, as wcwidth does) redrew its line out of
 * step with the screen.
 *
 * `charProperties` is xterm's own rule (UnicodeV6's): a zero-width code point joins the cell before
 * it, which keeps its width. The value packs (state << 3) | (width << 1) | join, as
 * UnicodeService.createPropertyValue does.
 */
export const cellWidths: IUnicodeVersionProvider = {
  version: CELL_WIDTHS_VERSION,
  wcwidth: (cp) => charWidth(cp),
  charProperties(cp, preceding) {
    let width: number = charWidth(cp);
    let join = width === 0 && preceding !== 0;
    if (join) {
      const before = (preceding >> 1) & 3;
      if (before === 0) join = false;
      else if (before > width) width = before;
    }
    return ((width & 3) << 1) | (join ? 1 : 0);
  },
};
