import type { Style, TextLook } from '@kubetile/rpc-schema';

export interface Palette {
  accent: string;
  fg: string | undefined;
  headerBg: string | undefined;
  headerFg: string | undefined;
  selectionBg: string;
  selectionFg: string | undefined;
  border: string;
  borderActive: string;
  textDim: string;
  overlayBg: string | undefined;
  ok: string;
  warn: string;
  error: string;
  unknown: string;
  insertBg: string;
  insertFg: string;
  match: string;
  mauve: string;
}

/** KubeTile's built-in Catppuccin-Mocha-like colours (reference §3.3), for 256-colour and true-colour terminals. */
export const TRUE_COLOR_PALETTE: Palette = {
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
};

/**
 * The same roles in the 16 ANSI colours. Hex colours squeezed into 16 colours go wrong (the grey
 * border becomes black, the accent white), so terminals without 256 colours (TERM=screen, the
 * Linux console) get named colours and the terminal's own foreground and background.
 */
export const ANSI_PALETTE: Palette = {
  accent: 'blueBright',
  fg: undefined,
  headerBg: undefined,
  headerFg: undefined,
  selectionBg: 'blue',
  selectionFg: 'whiteBright',
  border: 'gray',
  borderActive: 'blueBright',
  textDim: 'gray',
  overlayBg: undefined,
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  unknown: 'gray',
  insertBg: 'green',
  insertFg: 'black',
  match: 'magentaBright',
  mauve: 'magenta',
};

/** 0 none, 1 sixteen colours, 2 256 colours, 3 true colour: chalk's rules, erring low. */
export function detectColorLevel(env: NodeJS.ProcessEnv): ColorLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === 'false' || force === '0') return 0;
    const n = force === '' || force === 'true' ? 1 : Number.parseInt(force, 10);
    return (Number.isFinite(n) ? Math.max(0, Math.min(3, n)) : 1) as ColorLevel;
  }
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  const term = env.TERM ?? '';
  if (term === 'dumb') return 0;
  if (/-256(colou?r)?$/i.test(term) || /^xterm-kitty$|^alacritty$|^wezterm$|^foot/.test(term)) return 2;
  return 1;
}

/** 256 colours use the hex palette too (ansi.ts picks the nearest of the cube and the grey ramp). */
export const paletteFor = (level: number): Palette => (level >= 2 ? TRUE_COLOR_PALETTE : ANSI_PALETTE);

/** Colours this process draws with: 0 when stdout is not a terminal (tests, pipes), as chalk does. */
export function defaultColorLevel(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): ColorLevel {
  if (env.FORCE_COLOR !== undefined) return detectColorLevel(env);
  return isTTY ? detectColorLevel(env) : 0;
}

export type ColorLevel = 0 | 1 | 2 | 3;

/** The colour level and palette in use (live bindings; `setColorLevel` changes both). */
export let colorLevel: ColorLevel = defaultColorLevel();
export let palette: Palette = paletteFor(colorLevel);

export function setColorLevel(level: ColorLevel): void {
  colorLevel = level;
  palette = paletteFor(level);
}

/**
 * How a piece of text is drawn. Colours are names (`red`, `blueBright`) or `#rrggbb`, or an
 * xterm-256 palette index (a terminal screen's cells: 0–15 are the user's own ANSI colours).
 */
export interface TextStyle {
  color?: string | number;
  backgroundColor?: string | number;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
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

/** A plugin's colours and attributes (TextLook) laid over a semantic style. */
export function withLook(base: TextStyle, look: TextLook | undefined): TextStyle {
  if (!look) return base;
  const s: TextStyle = { ...base };
  if (look.fg !== undefined) s.color = look.fg;
  if (look.bg !== undefined) s.backgroundColor = look.bg;
  if (look.bold) s.bold = true;
  if (look.dim) s.dim = true;
  if (look.italic) s.italic = true;
  if (look.underline) s.underline = true;
  return s;
}
