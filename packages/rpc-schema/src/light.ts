/**
 * The contract without zod and without the method declarations: constants, error codes, keys,
 * paths, socket trust, pane geometry, cell widths, and the types. Importing it costs next to nothing, which
 * the client's path to its first frame needs (the full schema loads zod, ~0.3–0.6 s); validation
 * with the schemas stays in the main entry.
 */
export * from './api-level.js';
export * from './errors.js';
export * from './keys.js';
export * from './paths.js';
export * from './layout-geometry.js';
export * from './cell-width.js';
export * from './host-port.js';
export { dottedPath, firstLeafAt } from './json-bounds.js';
export type { Column, Line, LinesView, MessageView, PaneView, Row, Span, Style, TableView, TermColor, TermRun, TerminalView } from './pane-view.js';
export type { Hint, InputMode, Overlay, SessionLayout, StatusInfo, TabInfo } from './session-layout.js';
export type { Direction, SplitDirection } from './layout.js';
export type { NotificationDecl, ParamsOf, RequestDecl, RequestName, ResultOf } from './methods.js';
export type { Notifications, Requests } from './methods.js';
