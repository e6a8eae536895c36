import type { Style } from '@kubetile/rpc-schema';

/** The palette: KubeTile's built-in Catppuccin-Mocha-like colours (reference §3.3). */
export const palette = {
  accent: '#89b4fa',
  fg: '#cdd6f4',
  headerBg: '#1e1e2e',
  headerFg: '#cdd6f4',
  selectionBg: '#45475a',
  selectionFg: '#cdd6f4',
  border: '#585b70',
  borderActive: '#89b4fa',
  textDim: '#6c7086',
  overlayBg: '#1e1e2e',
  ok: '#a6e3a1',
  warn: '#f9e2af',
  error: '#f38ba8',
  unknown: '#585b70',
  insertBg: '#a6e3a1',
  insertFg: '#1e1e2e',
  match: '#fab387',
  mauve: '#cba6f7',
} as const;

/** How a piece of text is drawn. Colours are hex strings ink understands. */
export interface TextStyle {
  color?: string;
  backgroundColor?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

/** Semantic styles from PaneViews → text styles. */
export function styleFor(style: Style | undefined): TextStyle {
  switch (style) {
    case undefined:
    case 'normal':
      return {};
    case 'dim':
      return { color: palette.textDim };
    case 'accent':
      return { color: palette.accent };
    case 'ok':
      return { color: palette.ok };
    case 'warn':
      return { color: palette.warn };
    case 'error':
      return { color: palette.error };
    case 'header':
      return { color: palette.headerFg, bold: true };
    case 'selected':
      return { color: palette.selectionFg, backgroundColor: palette.selectionBg };
    case 'match':
      return { color: palette.match, bold: true };
  }
}

export const borderColor = (focused: boolean): string => (focused ? palette.borderActive : palette.border);

/** The mode badge's colours: insert uses the insert colours, as in KubeTile. */
export function modeStyle(mode: string): TextStyle {
  switch (mode) {
    case 'insert':
      return { color: palette.insertFg, backgroundColor: palette.insertBg, bold: true };
    case 'filter':
    case 'search':
      return { color: palette.insertFg, backgroundColor: palette.warn, bold: true };
    case 'selector':
    case 'confirm':
      return { color: palette.insertFg, backgroundColor: palette.mauve, bold: true };
    default:
      return { color: palette.insertFg, backgroundColor: palette.accent, bold: true };
  }
}

export type ToastLevel = 'info' | 'success' | 'warn' | 'error';

export function toastColor(level: ToastLevel): string {
  switch (level) {
    case 'success':
      return palette.ok;
    case 'warn':
      return palette.warn;
    case 'error':
      return palette.error;
    default:
      return palette.accent;
  }
}

/** Merges two styles, the second winning (used to lay a selection over cell colours). */
export function mergeStyles(base: TextStyle, over: TextStyle): TextStyle {
  return { ...base, ...over };
}
