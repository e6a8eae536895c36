import { z } from 'zod';

/** Semantic styles; the client maps them to theme colours. */
export const StyleSchema = z.enum(['normal', 'dim', 'accent', 'ok', 'warn', 'error', 'header', 'selected', 'match']);
export type Style = z.infer<typeof StyleSchema>;

/**
 * A colour of a terminal cell: an xterm-256 palette index (0–15 are the user's own ANSI colours,
 * 16–255 the cube and the grey ramp) or a true colour `#rrggbb`. Absent: the terminal's default.
 */
export const TermColorSchema = z.union([z.number().int().min(0).max(255), z.string().regex(/^#[0-9a-f]{6}$/)]);
export type TermColor = z.infer<typeof TermColorSchema>;

/**
 * Colours and attributes a plugin chose for a piece of text (ABI v2), drawn over its semantic
 * style. The daemon validates them; the text they apply to never holds control characters.
 */
export const TextLookSchema = z.object({
  fg: TermColorSchema.optional(),
  bg: TermColorSchema.optional(),
  bold: z.boolean().optional(),
  dim: z.boolean().optional(),
  italic: z.boolean().optional(),
  underline: z.boolean().optional(),
});
export type TextLook = z.infer<typeof TextLookSchema>;

export const SpanSchema = z.object({ text: z.string(), style: StyleSchema.optional(), ...TextLookSchema.shape });
export type Span = z.infer<typeof SpanSchema>;

/** A line is plain text with an optional style, or a list of styled spans. */
export const LineSchema = z.object({
  text: z.string(),
  style: StyleSchema.optional(),
  spans: z.array(SpanSchema).optional(),
});
export type Line = z.infer<typeof LineSchema>;

/**
 * Most columns a table view has: the daemon sends at most ~50 (a CRD's printer columns are cut at 48,
 * a plugin's at 32). A client fits columns to its width in steps over all of them: thousands (a
 * broken or hostile peer) stalled it on every frame.
 */
export const MAX_TABLE_COLUMNS = 100;

export const ColumnSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** At most a terminal's widest (1000 cells): a width of 2^53 hung a client fitting it. */
  width: z.number().int().min(0).max(1000).optional(),
  align: z.enum(['left', 'right']).optional(),
});
export type Column = z.infer<typeof ColumnSchema>;

export const RowSchema = z.object({
  /** Stable identity (e.g. a UID) so selection survives updates. */
  id: z.string(),
  /** Cells keyed by column id, never by position. */
  cells: z.record(z.string(), z.string()),
  /** Per-cell styles, keyed by column id. */
  styles: z.record(z.string(), StyleSchema).optional(),
  /** Per-cell colours and attributes (plugin tables), keyed by column id, drawn over `styles`. */
  looks: z.record(z.string(), TextLookSchema).optional(),
});
export type Row = z.infer<typeof RowSchema>;

const Common = {
  title: z.string(),
  /** Right-hand part of the bottom border, e.g. a count `3/12`. */
  badge: z.string().optional(),
  /** A one-line footer under the content (state, filter, hints). */
  footer: z.string().optional(),
};

export const TableViewSchema = z.object({
  type: z.literal('table'),
  ...Common,
  columns: z.array(ColumnSchema).max(MAX_TABLE_COLUMNS),
  /** Only the rows that fit the viewport, starting at `offset`. */
  rows: z.array(RowSchema),
  offset: z.number().int().min(0),
  /** Rows after filtering. */
  total: z.number().int().min(0),
  /** Rows before filtering. */
  unfiltered: z.number().int().min(0),
  /** Absolute index of the selected row (within the filtered rows), or null. */
  selected: z.number().int().nullable(),
  sort: z.object({ column: z.string(), order: z.enum(['asc', 'desc']) }).optional(),
  filter: z.string().optional(),
  /** Shown instead of rows when there are none (`Loading...`, `No resources found`). */
  empty: z.string().optional(),
  /** Lines drawn above the column header (a plugin table's summary). */
  caption: z.array(LineSchema).optional(),
  /**
   * Sent only to a client that attached with `sameRows`: this view's `columns` and `rows` are those of
   * the view of this pane numbered `rowsOf` (the last one this connection was sent for it), and are
   * sent empty. A key that only moves the selection (`j`, `k`) then sends a few hundred bytes, not
   * every visible row again, and the client draws the rows it already has.
   */
  rowsOf: z.number().int().min(0).optional(),
});
export type TableView = z.infer<typeof TableViewSchema>;

export const LinesViewSchema = z.object({
  type: z.literal('lines'),
  ...Common,
  /** Only the lines that fit the viewport, starting at `offset`. */
  lines: z.array(LineSchema),
  offset: z.number().int().min(0),
  total: z.number().int().min(0),
  /** Index of the highlighted line, if the pane has a cursor. */
  cursor: z.number().int().nullable().optional(),
  follow: z.boolean().optional(),
  wrap: z.boolean().optional(),
});
export type LinesView = z.infer<typeof LinesViewSchema>;

export const MessageViewSchema = z.object({
  type: z.literal('message'),
  ...Common,
  level: z.enum(['info', 'loading', 'error']),
  text: z.string(),
});
export type MessageView = z.infer<typeof MessageViewSchema>;

/** Bounds of a terminal view: rows and columns as a viewport's, and the text of one run. */
export const TERMINAL_MAX_ROWS = 1000;
export const TERMINAL_MAX_COLS = 1000;
export const TERMINAL_MAX_RUN_CHARS = 8192;


/** Cells side by side in one style. The text never holds control characters. */
export const TermRunSchema = z.object({
  text: z.string().max(TERMINAL_MAX_RUN_CHARS),
  fg: TermColorSchema.optional(),
  bg: TermColorSchema.optional(),
  bold: z.boolean().optional(),
  dim: z.boolean().optional(),
  italic: z.boolean().optional(),
  underline: z.boolean().optional(),
  inverse: z.boolean().optional(),
});
export type TermRun = z.infer<typeof TermRunSchema>;

/**
 * A terminal screen (an exec pane): the rows that fit the viewport, each as styled runs (trailing
 * blank cells left out), and the cursor. The screen itself lives in the daemon, so every client
 * shows the same one.
 */
export const TerminalViewSchema = z.object({
  type: z.literal('terminal'),
  ...Common,
  rows: z.array(z.array(TermRunSchema).max(TERMINAL_MAX_COLS)).max(TERMINAL_MAX_ROWS),
  /** Where the cursor is within `rows` (cells from the left), or null when hidden or scrolled away. */
  cursor: z.object({ row: z.number().int().min(0).max(TERMINAL_MAX_ROWS - 1), col: z.number().int().min(0).max(TERMINAL_MAX_COLS - 1) }).nullable(),
  /** Lines of scrollback above the live screen, and how many of them the view is scrolled up (0: live). */
  scrollback: z.number().int().min(0),
  scrolled: z.number().int().min(0),
});
export type TerminalView = z.infer<typeof TerminalViewSchema>;

export const PaneViewSchema = z.discriminatedUnion('type', [TableViewSchema, LinesViewSchema, MessageViewSchema, TerminalViewSchema]);
/** What a pane shows, already cut to one client's viewport. */
export type PaneView = z.infer<typeof PaneViewSchema>;

export const ViewportSchema = z.object({
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});
export type Viewport = z.infer<typeof ViewportSchema>;
