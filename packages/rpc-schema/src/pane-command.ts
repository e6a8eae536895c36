import { z } from 'zod';

/** KubeTile's 22 PaneCommand variants, as tagged JSON: `{"type":"filter","query":"web"}`. */
export const PaneCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('scroll_up') }),
  z.object({ type: z.literal('scroll_down') }),
  z.object({ type: z.literal('select_next') }),
  z.object({ type: z.literal('select_prev') }),
  z.object({ type: z.literal('select') }),
  z.object({ type: z.literal('back') }),
  z.object({ type: z.literal('go_to_top') }),
  z.object({ type: z.literal('go_to_bottom') }),
  z.object({ type: z.literal('page_up') }),
  z.object({ type: z.literal('page_down') }),
  z.object({ type: z.literal('toggle_follow') }),
  z.object({ type: z.literal('toggle_wrap') }),
  z.object({ type: z.literal('scroll_left') }),
  z.object({ type: z.literal('scroll_right') }),
  z.object({ type: z.literal('send_input'), text: z.string().max(65536) }),
  z.object({ type: z.literal('search_input'), char: z.string().min(1).max(8) }),
  z.object({ type: z.literal('search_confirm') }),
  z.object({ type: z.literal('search_clear') }),
  z.object({ type: z.literal('filter'), query: z.string().max(1024) }),
  z.object({ type: z.literal('clear_filter') }),
  z.object({ type: z.literal('sort_by_column'), column: z.number().int().min(0).max(1000) }),
  z.object({ type: z.literal('toggle_sort_order') }),
  /** Lists: mark or unmark the selected row (then select the next); marked rows are acted on together. */
  z.object({ type: z.literal('toggle_mark') }),
  z.object({ type: z.literal('clear_marks') }),
]);
export type PaneCommand = z.infer<typeof PaneCommandSchema>;
export type PaneCommandType = PaneCommand['type'];

export const PANE_COMMAND_TYPES = PaneCommandSchema.options.map(
  (o) => o.shape.type.value,
) as readonly PaneCommandType[];
