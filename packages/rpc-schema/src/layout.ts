import { z } from 'zod';
import type { PaneTree } from './layout-geometry.js';

/** `vertical` splits left|right, `horizontal` splits top/bottom (tmux and KubeTile semantics). */
export const SplitDirectionSchema = z.enum(['vertical', 'horizontal']);
export type SplitDirection = z.infer<typeof SplitDirectionSchema>;
export const DirectionSchema = z.enum(['up', 'down', 'left', 'right']);
export type Direction = z.infer<typeof DirectionSchema>;

export type { PaneTree } from './layout-geometry.js';
export * from './layout-geometry.js';

export const PaneTreeSchema: z.ZodType<PaneTree> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('leaf'), paneId: z.number().int() }),
    z.object({
      type: z.literal('split'),
      direction: SplitDirectionSchema,
      ratio: z.number().min(0).max(1),
      first: PaneTreeSchema,
      second: PaneTreeSchema,
    }),
  ]),
);

