import type { SegLine } from './segments.js';
import { colorLevel, type ColorLevel, type TextStyle } from './theme.js';

/**
 * Styled segments → one string with SGR escape codes. Lines are handed to ink pre-rendered (one
 * text node per line instead of one per segment), which makes a frame several times cheaper.
 */

const NAMED: Record<string, number> = {
  black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37,
  gray: 90, grey: 90, blackBright: 90, redBright: 91, greenBright: 92, yellowBright: 93,
  blueBright: 94, magentaBright: 95, cyanBright: 96, whiteBright: 97,
};

const hexRgb = (hex: string): [number, number, number] | null => {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : null;
};

const CUBE = [0, 95, 135, 175, 215, 255];
const dist = (a: readonly number[], b: readonly number[]): number => (a[0]! - b[0]!) ** 2 + (a[1]! - b[1]!) ** 2 + (a[2]! - b[2]!) ** 2;

/** The nearest xterm-256 colour (the 6×6×6 cube or the grey ramp, whichever is closer). */
export function rgbTo256(rgb: readonly [number, number, number]): number {
  const idx = rgb.map((v) => CUBE.reduce((best, c, i) => (Math.abs(c - v) < Math.abs(CUBE[best]! - v) ? i : best), 0));
  const cube: [number, number, number] = [CUBE[idx[0]!]!, CUBE[idx[1]!]!, CUBE[idx[2]!]!];
  const avg = (rgb[0] + rgb[1] + rgb[2]) / 3;
  const g = Math.max(0, Math.min(23, Math.round((avg - 8) / 10)));
  const grey = 8 + g * 10;
  return dist(rgb, [grey, grey, grey]) < dist(rgb, cube) ? 232 + g : 16 + 36 * idx[0]! + 6 * idx[1]! + idx[2]!;
}

const BASIC: Array<[number, [number, number, number]]> = [
  [30, [0, 0, 0]], [31, [205, 0, 0]], [32, [0, 205, 0]], [33, [205, 205, 0]], [34, [0, 0, 238]], [35, [205, 0, 205]],
  [36, [0, 205, 205]], [37, [229, 229, 229]], [90, [127, 127, 127]], [91, [255, 0, 0]], [92, [0, 255, 0]], [93, [255, 255, 0]],
  [94, [92, 92, 255]], [95, [255, 0, 255]], [96, [0, 255, 255]], [97, [255, 255, 255]],
];

/** The RGB of an xterm-256 palette entry from 16 up (the 6×6×6 cube, then the grey ramp). */
export function xterm256Rgb(index: number): [number, number, number] {
  if (index >= 232) {
    const g = 8 + (index - 232) * 10;
    return [g, g, g];
  }
  const n = index - 16;
  return [CUBE[Math.floor(n / 36)]!, CUBE[Math.floor(n / 6) % 6]!, CUBE[n % 6]!];
}

function nearestBasic(rgb: readonly [number, number, number], bg: boolean): string {
  let best = BASIC[0]!;
  for (const b of BASIC) if (dist(b[1], rgb) < dist(best[1], rgb)) best = b;
  return String(best[0] + (bg ? 10 : 0));
}

/** A palette index: the terminal's own colour for 0–15; 16–255 as such with 256 colours, else the nearest of 16. */
function indexCode(index: number, bg: boolean, level: ColorLevel): string | null {
  if (!Number.isInteger(index) || index < 0 || index > 255) return null;
  if (index < 16) return String((index < 8 ? 30 + index : 90 + index - 8) + (bg ? 10 : 0));
  if (level >= 2) return `${bg ? 48 : 38};5;${index}`;
  return nearestBasic(xterm256Rgb(index), bg);
}

function colorCode(color: string | number, bg: boolean, level: ColorLevel): string | null {
  if (typeof color === 'number') return indexCode(color, bg, level);
  const named = NAMED[color];
  if (named !== undefined) return String(named + (bg ? 10 : 0));
  const rgb = hexRgb(color);
  if (!rgb) return null;
  if (level >= 3) return `${bg ? 48 : 38};2;${rgb[0]};${rgb[1]};${rgb[2]}`;
  if (level === 2) return `${bg ? 48 : 38};5;${rgbTo256(rgb)}`;
  return nearestBasic(rgb, bg);
}

const sgrCache = new Map<string, string>();
const SGR_CACHE_MAX = 4096;

/** The SGR sequence that switches to `style` (empty for the default style or colour level 0). */
export function sgr(style: TextStyle | undefined, level: ColorLevel = colorLevel): string {
  if (!style || level === 0) return '';
  const key = `${level}|${style.color ?? ''}|${style.backgroundColor ?? ''}|${style.bold ? 1 : 0}${style.dim ? 1 : 0}${style.italic ? 1 : 0}${style.underline ? 1 : 0}${style.inverse ? 1 : 0}`;
  let out = sgrCache.get(key);
  if (out === undefined) {
    const codes: string[] = [];
    if (style.bold) codes.push('1');
    if (style.dim) codes.push('2');
    if (style.italic) codes.push('3');
    if (style.underline) codes.push('4');
    if (style.inverse) codes.push('7');
    if (style.color) {
      const c = colorCode(style.color, false, level);
      if (c) codes.push(c);
    }
    if (style.backgroundColor) {
      const c = colorCode(style.backgroundColor, true, level);
      if (c) codes.push(c);
    }
    out = codes.length ? `\x1b[${codes.join(';')}m` : '';
    // Terminal screens can use any of 16M true colours: the cache stays small.
    if (sgrCache.size >= SGR_CACHE_MAX) sgrCache.clear();
    sgrCache.set(key, out);
  }
  return out;
}

/** A line as text with escape codes; every styled run is closed with a reset. */
export function lineToAnsi(line: SegLine, level: ColorLevel = colorLevel): string {
  let out = '';
  for (const s of line) {
    const on = sgr(s.style, level);
    out += on ? `${on}${s.text}\x1b[0m` : s.text;
  }
  return out;
}
